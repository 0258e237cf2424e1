"""PDF extraction speed: raw pdfplumber, raw pypdfium2, and our extract_pdf, in pages/s.

    .venv/bin/python benchmarks/extract_speed.py [PDF ...] [--repeat N] [--no-plumber]

Without arguments it measures every PDF in samples/ and /work/shared/corpus (if present)
plus a generated 100-page text PDF (benchmarks/generated/, git-ignored, made with
reportlab on first use). Each figure is the best of N runs (default 3), so a busy
machine disturbs it less. "raw pdfplumber" is ``page.extract_text()`` per page, "raw
pypdfium2" is ``textpage.get_text_range()`` per page: plain text with no layout work,
the floor for any PDFium-based extractor. "ours" is extract_pdf as shipped (tables found
by pdfplumber's TableFinder on PDFium's rules); "ours/pl-tables" is extract_pdf with
TABLE_ENGINE = "pdfplumber" (page.find_tables() on pdfplumber's own parse of ruled pages).
Ratios compare "ours" with the two raw readers.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GENERATED = ROOT / "benchmarks" / "generated"
CORPUS = Path("/work/shared/corpus")


def generated_pdf(pages: int = 100) -> Path:
    """A plain multi-page contract-like text PDF with a header, footer and numbered clauses."""
    path = GENERATED / f"text_{pages}p.pdf"
    if path.exists():
        return path
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    GENERATED.mkdir(parents=True, exist_ok=True)
    words = ("the supplier shall provide the services with reasonable skill and care and "
             "respond to each incident within the response time for its priority level "
             "as set out in the service level schedule").split()
    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    clause = 1
    for p in range(1, pages + 1):
        c.setFont("Helvetica", 8)
        c.drawString(72, height - 40, "Benchmark Services Agreement - Confidential")
        c.drawCentredString(width / 2, 30, f"Page {p} of {pages}")
        y = height - 80
        while y > 80:
            c.setFont("Helvetica-Bold", 10)
            c.drawString(72, y, f"{clause}. CLAUSE HEADING NUMBER {clause}")
            y -= 16
            c.setFont("Helvetica", 10)
            for k in range(6):
                start = (clause * 7 + k * 5) % len(words)
                line = " ".join((words * 3)[start:start + 13]) + f" under clause {clause}.{k + 1}"
                c.drawString(72, y, line.capitalize() if k == 0 else line)
                y -= 13
            y -= 8
            clause += 1
        c.showPage()
    c.save()
    return path


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def raw_plumber(path: Path) -> None:
    import pdfplumber
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()


def raw_pdfium(path: Path) -> None:
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(path))
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
    finally:
        pdf.close()


def ours(path: Path, engine: str = "pdfium") -> None:
    import reviewer.extract.pdf as pdf_module
    saved = pdf_module.TABLE_ENGINE
    pdf_module.TABLE_ENGINE = engine
    try:
        pdf_module.extract_pdf(path)
    finally:
        pdf_module.TABLE_ENGINE = saved


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-plumber", action="store_true", help="skip the slow raw pdfplumber run")
    args = ap.parse_args(argv)
    paths = list(args.pdfs)
    if not paths:
        paths = sorted((ROOT / "samples").glob("*.pdf"))
        if CORPUS.is_dir():
            paths += sorted(CORPUS.glob("*.pdf"))
        paths.append(generated_pdf())
    ours(paths[0])  # warm imports
    print("pages/s (best of %d runs)" % args.repeat)
    header = (f"{'file':44} {'pages':>5} {'plumber':>9} {'pdfium':>9} {'ours':>9} "
              f"{'ours/pl-tables':>14} {'ours vs plumber':>15} {'ours vs pdfium':>14}")
    print(header)
    print("-" * len(header))
    totals = {"pages": 0, "plumber": 0.0, "pdfium": 0.0, "ours": 0.0, "ours_pl": 0.0}
    for path in paths:
        n = page_count(path)
        slow = 1 if n > 50 else args.repeat
        t_pl = None if args.no_plumber else best(lambda: raw_plumber(path), slow)
        t_pd = best(lambda: raw_pdfium(path), args.repeat)
        t_us = best(lambda: ours(path), args.repeat)
        t_up = None if args.no_plumber else best(lambda: ours(path, "pdfplumber"), slow)
        totals["pages"] += n
        totals["pdfium"] += t_pd
        totals["ours"] += t_us
        if t_pl is not None:
            totals["plumber"] += t_pl
            totals["ours_pl"] += t_up
        print(_row(path.name[:44], n, t_pl, t_pd, t_us, t_up))
    print("-" * len(header))
    none = args.no_plumber
    print(_row("all files", totals["pages"], None if none else totals["plumber"],
               totals["pdfium"], totals["ours"], None if none else totals["ours_pl"]))
    return 0


def _row(name, n, t_pl, t_pd, t_us, t_up) -> str:
    rate = lambda t, w=9: f"{n / t:{w}.0f}" if t else f"{'-':>{w}}"  # noqa: E731
    vs_pl = f"{t_pl / t_us:14.1f}x" if t_pl else f"{'-':>15}"
    vs_pd = f"{t_pd / t_us:13.2f}x"
    return f"{name:44} {n:5d} {rate(t_pl)} {rate(t_pd)} {rate(t_us)} {rate(t_up, 14)} {vs_pl} {vs_pd}"


if __name__ == "__main__":
    sys.exit(main())
