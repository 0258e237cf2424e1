"""Reports: terminal, JSON, Markdown and HTML renderings of one review result."""
from __future__ import annotations

import json


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
    return json.dumps(result, ensure_ascii=False, indent=2)
