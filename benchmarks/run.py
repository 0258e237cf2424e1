"""Speed benchmarks for the whole reviewer, in one command. Prints figures; never fails on time.

    .venv/bin/python benchmarks/run.py                       # everything, default sizes
    .venv/bin/python benchmarks/run.py --sizes 30 100 --repeat 3
    .venv/bin/python benchmarks/run.py --only throughput,stages
    .venv/bin/python benchmarks/run.py --rss-pages 300 --scan-files 20 100 --json out.json

Sections (``--only`` picks some; names in brackets):

[throughput]  End-to-end review of generated text PDFs (``--sizes``, default 30 and 100 pages):
              ``Reviewer.review_file`` plus the JSON and HTML reports (what a folder scan does per
              file), against raw PDFium (``get_text_range`` per page) and raw pdfplumber
              (``extract_text`` per page) on the same files, in one run. Best of ``--repeat`` runs,
              in one process with the rules and model already loaded; pages/s is per core (one
              process, one thread of work; CPU seconds are shown beside wall seconds). Table quality:
              the share of the generator's tables (``*.truth.json``) that come out cell for cell.
[stages]      Where the time goes: seconds and share per stage (extract, segment, classify,
              check.checklist, check.vague, check.sla, result, report), from the pipeline's own
              timing hooks (``Reviewer.timings``) and the report renderers.
[scan]        ``contract-review scan`` of folders of ``--scan-files`` generated contracts (PDF and
              DOCX, 4 to 30 pages; default 20 and 100 files) with ``-j 1`` and ``-j 2``: wall time,
              pages/s, speed-up, and the fixed start-up (rules and model loading) that no worker
              count shortens, which weighs on small folders.
[rss]         Peak resident memory (``ru_maxrss`` of the child, from ``os.wait4``) of
              ``contract-review review`` on a ``--rss-pages`` page PDF (default 300), JSON and HTML.
[cold]        Cold start: wall time of ``contract-review --help`` and of a one-page review, each a
              fresh process, median of ``--cold-runs`` runs.

Test files come from benchmarks/generate.py (benchmarks/generated/, git-ignored; made on first use).
Targets (printed beside the figures): >= 100 pages/s per core end to end on text PDFs, 2-worker
scan speed-up >= 1.7x, peak RSS < 300 MB on 300 pages, ``--help`` < 0.5 s.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import generate  # noqa: E402  (benchmarks/generate.py)

BIN = Path(sys.executable).parent
CLI = BIN / "contract-review"
SECTIONS = ("throughput", "stages", "scan", "rss", "cold")
STAGES = ("extract", "segment", "classify", "check.checklist", "check.vague", "check.sla", "result",
          "report.json", "report.html")
TARGET_PPS, TARGET_SPEEDUP, TARGET_RSS_MB, TARGET_HELP_S = 100.0, 1.7, 300.0, 0.5


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISS"


def best_of(fn, repeat: int) -> tuple[float, float]:
    """(wall, cpu) seconds of the fastest of ``repeat`` runs."""
    runs = []
    for _ in range(max(1, repeat)):
        w, c = time.perf_counter(), time.process_time()
        fn()
        runs.append((time.perf_counter() - w, time.process_time() - c))
    return min(runs)


# -- raw readers -------------------------------------------------------------------------------

from extract_speed import raw_pdfium, raw_plumber  # noqa: E402  (one copy of the raw readers)


# -- the reviewer -----------------------------------------------------------------------------

_REVIEWER = None


def reviewer():
    global _REVIEWER
    if _REVIEWER is None:
        from reviewer.pipeline import Reviewer
        _REVIEWER = Reviewer()
    return _REVIEWER


def review_and_report(path: Path, timings: dict | None = None) -> dict:
    from reviewer.report import to_json
    from reviewer.report.html import render_html
    r = reviewer()
    r.timings = timings
    try:
        result = r.review_file(path)
    finally:
        r.timings = None
    t = time.perf_counter()
    to_json(result)
    t2 = time.perf_counter()
    render_html(result)
    t3 = time.perf_counter()
    if timings is not None:
        timings["report.json"] = timings.get("report.json", 0.0) + t2 - t
        timings["report.html"] = timings.get("report.html", 0.0) + t3 - t2
    return result


def table_quality(path: Path) -> tuple[int, int, int, int]:
    """Against the generator's answer key: (tables extracted whole and cell for cell, tables drawn,
    body rows extracted cell for cell under the right header row, body rows drawn). A table that
    breaks across pages comes out as one table per page, so rows are the fairer figure."""
    from reviewer.extract import extract
    from reviewer.model import TABLE
    truth_file = path.with_suffix(".truth.json")
    if not truth_file.exists():
        return 0, 0, 0, 0
    truth = json.loads(truth_file.read_text())["tables"]
    norm = lambda row: tuple(" ".join(c.split()) for c in row)  # noqa: E731
    got = [[norm(c.text for c in row) for row in b.rows] for b in extract(path).blocks if b.kind == TABLE]
    whole = {tuple(t) for t in got}
    rows: dict[tuple, int] = {}
    for t in got:
        for row in t[1:]:
            rows[(t[0], row)] = rows.get((t[0], row), 0) + 1
    tables_ok = sum(1 for t in truth if tuple(norm(r) for r in t) in whole)
    rows_ok = rows_all = 0
    for t in truth:
        head = norm(t[0])
        for row in t[1:]:
            rows_all += 1
            key = (head, norm(row))
            if rows.get(key, 0) > 0:
                rows[key] -= 1
                rows_ok += 1
    return tables_ok, len(truth), rows_ok, rows_all


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


# -- sections ---------------------------------------------------------------------------------

def throughput(sizes: list[int], repeat: int, out: dict) -> None:
    print("\n## End-to-end throughput (text PDFs, one process, rules and model loaded)\n")
    files = [generate.generate(n, fmt="both")[0] for n in sizes]
    review_and_report(files[0])  # warm: imports, lazy caches
    head = (f"{'file':22} {'pages':>5} {'pdfium p/s':>10} {'plumber p/s':>11} {'review p/s':>10} "
            f"{'cpu p/s':>8} {'vs pdfium':>9} {'vs plumber':>10} {'rows ok':>6} {'tables':>7}  target")
    print(head)
    print("-" * len(head))
    rows = []
    for path in files:
        n = page_count(path)
        pd_w, _ = best_of(lambda: raw_pdfium(path), repeat)
        pl_w, _ = best_of(lambda: raw_plumber(path), 1 if n > 60 else repeat)
        rv_w, rv_c = best_of(lambda: review_and_report(path), repeat)
        found, drawn, rows_ok, rows_all = table_quality(path)
        pps = n / rv_w
        row = {"file": path.name, "pages": n, "pdfium_s": pd_w, "plumber_s": pl_w, "review_s": rv_w,
               "review_cpu_s": rv_c, "review_pps": pps, "pdfium_pps": n / pd_w, "plumber_pps": n / pl_w,
               "review_vs_pdfium": pd_w / rv_w, "review_vs_plumber": pl_w / rv_w,
               "tables_exact": found, "tables_drawn": drawn, "rows_exact": rows_ok, "rows_drawn": rows_all}
        rows.append(row)
        print(f"{path.name:22} {n:5d} {n / pd_w:10.0f} {n / pl_w:11.1f} {pps:10.1f} {n / rv_c:8.1f} "
              f"{pd_w / rv_w:8.3f}x {pl_w / rv_w:9.2f}x {100 * rows_ok / max(rows_all, 1):5.1f}% {found:>3}/{drawn:<3}  {_mark(pps >= TARGET_PPS)} (>= {TARGET_PPS:.0f})")
    docx_rows = []
    for n in sizes:
        path = generate.generate(n, fmt="docx")[0]
        wall, cpu = best_of(lambda: review_and_report(path), repeat)
        docx_rows.append({"file": path.name, "pages": n, "review_s": wall, "review_pps": n / wall})
        print(f"{path.name:22} {n:5d} {'-':>10} {'-':>11} {n / wall:10.1f} {n / cpu:8.1f}   (DOCX twin of the PDF; "
              f"pages as in the PDF)")
    out["throughput_docx"] = docx_rows
    print("\nratios: 'vs pdfium' = raw PDFium time / review time (1.0 would be as fast as PDFium's plain text);"
          "\n        'vs plumber' = raw pdfplumber extract_text time / review time (above 1: faster than it);"
          "\n        'rows ok' = the generator's table rows read cell for cell under their header row;"
          "\n        'tables' = tables read whole (one split across a page break counts as a miss).")
    out["throughput"] = rows


def stages(sizes: list[int], repeat: int, out: dict) -> None:
    print("\n## Where the time goes (seconds per review, best of %d)\n" % repeat)
    files = [generate.generate(n, fmt="pdf")[0] for n in sizes]
    review_and_report(files[0])
    per_file = {}
    for path in files:
        runs = []
        for _ in range(max(1, repeat)):
            t: dict = {}
            review_and_report(path, t)
            runs.append(t)
        bestrun = min(runs, key=lambda t: sum(t.values()))
        per_file[path.name] = bestrun
    head = f"{'stage':18}" + "".join(f"{name[:22]:>24}" for name in per_file)
    print(head)
    print("-" * len(head))
    for stage in STAGES:
        cells = []
        for name, t in per_file.items():
            total = sum(t.values()) or 1
            v = t.get(stage, 0.0)
            cells.append(f"{v:10.3f} s {100 * v / total:5.1f} %   ")
        print(f"{stage:18}" + "".join(f"{c:>24}" for c in cells))
    print(f"{'total':18}" + "".join(f"{sum(t.values()):10.3f} s {'':>11}" for t in per_file.values()))
    out["stages"] = per_file


def scan_folder(count: int) -> tuple[Path, int]:
    """~``count`` generated contracts, PDF and DOCX of 4 to 30 pages, each with its own wording."""
    folder = generate.GENERATED / f"scan{count}"
    sizes = [4, 8, 12, 20, 30]
    pages = 0
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        n = sizes[i % len(sizes)]
        fmt = "pdf" if i % 2 == 0 else "docx"
        seed = 100 + i
        made = generate.generate(n, fmt="both", seed=seed, two_column=(i % 3 == 0), out=folder / ".src")
        src = [p for p in made if p.suffix == f".{fmt}"][0]
        dst = folder / f"{i:02d}_{src.name}"
        if not dst.exists():
            shutil.copyfile(src, dst)
        pages += n
    return folder, pages


def scan(files: int, repeat: int, out: dict) -> None:
    print(f"\n## Folder scan: contract-review scan, {files} files, -j 1 vs -j 2 (cores: {os.cpu_count()})\n")
    folder, pages = scan_folder(files)
    times = {}
    for j in (1, 2):
        runs = []
        for _ in range(max(1, repeat)):
            with tempfile.TemporaryDirectory() as tmp:
                t = time.perf_counter()
                subprocess.run([str(CLI), "scan", str(folder), "--out", tmp, "-j", str(j), "-q"], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                runs.append(time.perf_counter() - t)
        times[j] = min(runs)
        print(f"-j {j}: {times[j]:7.2f} s   {pages / times[j]:6.1f} pages/s   ({pages} pages, best of {len(runs)})")
    speedup = times[1] / times[2]
    print(f"speed-up 1 -> 2 workers: {speedup:.2f}x   {_mark(speedup >= TARGET_SPEEDUP)} (>= {TARGET_SPEEDUP}x)")
    # the fixed part: process start, imports, loading the rules and model, the (empty) portfolio
    fixed = []
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as tmp:
        for _ in range(max(1, repeat)):
            t = time.perf_counter()
            subprocess.run([str(CLI), "scan", empty, "--out", tmp, "-j", "1", "-q"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            fixed.append(time.perf_counter() - t)
    start = min(fixed)
    rest = (times[1] - start) / (times[2] - start)
    print(f"of which start-up (a scan of an empty folder): {start:.2f} s; "
          f"speed-up of the rest: {rest:.2f}x")
    out.setdefault("scan", {})[str(files)] = {"files": files, "pages": pages, "j1_s": times[1], "j2_s": times[2], "speedup": speedup,
                   "startup_s": start, "speedup_after_startup": rest}


# A child's ru_maxrss counts the pages it shared with its parent right after fork, so the command
# is started by a small launcher process rather than by this (large) one.
_LAUNCHER = ("import os, subprocess, sys\n"
             "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
             "_, status, usage = os.wait4(p.pid, 0)\n"
             "print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))\n")


def _child_rss(cmd: list[str]) -> tuple[float, float, int]:
    """(peak RSS in MB, wall seconds, exit code) of one child process."""
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, *cmd], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t
    maxrss_kb, code = (int(x) for x in out.stdout.split())
    return maxrss_kb / 1024, wall, code


def rss(pages: int, out: dict) -> None:
    print(f"\n## Peak memory: contract-review review on a {pages}-page PDF (child ru_maxrss)\n")
    path = generate.generate(pages, fmt="pdf")[0]
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        base, _, _ = _child_rss([str(BIN / "python"), "-c", "import reviewer.pipeline as p; p.Reviewer()"])
        print(f"{'loaded, no file':18} {base:7.0f} MB")
        for fmt in ("json", "html"):
            mb, wall, code = _child_rss([str(CLI), "review", str(path), "--format", fmt,
                                         "--out", str(Path(tmp) / f"r.{fmt}")])
            rows[fmt] = {"peak_mb": mb, "wall_s": wall, "exit": code}
            print(f"{'review --format ' + fmt:18} {mb:7.0f} MB   {wall:6.2f} s   "
                  f"{_mark(mb < TARGET_RSS_MB)} (< {TARGET_RSS_MB:.0f} MB)")
    out["rss"] = {"pages": pages, "baseline_mb": base, **rows}


def cold(runs: int, out: dict) -> None:
    print(f"\n## Cold start (fresh process each time, median of {runs})\n")
    one = generate.generate(1, fmt="pdf")[0]
    cmds = {"contract-review --help": [str(CLI), "--help"],
            "review 1-page PDF": [str(CLI), "review", str(one), "-q"],
            "python -c pass": [str(BIN / "python"), "-c", "pass"]}
    res = {}
    for name, cmd in cmds.items():
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - t)
        res[name] = statistics.median(times)
        target = f"   {_mark(res[name] < TARGET_HELP_S)} (< {TARGET_HELP_S} s)" if "--help" in name else ""
        print(f"{name:24} {res[name]:6.3f} s{target}")
    out["cold"] = res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[30, 100], help="pages of the throughput PDFs")
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure (best is kept)")
    ap.add_argument("--scan-files", type=int, nargs="+", default=[20, 100],
                    help="folder sizes to scan (files); the largest is the folder-scale figure")
    ap.add_argument("--scan-repeat", type=int, default=3, help="scan runs per worker count (best is kept)")
    ap.add_argument("--rss-pages", type=int, default=300)
    ap.add_argument("--cold-runs", type=int, default=5)
    ap.add_argument("--only", default=",".join(SECTIONS), help="comma-separated: " + ", ".join(SECTIONS))
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        ap.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    import platform
    print(f"# Contract Reviewer benchmarks — {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} cores, {platform.machine()}")
    out: dict = {"cores": os.cpu_count()}
    if "throughput" in only:
        throughput(args.sizes, args.repeat, out)
    if "stages" in only:
        stages(args.sizes, args.repeat, out)
    if "scan" in only:
        for files in sorted(args.scan_files):
            scan(files, args.scan_repeat, out)
    if "rss" in only:
        rss(args.rss_pages, out)
    if "cold" in only:
        cold(args.cold_runs, out)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
