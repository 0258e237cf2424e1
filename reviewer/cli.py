"""The `contract-review` command line. Heavy libraries are imported inside commands so --help stays fast."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from reviewer import __version__

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT_ERROR = 2


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_INPUT_ERROR)


def _limits(max_mb: int, max_pages: int):
    from reviewer.extract import Limits
    return Limits(max_bytes=max_mb * 1024 * 1024, max_pages=max_pages)


limit_options = [
    click.option("--max-mb", default=50, show_default=True, help="Refuse files larger than this many MiB."),
    click.option("--max-pages", default=2000, show_default=True, help="Refuse PDFs with more pages than this."),
]


def with_limits(func):
    for option in reversed(limit_options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="contract-review")
def main():
    """Review IT support, managed-services and SaaS support contracts before signing.

    Reads PDF, DOCX, text and Markdown; reports, clause by clause, what is there,
    what is vague and what is missing.
    """


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@with_limits
def extract(file: Path, fmt: str, max_mb: int, max_pages: int):
    """Print the structured text of FILE: blocks with pages, headings, clause numbers and tables."""
    from reviewer.errors import ReviewError
    from reviewer.extract import extract as run_extract
    if not file.exists():
        _fail(f"{file}: no such file")
    try:
        doc = run_extract(file, _limits(max_mb, max_pages))
    except ReviewError as exc:
        _fail(exc.message)
    if fmt == "json":
        click.echo(json.dumps(doc.to_dict(), ensure_ascii=False, indent=2))
        return
    from reviewer.report.terminal import render_document
    click.echo(render_document(doc))
