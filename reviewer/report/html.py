"""HTML gap report and portfolio index: one self-contained file each, jinja2 with autoescape on.

The files carry their CSS inline and load nothing: no fonts, scripts or images from elsewhere,
so they open offline and survive being mailed. A Content-Security-Policy in each file allows
only the project's own inline styles and, in the index, its own sorting script (by its hash):
contract text is escaped by autoescape, and even if something slipped through, no script in it
could run. Only the project's own assets are marked safe, never anything from a contract.
"""
from __future__ import annotations

import base64
import hashlib
from functools import lru_cache


@lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, PackageLoader, select_autoescape
    return Environment(loader=PackageLoader("reviewer.report", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=1)
def _sort_script() -> tuple[str, str]:
    """The index's sorting script (the project's own file) and its CSP hash."""
    from markupsafe import Markup
    source, _, _ = _env().loader.get_source(_env(), "_sort.js")
    digest = base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")
    return Markup(source), f"'sha256-{digest}'"


def render_html(result: dict) -> str:
    from reviewer.report.view import report_view
    return _env().get_template("report.html.j2").render(v=report_view(result))


def render_index(results: list[dict], item_ids: list[str]) -> str:
    from reviewer.report.view import index_view
    script, script_hash = _sort_script()
    return _env().get_template("index.html.j2").render(v=index_view(results, item_ids), script=script,
                                                       script_hash=script_hash)
