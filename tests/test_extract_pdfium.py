"""The PDFium text reader's shortcuts give what the plain per-character calls give."""
from __future__ import annotations

import random
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as R
import pytest

from reviewer.extract.pdf_pdfium import _TextReader, _Transform

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
PDFS = sorted((ROOT / "samples").glob("*.pdf")) + sorted(CORPUS.glob("*.pdf")) \
    + sorted((ROOT / "benchmarks" / "generated").glob("contract_30p*.pdf"))


def pages(path: Path, limit: int = 15):
    pdf = pdfium.PdfDocument(str(path))
    try:
        for i in range(min(len(pdf), limit)):
            page = pdf[i]
            textpage = page.get_textpage()
            try:
                yield page, textpage
            finally:
                textpage.close()
                page.close()
    finally:
        pdf.close()


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_cached_bold_and_index_mapping(path):
    for page, textpage in pages(path):
        text = textpage.get_text_range()
        rd = _TextReader(textpage, _Transform(page), len(text))
        raw = textpage.raw
        for t in range(len(text)):
            assert rd.char_index(t) == R.FPDFText_GetCharIndexFromTextIndex(raw, t)
        for c in range(min(textpage.count_chars(), len(text))):  # the chars lines use
            assert rd.text_index(c) == R.FPDFText_GetTextIndexFromCharIndex(raw, c)
        for c in range(textpage.count_chars()):
            assert rd.style(c) == (R.FPDFText_GetFontSize(raw, c), rd._bold(c))


def test_grid_drawn_as_one_path_and_rules_in_a_form(tmp_path):
    """One path object with many segments (read segment by segment) and rules inside a
    form XObject (left to pdfplumber) both come out as tables."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from reviewer.extract.pdf import extract_pdf
    from reviewer.extract.pdf_pdfium import read_graphics
    from reviewer.model import TABLE

    path = tmp_path / "grid.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 10)
    c.drawString(72, 800, "A grid drawn as one path with many segments.")
    p = c.beginPath()
    xs, ys = [72, 200, 330, 500], [700, 680, 660, 640, 620]
    for y in ys:
        p.moveTo(xs[0], y)
        p.lineTo(xs[-1], y)
    for x in xs:
        p.moveTo(x, ys[0])
        p.lineTo(x, ys[-1])
    c.drawPath(p, stroke=1, fill=0)
    for r, y in enumerate(ys[:-1]):
        for k, x in enumerate(xs[:-1]):
            c.drawString(x + 4, y - 14, f"cell {r}.{k}")
    c.beginForm("rules")
    for y in (500, 480, 460):
        c.line(72, y, 500, y)
    for x in (72, 300, 500):
        c.line(x, 500, x, 460)
    c.endForm()
    c.doForm("rules")
    for x, y, t in ((80, 485, "form a"), (310, 485, "form b"), (80, 465, "form c"), (310, 465, "form d")):
        c.drawString(x, y, t)
    c.showPage()
    c.save()

    pdf = pdfium.PdfDocument(str(path))
    page = pdf[0]
    g = read_graphics(page, _Transform(page))
    page.close()
    pdf.close()
    assert g.nested and (g.h_rules, g.v_rules) == (8, 5)
    assert len([e for e in g.edges if e[0] == "h"]) == 5
    doc = extract_pdf(path)
    tables = [[[c.text for c in row] for row in b.rows] for b in doc.blocks if b.kind == TABLE]
    assert tables == [[[f"cell {r}.{k}" for k in range(3)] for r in range(4)],
                      [["form a", "form b"], ["form c", "form d"]]]


class _Page:
    """What _Transform reads of a page."""

    def __init__(self, mediabox, rotation=0):
        self.mediabox, self.rotation = mediabox, rotation

    def get_mediabox(self):
        return self.mediabox

    def get_rotation(self):
        return self.rotation


def test_upright_box_is_the_generic_box():
    """The inlined box transform of unrotated pages gives exactly what ``box`` gives."""
    rng = random.Random(11)
    boxes = [(0.0, 0.0, 612.0, 792.0), (0.0, 0.0, 595.28, 841.89), (-20.5, 13.25, 580.0, 800.0),
             (100.0, -300.0, 712.0, 492.0)]
    for mediabox in boxes:
        tf = _Transform(_Page(mediabox))
        assert "box" in vars(tf)  # the inlined version is in use
        x0, y0, x1, y1 = mediabox
        for k in range(2000):
            xs = [rng.uniform(x0 - 50, x1 + 50) for _ in range(2)]
            ys = [rng.uniform(y0 - 50, y1 + 50) for _ in range(2)]
            if k % 10 == 0:
                xs[1] = xs[0]  # zero width
            if k % 15 == 0:
                ys[1] = ys[0]
            if k % 7 == 0:
                xs, ys = [round(v) for v in xs], [round(v, 1) for v in ys]
            left, right = xs  # either order: PDFium's rectangles are not always normalised
            bottom, top = ys
            assert tf.box(left, bottom, right, top) == _Transform.box(tf, left, bottom, right, top)
