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


def _read(file: Path, max_mb: int, max_pages: int):
    """The contract's Document, or exit 2 with one line naming the file and the cause."""
    from reviewer.errors import ReviewError
    from reviewer.extract import extract as run_extract
    if not file.exists():
        _fail(f"{file}: no such file")
    try:
        return run_extract(file, _limits(max_mb, max_pages))
    except ReviewError as exc:
        _fail(exc.message)


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
    doc = _read(file, max_mb, max_pages)
    if fmt == "json":
        click.echo(json.dumps(doc.to_dict(), ensure_ascii=False, indent=2))
        return
    from reviewer.report.terminal import render_document
    click.echo(render_document(doc))


def _split_ids(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip().upper() for value in values for v in value.split(",") if v.strip())


def review_options(func):
    options = [
        click.option("--select", multiple=True, help="Only these checklist items/rules (ID prefixes, comma-separated)."),
        click.option("--ignore", multiple=True, help="Skip these checklist items/rules (ID prefixes, comma-separated)."),
        click.option("--playbook", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Your organisation's playbook (YAML); default: the bundled market-practice playbook."),
    ]
    for option in reversed(options):
        func = option(func)
    return with_limits(func)


def annotate_identity(func):
    options = [
        click.option("--author", default="Contract Reviewer", show_default=True, help="Author name on --annotate comments."),
        click.option("--initials", default="CR", show_default=True, help="Author initials on --annotate comments."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _reviewer(select, ignore, playbook, max_mb, max_pages):
    from reviewer.checks.playbook import PlaybookError
    from reviewer.classify.classifier import ModelError
    from reviewer.pipeline import Reviewer, ReviewOptions
    options = ReviewOptions(limits=_limits(max_mb, max_pages), select=_split_ids(select),
                            ignore=_split_ids(ignore), playbook=playbook)
    try:
        reviewer = Reviewer(options)
    except (PlaybookError, ModelError, ValueError) as exc:
        _fail(str(exc))
    from reviewer.classify.classifier import version_note
    note = version_note(reviewer.labeler.classifier) if reviewer.labeler.classifier else None
    if note:
        click.echo(f"note: {note}", err=True)
    return reviewer


SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}


def _gate(results: list[dict], fail_on: str | None) -> int:
    if not fail_on or fail_on == "none":
        return EXIT_OK
    bar = SEVERITY_RANK[fail_on]
    for result in results:
        if result.get("status") == "error":
            return EXIT_FINDINGS  # a contract that could not be read cannot pass a gate
        if any(SEVERITY_RANK.get(f["severity"], 0) >= bar for f in result.get("findings", [])):
            return EXIT_FINDINGS
    return EXIT_OK


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html", "md"]), default="text", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here instead of stdout.")
@click.option("--fail-on", type=click.Choice(["low", "medium", "high", "none"]), default="none", show_default=True,
              help="Exit 1 when a finding at or above this severity exists (for procurement gates).")
@click.option("--quiet", "-q", is_flag=True, help="Terminal output: only the summary line.")
@click.option("--verbose", "-v", is_flag=True, help="Terminal output: every finding and every clause label.")
@click.option("--annotate", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a copy of the DOCX contract here with a Word comment on each finding (docs/annotate.md).")
@annotate_identity
@review_options
def review(file, fmt, out, fail_on, quiet, verbose, annotate, author, initials, select, ignore, playbook, max_mb,
           max_pages):
    """Review one contract FILE against the checklist."""
    if not file.exists():
        _fail(f"{file}: no such file")
    if annotate is not None:
        from reviewer.report.annotate import not_annotatable
        problem = not_annotatable(file)
        if problem:
            _fail(problem)
        if annotate.resolve() in (file.resolve(), out.resolve() if out else None):
            _fail(f"{annotate}: the annotated copy needs a path of its own (not the contract, not --out)")
    reviewer = _reviewer(select, ignore, playbook, max_mb, max_pages)
    result = reviewer.review_file(file)
    if result["status"] == "error":
        if fmt == "json":
            _emit(json.dumps(result, ensure_ascii=False, indent=2), out)
        _fail(result["error"])
    if annotate is not None:
        from reviewer.report.annotate import AnnotateError, annotate_docx
        try:
            stats = annotate_docx(file, result, annotate, author=author, initials=initials)
        except AnnotateError as exc:
            _fail(str(exc))
        click.echo(f"wrote {annotate} ({stats.comments} comments)", err=True)
    from reviewer.report import render
    _emit(render(result, fmt, quiet=quiet, verbose=verbose), out)
    sys.exit(_gate([result], fail_on))


def _emit(text: str, out: Path | None) -> None:
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(text)


@main.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the reports (never the input folder).")
@click.option("--include", multiple=True, help="Glob of files to review (default: *.pdf *.docx *.md *.txt).")
@click.option("--exclude", multiple=True, help="Glob of files to skip.")
@click.option("--workers", "-j", type=int, default=0, help="Parallel workers (default: all cores).")
@click.option("--timeout", type=int, default=120, show_default=True, help="Per-file time limit in seconds.")
@click.option("--fail-on", type=click.Choice(["low", "medium", "high", "none"]), default="none", show_default=True)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--annotate", is_flag=True,
              help="Also write OUT/annotated/<report>.docx: each DOCX with a Word comment on each finding.")
@annotate_identity
@review_options
def scan(folder, out, include, exclude, workers, timeout, fail_on, quiet, annotate, author, initials, select, ignore,
         playbook, max_mb, max_pages):
    """Review every contract under FOLDER: one report each, plus index.html, results.jsonl and summary.csv."""
    from reviewer.scan import ScanSettings, run_scan
    folder_resolved, out_resolved = folder.resolve(), out.resolve()
    if out_resolved == folder_resolved or folder_resolved in out_resolved.parents:
        _fail(f"{out}: the output folder must be outside the input folder {folder}")
    reviewer = _reviewer(select, ignore, playbook, max_mb, max_pages)  # fail fast on a bad playbook or model
    settings = ScanSettings(select=_split_ids(select), ignore=_split_ids(ignore), playbook=playbook,
                            max_mb=max_mb, max_pages=max_pages, timeout=timeout)
    results = run_scan(folder, out, settings, include=include, exclude=exclude, workers=workers, progress=not quiet,
                       reviewer=reviewer)  # forked workers reuse its loaded rules and model
    errors = sum(1 for r in results if r["status"] == "error")
    click.echo(f"reviewed {len(results) - errors} contracts, {errors} errors; report: {out / 'index.html'}", err=True)
    if annotate:
        _annotate_scan(folder, out, results, author, initials, workers)
    sys.exit(_gate(results, fail_on))


def _annotate_scan(folder, out, results, author, initials, workers) -> None:
    from reviewer.report.annotate import annotate_scan
    done = annotate_scan(folder, out, results, author=author, initials=initials, workers=workers)
    for problem in done.problems:
        click.echo(f"warning: {problem}", err=True)
    if done.not_docx:
        click.echo(f"note: --annotate needs DOCX files; {len(done.not_docx)} PDF/text contracts have no annotated "
                   f"copy (their HTML reports are in {out / 'reports'})", err=True)
    click.echo(f"annotated {done.written} DOCX contracts: {out / 'annotated'}", err=True)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Also list clauses with no label.")
@with_limits
def classify(file: Path, fmt: str, show_all: bool, max_mb: int, max_pages: int):
    """Print FILE's clauses with their labels, scores and reasons (rule IDs, the classifier's top words)."""
    from reviewer.classify.labeler import Labeler
    from reviewer.segment.clauses import segment
    clauses = segment(_read(file, max_mb, max_pages))
    Labeler.default().label(clauses)
    if fmt == "json":
        click.echo(json.dumps([c.to_dict() for c in clauses], ensure_ascii=False, indent=2))
        return
    for clause in clauses:
        if not clause.labels and not show_all:
            continue
        where = f"p.{clause.page} " if clause.page else ""
        text = " ".join(clause.text.split())
        click.echo(f"{clause.id:14} {where}{text[:100]}{'...' if len(text) > 100 else ''}")
        for label in clause.labels:
            click.echo(f"    {label.category:17} {label.score:.2f}  {'; '.join(label.reasons)}")


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--select", multiple=True, help="ID prefixes to list.")
def list_rules(fmt, select):
    """List every checklist item, vague-term rule and clause pattern with its ID, severity and one-line doc."""
    from reviewer.catalog import catalog
    rows = catalog(_split_ids(select))
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['id']:24} {row['severity']:7} {row['kind']:16} {row['doc']}")


@main.command()
@click.option("--data", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Folder of labelled *.jsonl clauses (default: training/clauses).")
@click.option("--skip-cv", is_flag=True, help="Skip the 5-fold cross-validation (faster).")
def train(data, skip_cv):
    """Rebuild the clause classifier from the labelled clauses (fixed seed) and write the model card."""
    from reviewer.classify import train as t
    from reviewer.classify.classifier import META_FILE, WEIGHTS_FILE
    from reviewer.paths import MODELS_DIR
    records, _, test_part, patterns, held_out = _held_out_evaluation(data, "train")
    click.echo(f"held-out ({len(test_part)} clauses, {len({r['doc'] for r in test_part})} documents):")
    click.echo(t.format_table(held_out))
    try:
        cv = t.cross_validate(records) if not skip_cv else held_out["classifier"]
        model = t.fit(records, patterns)
    except ValueError as exc:  # scikit-learn: too few documents or examples of a category to split and fit
        _fail(f"{data or 'training/clauses'}: too little data to train on ({exc})")
    model.save(WEIGHTS_FILE, META_FILE)
    t.write_model_card(MODELS_DIR / "MODEL_CARD.md", records, held_out, cv, model.meta)
    click.echo(f"wrote {WEIGHTS_FILE}, {META_FILE.name} and MODEL_CARD.md ({len(records)} clauses)")


@main.command("eval")
@click.option("--labels", type=click.Path(exists=True, path_type=Path), default=None,
              help="Your own labelled contracts: a folder of <file>.json label files (format of shared/corpus/expected).")
@click.option("--docs", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Folder holding the contracts the labels name (default: the labels' parent folder).")
@click.option("--data", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Labelled clauses for the classifier evaluation (default: training/clauses).")
def evaluate(labels, docs, data):
    """Evaluate: clause labelling on held-out documents (rules, classifier, combined), and with --labels,
    checklist accuracy and vague-term precision/recall on your own labelled contracts."""
    if labels:
        from reviewer.evaluate import evaluate_contracts, format_contract_eval
        reviewer = _reviewer((), (), None, 50, 2000)
        report = evaluate_contracts(reviewer, labels, docs)
        click.echo(format_contract_eval(report))
        return
    from reviewer.classify import train as t
    _, train_part, test_part, _, results = _held_out_evaluation(data, "evaluate")
    click.echo(f"clause labelling, held-out split by document ({len(test_part)} clauses, "
               f"{len({r['doc'] for r in test_part})} documents; trained on {len(train_part)}):")
    click.echo(t.format_table(results))


def _held_out_evaluation(data, purpose: str):
    """Load the labelled clauses, fit on 80% of the documents and score rules, classifier and
    combined on the rest: what `train` reports before refitting on everything, and what `eval` prints."""
    from reviewer.classify import train as t
    from reviewer.classify.rules import default_patterns
    try:
        records = t.load_dataset(data) if data else t.load_dataset()
    except ValueError as exc:
        _fail(str(exc))
    try:
        train_part, test_part = t.split_by_document(records)
        patterns = default_patterns()
        model = t.fit(train_part, patterns)
        results = t.evaluate_sources(model, test_part, patterns)
    except ValueError as exc:  # scikit-learn: too few documents or examples of a category to split and fit
        _fail(f"{data or 'training/clauses'}: too little data to {purpose} on ({exc})")
    return records, train_part, test_part, patterns, results
