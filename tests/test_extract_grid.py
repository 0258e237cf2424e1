"""The tuple table finder (pdf_grid) against pdfplumber's TableFinder it replaces."""
from __future__ import annotations

import random
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pdfplumber.table import TableFinder

from reviewer.extract.pdf_grid import find_grid_tables
from reviewer.extract.pdf_pdfium import _Transform, read_graphics

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
PDFS = sorted((ROOT / "samples").glob("*.pdf")) + sorted(CORPUS.glob("*.pdf")) \
    + sorted((ROOT / "benchmarks" / "generated").glob("*.pdf"))


class _EdgePage:
    """The little of a pdfplumber Page that its TableFinder reads: edges and bbox."""

    def __init__(self, edges: list[dict], width: float, height: float):
        self.edges = edges
        self.bbox = (0, 0, width, height)


def plumber_tables(edges, width=612.0, height=792.0):
    dicts = [{"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0,
              "height": bottom - top, "orientation": o, "object_type": "line"}
             for o, x0, top, x1, bottom in edges]
    finder = TableFinder(_EdgePage(dicts, width, height), {})
    return [(t.bbox, [row.cells for row in t.rows]) for t in finder.tables]


def page_edges(path: Path):
    pdf = pdfium.PdfDocument(str(path))
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            try:
                g = read_graphics(page, _Transform(page))
                if g.edges:
                    yield g.edges
            finally:
                page.close()
    finally:
        pdf.close()


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_same_tables_as_pdfplumber_on_real_rules(path):
    for edges in page_edges(path):
        assert find_grid_tables(edges) == plumber_tables(edges)


def random_grid(rng: random.Random):
    """Ruled grids with jittered, broken, doubled and stray rules (the snapping cases)."""
    edges = []
    for _ in range(rng.randint(1, 3)):
        xs = sorted(rng.uniform(20, 580) for _ in range(rng.randint(2, 6)))
        ys = sorted(rng.uniform(20, 770) for _ in range(rng.randint(2, 8)))
        jit = rng.choice([0.0, 0.3, 1.5, 4.0])
        for y in ys:
            pieces = [(xs[0], xs[-1])] if rng.random() < 0.7 else list(zip(xs, xs[1:]))
            for a, b in pieces:
                yy = y + rng.uniform(-jit, jit)
                edges.append(("h", a + rng.uniform(-jit, jit), yy, b + rng.uniform(-jit, jit), yy))
        for x in xs:
            if rng.random() < 0.1:
                continue  # a missing rule
            xx = x + rng.uniform(-jit, jit)
            edges.append(("v", xx, ys[0] + rng.uniform(-jit, jit), xx, ys[-1] + rng.uniform(-jit, jit)))
    for _ in range(rng.randint(0, 4)):
        x, y = rng.uniform(0, 600), rng.uniform(0, 790)
        if rng.random() < 0.5:
            edges.append(("h", x, y, x + rng.uniform(0.5, 200), y))
        else:
            edges.append(("v", x, y, x, y + rng.uniform(0.5, 200)))
    rng.shuffle(edges)
    return edges


def test_same_tables_as_pdfplumber_on_random_grids():
    rng = random.Random(7)
    for _ in range(400):
        edges = random_grid(rng)
        assert find_grid_tables(edges) == plumber_tables(edges)


@pytest.mark.parametrize("path", PDFS[:8], ids=lambda p: p.name)
def test_bounded_text_matches_pypdfium2(path):
    from reviewer.extract.pdf_tables import _BoundedText

    rng = random.Random(3)
    pdf = pdfium.PdfDocument(str(path))
    try:
        for i in range(min(len(pdf), 12)):
            page = pdf[i]
            textpage = page.get_textpage()
            try:
                read = _BoundedText(textpage)
                left, bottom, right, top = page.get_bbox()
                for _ in range(40):
                    x0, x1 = sorted(rng.uniform(left, right) for _ in range(2))
                    y0, y1 = sorted(rng.uniform(bottom, top) for _ in range(2))
                    assert read(x0, y0, x1, y1) == textpage.get_text_bounded(x0, y0, x1, y1)
                assert read(left, bottom, right, top) == textpage.get_text_bounded()
            finally:
                textpage.close()
                page.close()
    finally:
        pdf.close()


def test_bounded_text_falls_back_when_the_buffer_fills(monkeypatch):
    """A buffer too small for the answer (PDFium building more text than the size rule
    allows) never cuts text short: pypdfium2's own get_text_bounded answers instead."""
    from reviewer.extract.pdf_tables import _BoundedText

    pdf = pdfium.PdfDocument(str(PDFS[0]))
    try:
        page = pdf[0]
        textpage = page.get_textpage()
        try:
            whole = textpage.get_text_bounded()
            assert len(whole) > 20
            monkeypatch.setattr(textpage, "count_chars", lambda: 1)  # a 6-unit buffer
            read = _BoundedText(textpage)
            assert read.size == 6
            asked = []
            plain = textpage.get_text_bounded
            monkeypatch.setattr(textpage, "get_text_bounded",
                                lambda *a, **k: asked.append(a) or plain(*a, **k))
            left, bottom, right, top = page.get_bbox()
            assert read(left, bottom, right, top) == whole
            assert asked == [(left, bottom, right, top)]
        finally:
            textpage.close()
            page.close()
    finally:
        pdf.close()
