"""HTML gap report and portfolio index: one self-contained file each, jinja2 with autoescape on."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, PackageLoader, select_autoescape
    return Environment(loader=PackageLoader("reviewer.report", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       trim_blocks=True, lstrip_blocks=True)


def render_html(result: dict) -> str:
    from reviewer.report.view import report_view
    return _env().get_template("report.html.j2").render(v=report_view(result))


def render_index(results: list[dict], item_ids: list[str]) -> str:
    from reviewer.report.view import index_view
    return _env().get_template("index.html.j2").render(v=index_view(results, item_ids))
