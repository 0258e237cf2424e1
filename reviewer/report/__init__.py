"""Reports: terminal, JSON, Markdown and HTML renderings of one review result."""
from __future__ import annotations

import json
from json.encoder import encode_basestring as _string


def render(result: dict, fmt: str, *, quiet: bool = False, verbose: bool = False) -> str:
    if fmt == "json":
        return to_json(result)
    if fmt == "html":
        from reviewer.report.html import render_html
        return render_html(result)
    if fmt == "md":
        from reviewer.report.markdown import render_markdown
        return render_markdown(result)
    from reviewer.report.terminal import render_review
    return render_review(result, quiet=quiet, verbose=verbose)


def to_json(result: dict) -> str:
    """``json.dumps(result, ensure_ascii=False, indent=2)``, written by ``_indented`` where it can
    (json's own encoder drops to pure Python with ``indent`` and yields a piece at a time)."""
    out: list[str] = []
    try:
        _indented(result, "", out)
    except (_NotPlain, RecursionError):
        return json.dumps(result, ensure_ascii=False, indent=2)
    return "".join(out)


class _NotPlain(Exception):
    """A value ``_indented`` leaves to json: another type, a non-str key, NaN or infinity."""


_INFINITIES = (float("inf"), float("-inf"))


def _indented(value, indent: str, out: list[str]) -> None:
    """The ``indent=2`` form of dicts with str keys, lists, str, int, finite float, bool and None."""
    kind = type(value)
    if kind is str:
        out.append(_string(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = indent + "  "
        out.append("{\n" + inner)
        comma = ""
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            out.append(comma + _string(key) + ": ")
            _indented(item, inner, out)
            comma = ",\n" + inner
        out.append("\n" + indent + "}")
    elif kind is list:
        if not value:
            out.append("[]")
            return
        inner = indent + "  "
        out.append("[\n" + inner)
        comma = ""
        for item in value:
            out.append(comma)
            _indented(item, inner, out)
            comma = ",\n" + inner
        out.append("\n" + indent + "]")
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is float and value == value and value not in _INFINITIES:
        out.append(float.__repr__(value))
    else:
        raise _NotPlain
