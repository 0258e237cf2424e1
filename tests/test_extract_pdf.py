"""PDF extraction on PDFs the tests generate with reportlab, and on the real corpus."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4, letter
from reportlab.pdfgen import canvas

from reviewer.errors import (CorruptDocument, EmptyDocument, EncryptedDocument, ReviewError,
                             ScannedDocument, TooLarge)
from reviewer.extract.pdf import extract_pdf
from reviewer.extract.pdf_text import clean, join_lines, leading_number, Vocabulary
from reviewer.model import HEADING, LIST_ITEM, PARAGRAPH, TABLE

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
CORPUS_PDFS = sorted(CORPUS.glob("*.pdf")) if CORPUS.is_dir() else []

BODY = [
    "The Supplier shall provide the Services to the Customer with reasonable skill and care",
    "and in accordance with good industry practice, the Service Levels and this Agreement.",
    "The Supplier shall respond to each Incident within the Response Time for its Priority",
    "and shall keep the Customer informed of progress until the Incident is Resolved.",
]


# page p gets its own clause text: body lines do not repeat from page to page
TOPICS = ["incident management", "problem management", "change management", "asset management",
          "release management"]


def body(p: int) -> list[str]:
    return [line.replace("Services", f"{TOPICS[p - 1]} services") if k % 2 == 0 else
            line.replace("Agreement", f"clause {p}.1").replace("Resolved", f"Resolved ({p})")
            for k, line in enumerate(BODY)]


def _check_offsets(doc):
    for b in doc.blocks:
        assert doc.text[b.start:b.end] == b.text
        assert b.page is not None and 1 <= b.page <= doc.pages


def _texts(doc, kind=None):
    return [b.text for b in doc.blocks if kind is None or b.kind == kind]


# -- generated documents --------------------------------------------------------------------

def make_running_heads(path: Path, pages: int = 3) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    w, h = A4
    for p in range(1, pages + 1):
        c.setFont("Helvetica", 8)
        c.drawString(72, h - 40, "Acme Support Agreement - Confidential")
        c.drawRightString(w - 72, h - 40, "Version 2.1")
        c.drawCentredString(w / 2, 30, f"Page {p} of {pages}")
        c.setFont("Helvetica-Bold", 11)
        c.drawString(72, h - 90, f"{p}. {TOPICS[p - 1].upper()}")
        c.setFont("Helvetica", 10)
        y = h - 110
        for line in body(p):
            c.drawString(72, y, line)
            y -= 13
        c.showPage()
    c.save()
    return path


def test_running_header_and_page_footer_removed(tmp_path):
    doc = extract_pdf(make_running_heads(tmp_path / "heads.pdf"))
    assert doc.format == "pdf"
    assert doc.pages == 3
    _check_offsets(doc)
    assert "Confidential" not in doc.text
    assert "Version 2.1" not in doc.text
    assert not re.search(r"Page \d", doc.text)
    assert [b.page for b in doc.blocks if b.kind == HEADING] == [1, 2, 3]
    paras = _texts(doc, PARAGRAPH)
    # two paragraphs per page, each rejoined from two lines
    assert len(paras) == 6
    assert paras[0] == body(1)[0] + " " + body(1)[1]
    assert paras[5] == body(3)[2] + " " + body(3)[3]


def test_two_page_document_headers_removed(tmp_path):
    doc = extract_pdf(make_running_heads(tmp_path / "two.pdf", pages=2))
    assert doc.pages == 2
    assert "Confidential" not in doc.text and "Page 1 of 2" not in doc.text


def test_hyphenated_line_end_rejoined(tmp_path):
    path = tmp_path / "hyphen.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 10)
    lines = [
        "The Supplier shall provide first-line incident manage-",
        "ment and problem management to the Customer, including on-",
        "site support at each office, and shall maintain a 24-",
        "hour service desk for P1 Incidents reported by telephone or e-",
        "mail to the service desk.",
    ]
    y = 760
    for line in lines:
        c.drawString(72, y, line)
        y -= 13
    c.showPage()
    c.save()
    doc = extract_pdf(path)
    assert len(doc.blocks) == 1
    text = doc.blocks[0].text
    assert "incident management and problem management" in text
    assert "including on-site support" in text
    assert "a 24-hour service desk" in text
    assert "e-mail" in text


def test_two_column_page_read_column_by_column(tmp_path):
    path = tmp_path / "columns.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    w, h = A4
    c.setFont("Helvetica-Bold", 12)
    c.drawCentredString(w / 2, h - 60, "DEFINITIONS")
    c.setFont("Helvetica", 10)
    left = ["Availability means the percentage of the month",
            "during which the Service can be used by the",
            "Customer, measured by the monitoring system.",
            "",
            "Business Day means a day other than a Saturday,",
            "a Sunday or a public holiday in England."]
    right = ["Incident means an unplanned interruption to a",
             "Service or a reduction in its quality that is",
             "reported to the Service Desk by a User.",
             "",
             "Priority means the level given to an Incident",
             "under the table in Schedule 1 of this Agreement."]
    y = h - 100
    # written row by row, left then right on each baseline: the content stream interleaves
    for a, b in zip(left, right):
        if a:
            c.drawString(72, y, a)
        if b:
            c.drawString(320, y, b)
        y -= 13
    c.drawString(72, y - 20, "Words in the singular include the plural and words in the plural include the singular.")
    c.showPage()
    c.save()
    doc = extract_pdf(path)
    _check_offsets(doc)
    paras = _texts(doc, PARAGRAPH)
    assert paras == [
        " ".join(left[:3]),
        " ".join(left[4:]),
        " ".join(right[:3]),
        " ".join(right[4:]),
        "Words in the singular include the plural and words in the plural include the singular.",
    ]
    assert doc.blocks[0].kind == HEADING and doc.blocks[0].text == "DEFINITIONS"


def make_table_pdf(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=letter)
    w, h = letter
    c.setFont("Helvetica", 10)
    c.drawString(72, h - 72, "The Supplier shall meet the following service levels:")
    rows = [["Priority", "Response time", "Resolution time"],
            ["P1 Critical", "15 minutes", "4 hours"],
            ["P2 High", "30 minutes", "8 Business Hours"],
            ["P3 Medium", "2 Business Hours", "2 Business Days"]]
    xs = [72, 200, 340, 520]
    top = h - 100
    row_h = 22
    c.setLineWidth(0.75)
    for r in range(len(rows) + 1):
        c.line(xs[0], top - r * row_h, xs[-1], top - r * row_h)
    for x in xs:
        c.line(x, top, x, top - len(rows) * row_h)
    for r, row in enumerate(rows):
        for k, cell in enumerate(row):
            c.drawString(xs[k] + 4, top - r * row_h - 15, cell)
    c.drawString(72, top - len(rows) * row_h - 30, "Service credits apply as set out in Schedule 2.")
    c.showPage()
    c.save()
    return path


@pytest.fixture(params=["pdfium", "pdfplumber"])
def table_engine(request, monkeypatch):
    """Both table paths: pdfplumber's finder on PDFium's rules, and plain page.find_tables()."""
    import reviewer.extract.pdf as pdf_module
    monkeypatch.setattr(pdf_module, "TABLE_ENGINE", request.param)
    return request.param


def test_ruled_table_is_a_table_block(tmp_path, table_engine):
    doc = extract_pdf(make_table_pdf(tmp_path / "table.pdf"))
    _check_offsets(doc)
    tables = [b for b in doc.blocks if b.kind == TABLE]
    assert len(tables) == 1
    rows = [[c.text for c in row] for row in tables[0].rows]
    assert rows == [["Priority", "Response time", "Resolution time"],
                    ["P1 Critical", "15 minutes", "4 hours"],
                    ["P2 High", "30 minutes", "8 Business Hours"],
                    ["P3 Medium", "2 Business Hours", "2 Business Days"]]
    for row in tables[0].rows:  # cell offsets point into the text
        for cell in row:
            assert doc.text[cell.start:cell.end] == cell.text
    # cell text is not repeated as running text
    others = " ".join(_texts(doc, PARAGRAPH))
    assert "15 minutes" not in others and "P1 Critical" not in others
    assert [b.kind for b in doc.blocks] == [PARAGRAPH, TABLE, PARAGRAPH]


def test_ruled_page_without_text_is_not_searched_for_tables(tmp_path, monkeypatch):
    """A page of rules and no characters keeps no tables, so PDFium's table finder is
    not run on it (it would read every empty cell for nothing)."""
    import reviewer.extract.pdf as pdf_module

    path = tmp_path / "grid_only.pdf"
    c = canvas.Canvas(str(path), pagesize=letter)
    c.setFont("Helvetica", 10)
    c.drawString(72, 700, "The Supplier shall meet the service levels in the table overleaf.")
    c.showPage()
    xs, top = [72, 200, 340, 520], 700
    for r in range(5):
        c.line(xs[0], top - 22 * r, xs[-1], top - 22 * r)
    for x in xs:
        c.line(x, top, x, top - 88)
    c.showPage()
    c.save()
    seen = []
    finder = pdf_module.tables_from_edges
    monkeypatch.setattr(pdf_module, "tables_from_edges",
                        lambda textpage, *a: seen.append(textpage) or finder(textpage, *a))
    doc = extract_pdf(path)
    assert seen == []
    assert _texts(doc) == ["The Supplier shall meet the service levels in the table overleaf."]
    assert doc.pages == 2
    # the same grid with text in it is searched
    doc = extract_pdf(make_table_pdf(tmp_path / "table.pdf"))
    assert len(seen) == 1 and any(b.kind == TABLE for b in doc.blocks)


def test_landscape_page_by_rotate_attribute(tmp_path):
    """A landscape page made with /Rotate 90 (content drawn turned): text and table upright."""
    path = tmp_path / "rotated.pdf"
    w, h = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setPageRotation(90)
    c.rotate(90)  # display coordinates (x, y) are user (x, y - w) from here on

    def put(x, y, text):
        c.drawString(x, y - w, text)

    c.setFont("Helvetica", 10)
    put(72, w - 72, "The Supplier shall report monthly against the following service levels,")
    put(72, w - 85, "measured over each calendar month.")
    xs, top = [72, 260, 420], w - 150
    for r in range(4):
        c.line(xs[0], top - r * 20 - w, xs[-1], top - r * 20 - w)
    for x in xs:
        c.line(x, top - w, x, top - 60 - w)
    for r, row in enumerate([["Service", "Target"], ["Availability", "99.9%"], ["Response", "15 minutes"]]):
        for k, cell in enumerate(row):
            put(xs[k] + 4, top - r * 20 - 14, cell)
    c.showPage()
    c.save()
    doc = extract_pdf(path)
    assert [b.kind for b in doc.blocks] == [PARAGRAPH, TABLE]
    assert doc.blocks[0].text.endswith("service levels, measured over each calendar month.")
    assert [[c.text for c in r] for r in doc.blocks[1].rows] == [
        ["Service", "Target"], ["Availability", "99.9%"], ["Response", "15 minutes"]]


def test_unruled_table_from_aligned_columns(tmp_path):
    path = tmp_path / "unruled.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    w, h = A4
    c.setFont("Helvetica", 10)
    c.drawString(72, h - 72, "Service credits are calculated as follows:")
    rows = [("Availability in the month", "Service credit"),
            ("99.5% or more but below 99.9%", "5% of the monthly charge"),
            ("99.0% or more but below 99.5%", "10% of the monthly charge"),
            ("Below 99.0%", "15% of the monthly charge")]
    y = h - 100
    for a, b in rows:
        c.drawString(72, y, a)
        c.drawString(320, y, b)
        y -= 14
    # a list laid out with tabs is not a table
    for label, text in (("1.1", "The Supplier shall send the report monthly."),
                        ("1.2", "The Customer shall review the report."),
                        ("1.3", "Both parties shall meet quarterly.")):
        y -= 8
        c.drawString(72, y, label)
        c.drawString(110, y, text)
        y -= 14
    c.showPage()
    c.save()
    doc = extract_pdf(path)
    tables = [b for b in doc.blocks if b.kind == TABLE]
    assert len(tables) == 1
    assert [[c.text for c in r] for r in tables[0].rows] == [list(r) for r in rows]
    assert [(b.kind, b.number) for b in doc.blocks[2:]] == [(PARAGRAPH, "1.1"), (PARAGRAPH, "1.2"),
                                                           (PARAGRAPH, "1.3")]


def test_numbered_clauses(tmp_path):
    path = tmp_path / "numbers.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    w, h = A4
    y = h - 72

    def put(text, font="Helvetica", size=10, x=72, gap=13):
        nonlocal y
        c.setFont(font, size)
        c.drawString(x, y, text)
        y -= gap

    put("ARTICLE IV", "Helvetica-Bold", 12, gap=20)
    put("5. SERVICE LEVELS", "Helvetica-Bold", 11, gap=18)
    put("5.1 The Supplier shall meet the Service Levels in each month.", gap=18)
    put("5.2 If the Supplier fails to meet a Service Level, it shall:", gap=18)
    put("(a) notify the Customer within one Business Day; and", x=90, gap=16)
    put("(b) give the Customer a written report within ten Business Days.", x=90, gap=22)
    put("C.3.1 Help Desk Support. The Contractor shall staff the help desk.", gap=22)
    put("SCHEDULE 2", "Helvetica-Bold", 12, gap=20)
    put("Section 7. Service Credits", "Helvetica-Bold", 11, gap=18)
    put("Service credits are set out in Section 7.2 of this Schedule.", gap=13)
    c.showPage()
    c.save()
    doc = extract_pdf(path)
    got = [(b.kind, b.number, b.level) for b in doc.blocks]
    assert got == [
        (HEADING, "Article IV", 1),
        (HEADING, "5", 1),
        (PARAGRAPH, "5.1", None),
        (PARAGRAPH, "5.2", None),
        (LIST_ITEM, "(a)", 0),
        (LIST_ITEM, "(b)", 0),
        (PARAGRAPH, "C.3.1", None),
        (HEADING, "Schedule 2", 1),
        (HEADING, "Section 7", 1),
        (PARAGRAPH, None, None),
    ]
    assert doc.blocks[1].text == "5. SERVICE LEVELS"  # the number stays in the text


def test_encrypted_pdf(tmp_path):
    path = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(path), encrypt="secret")
    c.drawString(72, 700, "Confidential terms")
    c.showPage()
    c.save()
    with pytest.raises(EncryptedDocument) as err:
        extract_pdf(path)
    assert "locked.pdf" in str(err.value)


def test_truncated_pdf(tmp_path):
    full = make_running_heads(tmp_path / "full.pdf")
    data = full.read_bytes()
    for cut in (len(data) // 2, len(data) - 20):
        path = tmp_path / f"cut{cut}.pdf"
        path.write_bytes(data[:cut])
        with pytest.raises(CorruptDocument) as err:
            extract_pdf(path)
        assert path.name in str(err.value)


def test_not_a_pdf_and_empty_file(tmp_path):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.4\nthis is not really a pdf\n%%EOF\n")
    with pytest.raises(CorruptDocument):
        extract_pdf(junk)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(CorruptDocument):
        extract_pdf(empty)
    with pytest.raises(ReviewError):
        extract_pdf(tmp_path / "missing.pdf")


def _image_only_pdf(path: Path) -> Path:
    """A one-page PDF whose only content is an 8x8 grey image (no text layer)."""
    pixels = bytes((x * 30) % 256 for x in range(64))
    content = b"q 400 0 0 400 100 300 cm /Im1 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length 64 >>\nstream\n" + pixels + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def test_image_only_pdf_is_scanned(tmp_path):
    with pytest.raises(ScannedDocument) as err:
        extract_pdf(_image_only_pdf(tmp_path / "scan.pdf"))
    assert "scan.pdf" in str(err.value)


def test_blank_pdf_is_empty(tmp_path):
    path = tmp_path / "blank.pdf"
    c = canvas.Canvas(str(path))
    c.showPage()
    c.save()
    with pytest.raises(EmptyDocument):
        extract_pdf(path)


def test_too_many_pages(tmp_path):
    path = make_running_heads(tmp_path / "long.pdf", pages=3)
    with pytest.raises(TooLarge):
        extract_pdf(path, max_pages=2)


# -- text rules ------------------------------------------------------------------------------

def test_clean_ligatures_and_odd_characters():
    assert clean("\ufb01nal of\ufb01ce e\ufb00ort \ufb02ow") == "final office effort flow"
    assert clean("non\u2010exclusive\u00a0term") == "non-exclusive term"
    assert clean("(i) one\u037e (ii) two") == "(i) one; (ii) two"
    assert clean("\uf0d8 Assist with backups") == "\u2022 Assist with backups"
    assert clean("Interna\U0010019fonal Construc\u019fon") == "International Construction"


def test_misencoded_ti_ligature_repaired(tmp_path):
    # what a PDF with a broken "ti" ligature mapping extracts as: "Correc;ons"
    path = tmp_path / "ligature.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 10)
    lines = ["The Contractor shall make all Correc;ons and Modifica;ons to the Posi;ve",
             "ac;ons list; it shall report Interna;onal incidents; see the No;ce."]
    for k, line in enumerate(lines):
        c.drawString(72, 760 - 13 * k, line)
    c.showPage()
    c.save()
    doc = extract_pdf(path)
    assert doc.blocks[0].text == ("The Contractor shall make all Corrections and Modifications to "
                                  "the Positive actions list; it shall report International "
                                  "incidents; see the Notice.")
    assert any("ligature" in n for n in doc.notes)


def test_join_lines_hyphen_rules():
    v = Vocabulary()
    v.add("Send an email to the desk. The email address is below.")
    assert join_lines("first-line manage-", "ment of incidents", v) == "first-line management of incidents"
    assert join_lines("provided by e-", "mail", v) == "provided by email"  # the document writes "email"
    assert join_lines("a third-", "party supplier", v) == "a third-party supplier"
    assert join_lines("Rule 24b-", "2 applies", v) == "Rule 24b-2 applies"
    assert join_lines("the Customer-", "Facing portal", v) == "the Customer-Facing portal"
    assert join_lines("term \u2013", "the rest", v) == "term \u2013 the rest"


def test_leading_numbers():
    cases = {"5.2 The Supplier": "5.2", "1.1. Definitions.": "1.1", "(b) the Customer": "(b)",
             "C.3.1 Help Desk": "C.3.1", "Article IV": "Article IV", "SCHEDULE 2": "Schedule 2",
             "Section 7. Term": "Section 7", "AA. \u201cTerm\u201d means": "AA"}
    for text, number in cases.items():
        assert leading_number(text).number == number, text
    for text in ("1.5 hours after the call", "Section 8.4 of the Agreement", "(the) x", "2025 was"):
        assert leading_number(text) is None, text


# -- the real corpus ---------------------------------------------------------------------------

SAMPLE_PDFS = sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.pdf"))


@pytest.mark.skipif(not SAMPLE_PDFS, reason="no sample PDFs")
def test_table_engines_agree_on_samples(monkeypatch):
    """The fast path (PDFium rules) finds the same tables as pdfplumber's own page parse."""
    import reviewer.extract.pdf as pdf_module

    def tables(path):
        return [(b.page, [[c.text for c in row] for row in b.rows])
                for b in extract_pdf(path).blocks if b.kind == TABLE]

    for path in SAMPLE_PDFS:
        monkeypatch.setattr(pdf_module, "TABLE_ENGINE", "pdfium")
        fast = tables(path)
        monkeypatch.setattr(pdf_module, "TABLE_ENGINE", "pdfplumber")
        assert fast == tables(path), path.name
        assert fast, path.name


@pytest.mark.skipif(not CORPUS_PDFS, reason="shared corpus not present")
@pytest.mark.parametrize("path", CORPUS_PDFS, ids=lambda p: p.name[:40])
def test_corpus_pdf(path):
    doc = extract_pdf(path)
    assert doc.pages and doc.blocks
    _check_offsets(doc)
    pages_with_text = {b.page for b in doc.blocks}
    assert len(pages_with_text) >= 0.8 * doc.pages - 1
    # no running header/footer left: no short line repeated at the top or bottom of pages
    firsts, lasts = {}, {}
    for b in doc.blocks:
        firsts.setdefault(b.page, b.text)
        lasts[b.page] = b.text
    for edge in (firsts, lasts):
        counts = Counter(t for t in edge.values() if len(t) < 80)
        repeated = [t for t, n in counts.items() if n >= 3]
        assert not repeated, repeated
    # no page numbers as blocks
    assert not [b.text for b in doc.blocks if re.fullmatch(r"(Page )?\d{1,3}( of \d+)?", b.text)]
