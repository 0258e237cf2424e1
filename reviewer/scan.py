"""Folder scan: parallel reviews, one report per contract, results written as each file finishes.

An interrupted scan loses nothing: each finished file's JSON is on disk at once, and a re-run
skips files whose content hash and settings are unchanged. The input folder is only read.
"""
from __future__ import annotations

import csv
import fnmatch
import hashlib
import json
import os
import re
import signal
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Optional

DEFAULT_INCLUDE = ("*.pdf", "*.docx", "*.md", "*.markdown", "*.txt")


@dataclass(frozen=True)
class ScanSettings:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    playbook: Optional[Path] = None
    max_mb: int = 50
    max_pages: int = 2000
    timeout: int = 120

    def digest(self) -> str:
        from reviewer import __version__, paths
        data = asdict(self)
        data["playbook"] = _file_digest(self.playbook) if self.playbook else None
        data["version"] = __version__
        # an edited rule file or a retrained model changes the answers, so cached reviews must not be reused
        data["rules"] = _tree_digest(paths.RULES_DIR)
        data["model"] = _tree_digest(paths.MODELS_DIR)
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            h.update(path.relative_to(folder).as_posix().encode() + b"\0" + _file_digest(path).encode())
    return h.hexdigest()


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def find_contracts(folder: Path, include=(), exclude=()) -> list[Path]:
    include = tuple(include) or DEFAULT_INCLUDE
    found = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink() or name.startswith((".", "~$")):
                continue
            if not any(fnmatch.fnmatch(name.lower(), g.lower()) or fnmatch.fnmatch(rel, g) for g in include):
                continue
            if any(fnmatch.fnmatch(name.lower(), g.lower()) or fnmatch.fnmatch(rel, g) for g in exclude):
                continue
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def report_stem(rel: str) -> str:
    """A safe, unique file name for a contract's report, derived from its relative path."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", rel).strip("._") or "contract"
    return f"{safe[:120]}-{hashlib.sha256(rel.encode()).hexdigest()[:8]}"


_WORKER = None
_PRELOADED = None  # (settings, Reviewer) loaded in the parent: a forked worker starts with it


def _init_worker(settings: ScanSettings) -> None:
    global _WORKER
    from reviewer.extract import Limits
    from reviewer.pipeline import Reviewer, ReviewOptions
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _PRELOADED is not None and _PRELOADED[0] == settings:
        _WORKER = _PRELOADED[1]  # inherited through fork: the rules and model are loaded already
        return
    _WORKER = Reviewer(ReviewOptions(limits=Limits(settings.max_mb * 2**20, settings.max_pages),
                                     select=settings.select, ignore=settings.ignore, playbook=settings.playbook))


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def _review_and_write(path: str, rel: str, timeout: int, reports: str, key: str) -> dict:
    """In the worker: review one file and write its JSON and HTML report, so the parent only
    collects results (it would otherwise render every report itself, one after another)."""
    result = _review_one(path, rel, timeout)
    result["cache_key"] = key
    _write_report(Path(reports), rel, result)
    return result


def _review_one(path: str, rel: str, timeout: int) -> dict:
    from reviewer.pipeline import error_result
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(max(1, timeout))
    try:
        return _WORKER.review_file(path, display_name=rel)
    except _Timeout:
        return error_result(rel, f"{rel}: took longer than the per-file time limit ({timeout} s)")
    except MemoryError:
        return error_result(rel, f"{rel}: ran out of memory while reading it")
    except Exception as exc:  # one broken file must not stop the scan
        return error_result(rel, f"{rel}: internal error while reviewing ({type(exc).__name__}: {exc})")
    finally:
        signal.alarm(0)


def run_scan(folder: Path, out: Path, settings: ScanSettings, *, include=(), exclude=(), workers: int = 0,
             progress: bool = True, reviewer=None) -> list[dict]:
    """Review every contract under ``folder`` into ``out``. ``reviewer``: a Reviewer built with these
    settings (the CLI has one already); where workers are forked they start from it instead of
    loading the rules and model again (about a second each)."""
    global _PRELOADED
    folder, out = Path(folder), Path(out)
    reports = out / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    files = find_contracts(folder, include, exclude)
    settings_key = settings.digest()
    results: dict[str, dict] = {}
    todo: list[tuple[Path, str, str]] = []
    for path in files:
        rel = path.relative_to(folder).as_posix()
        try:
            key = f"{_file_digest(path)}:{settings_key}"
        except OSError as exc:
            from reviewer.pipeline import error_result
            results[rel] = error_result(rel, f"{rel}: cannot be read ({exc.strerror})")
            continue
        cached = _cached(reports / f"{report_stem(rel)}.json", key)
        if cached is not None:
            results[rel] = cached
        else:
            todo.append((path, rel, key))
    workers = workers or os.cpu_count() or 1
    # largest files first: the small ones then fill the gaps, so no worker is left with a big file at the end
    todo.sort(key=lambda item: -_size(item[0]))
    bar = _progress(len(todo), progress)
    _PRELOADED = (settings, reviewer) if reviewer is not None and _forks() else None
    try:
        for rel, key, result, written in _run_parallel(todo, settings, workers, reports):
            if not written:  # an error the parent recorded (the worker crashed on the file)
                result["cache_key"] = key
                _write_report(reports, rel, result)
            results[rel] = result
            bar(rel)
    finally:
        _PRELOADED = None
    bar(None)
    ordered = [results[rel] for rel in sorted(results)]
    _write_portfolio(out, ordered)
    return ordered


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _forks() -> bool:
    import multiprocessing
    return multiprocessing.get_start_method(allow_none=False) == "fork"


def _run_parallel(todo, settings, workers, reports: Path):
    """Yields (rel, key, result, written): written when the worker wrote the report itself."""
    pending = list(todo)
    attempts: dict[str, int] = {}
    while pending:
        batch, pending = pending, []
        size = 1 if any(attempts.values()) else min(workers, max(1, len(batch)))
        try:
            with ProcessPoolExecutor(max_workers=size, initializer=_init_worker, initargs=(settings,)) as pool:
                futures = {pool.submit(_review_and_write, str(p), rel, settings.timeout, str(reports), key):
                           (p, rel, key) for p, rel, key in batch}
                for future in as_completed(futures):
                    p, rel, key = futures[future]
                    try:
                        yield rel, key, future.result(), True
                    except BrokenProcessPool:
                        pending.append((p, rel, key))
        except BrokenProcessPool:
            pass
        from reviewer.pipeline import error_result
        retry = []
        for p, rel, key in pending:
            attempts[rel] = attempts.get(rel, 0) + 1
            if attempts[rel] > 1:
                yield rel, key, error_result(rel, f"{rel}: the reviewer process crashed on this file"), False
            else:
                retry.append((p, rel, key))
        pending = retry


def _cached(path: Path, key: str) -> Optional[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if data.get("cache_key") == key else None


def _write_report(reports: Path, rel: str, result: dict) -> None:
    from reviewer.report import to_json
    stem = report_stem(rel)
    result["report"] = f"reports/{stem}.html" if result["status"] == "ok" else None  # no HTML for an error
    tmp = reports / f".{stem}.json.tmp"
    tmp.write_text(to_json(result), encoding="utf-8")
    if result["status"] == "ok":
        from reviewer.report.html import render_html
        (reports / f"{stem}.html").write_text(render_html(result), encoding="utf-8")
    tmp.replace(reports / f"{stem}.json")


def _write_portfolio(out: Path, results: list[dict]) -> None:
    from reviewer.report.html import render_index
    with open(out / "results.jsonl", "w", encoding="utf-8") as fh:
        for r in results:
            slim = {k: v for k, v in r.items() if k not in ("clauses",)}
            fh.write(json.dumps(slim, ensure_ascii=False) + "\n")
    ids = []
    for r in results:
        for c in r.get("checklist", []):
            if c["id"] not in ids:
                ids.append(c["id"])
    with open(out / "summary.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "status", "error", "pages", "score", "met", "vague", "missing", "vague_terms",
                         "high_findings"] + ids)
        for r in results:
            s = r.get("summary") or {}
            counts = s.get("checklist", {})
            statuses = {c["id"]: c["status"] for c in r.get("checklist", [])}
            writer.writerow([_csv_safe(r["file"]), r["status"], _csv_safe(r.get("error") or ""), r.get("pages"),
                             s.get("score"), counts.get("met"), counts.get("vague"), counts.get("missing"),
                             s.get("vague_terms"), (s.get("findings") or {}).get("high")]
                            + [statuses.get(i, "") for i in ids])
    (out / "index.html").write_text(render_index(results, ids), encoding="utf-8")


def _csv_safe(value: str) -> str:
    """Stops a file name like '=cmd()' from running as a spreadsheet formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _progress(total: int, enabled: bool):
    import click
    if not enabled or total == 0:
        return lambda rel: None
    bar = click.progressbar(length=total, label="reviewing", file=sys.stderr, show_pos=True,
                            item_show_func=lambda rel: rel[-40:] if rel else "")
    bar.__enter__()

    def step(rel):
        if rel is None:
            bar.__exit__(None, None, None)
        else:
            bar.update(1, rel)
    return step
