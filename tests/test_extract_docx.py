"""DOCX extraction: headings, Word's automatic numbering, tables, content controls, tracked changes,
headers and footers; and the committed samples, including agreement with their PDF renderings."""
from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
from docx import Document as WordDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from reviewer.extract import extract
from reviewer.model import HEADING, LIST_ITEM, PARAGRAPH, TABLE

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_NAMES = ["northwind-managed-services", "brightcloud-saas-sla", "helpdesk-outsourcing-schedule"]
# From samples/README.md: tables per file (signature block included), and the running header/footer.
SAMPLE_TABLES = {"northwind-managed-services": 7, "brightcloud-saas-sla": 2, "helpdesk-outsourcing-schedule": 4}
W = nsdecls("w")


# ------------------------------------------------------------------------------------ building DOCX files

CLAUSE_LEVELS = [("%1.", "decimal"), ("%1.%2", "decimal"), ("(%3)", "lowerLetter")]


def add_abstract_num(doc, abstract_id: int, levels=CLAUSE_LEVELS) -> None:
    """A multi-level list definition in word/numbering.xml, as samples/build_samples.py writes it."""
    root = doc.part.numbering_part.element
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
        f'<w:lvlJc w:val="left"/></w:lvl>'
        for i, (text, fmt) in enumerate(levels))
    abstract = parse_xml(f'<w:abstractNum {W} w:abstractNumId="{abstract_id}">'
                         f'<w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>')
    first_num = root.find(qn("w:num"))  # schema order: every abstractNum before the first num
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        root.append(abstract)


def add_num(doc, num_id: int, abstract_id: int, restart_at: int | None = None) -> None:
    override = (f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{restart_at}"/></w:lvlOverride>'
                if restart_at is not None else "")
    doc.part.numbering_part.element.append(
        parse_xml(f'<w:num {W} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>'))


def numbered(doc, text: str, num_id: int, ilvl: int, style: str | None = None):
    paragraph = doc.add_paragraph(text, style=style)
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id
    return paragraph


def append_body_xml(doc, xml: str) -> None:
    """Insert raw WordprocessingML before the final section properties."""
    body = doc.element.body
    body.insert(len(body) - 1, parse_xml(xml))


def read(doc, tmp_path: Path, name: str = "contract.docx"):
    path = tmp_path / name
    doc.save(path)
    return extract(path)


def block(doc, text: str):
    found = [b for b in doc.blocks if b.text == text]
    assert len(found) == 1, f"{text!r} not found once in {[b.text for b in doc.blocks]}"
    return found[0]


def assert_spans(doc):
    for b in doc.blocks:
        assert doc.text[b.start:b.end] == b.text
        for row in b.rows or []:
            for cell in row:
                assert doc.text[cell.start:cell.end] == cell.text


# ------------------------------------------------------------------------------------------------ headings

def test_headings_from_styles_and_outline_levels(tmp_path):
    d = WordDocument()
    d.add_heading("Managed Services Agreement", 0)  # style "Title"
    d.add_heading("Service Levels", 1)
    d.add_heading("Response Times", 2)
    d.add_heading("Priority Definitions", 3)
    outline = d.add_paragraph("Direct Outline Level")
    outline._p.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {W} w:val="1"/>'))
    # a custom style whose outline level makes it a heading, and one based on Heading 2
    styles = d.styles.element
    styles.append(parse_xml(f'<w:style {W} w:type="paragraph" w:styleId="ClauseTitle"><w:name w:val="Clause Title"/>'
                            f'<w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>'))
    styles.append(parse_xml(f'<w:style {W} w:type="paragraph" w:styleId="MySub"><w:name w:val="My Sub"/>'
                            f'<w:basedOn w:val="Heading2"/></w:style>'))
    d.add_paragraph("Styled By Outline", style="Clause Title")
    d.add_paragraph("Inherited Heading", style="My Sub")
    d.add_paragraph("An ordinary sentence of body text.")
    doc = read(d, tmp_path)
    assert doc.format == "docx" and doc.pages is None
    got = [(b.kind, b.text, b.level) for b in doc.blocks]
    assert got == [
        (HEADING, "Managed Services Agreement", 1), (HEADING, "Service Levels", 1), (HEADING, "Response Times", 2),
        (HEADING, "Priority Definitions", 3), (HEADING, "Direct Outline Level", 2),
        (HEADING, "Styled By Outline", 1), (HEADING, "Inherited Heading", 2),
        (PARAGRAPH, "An ordinary sentence of body text.", None),
    ]


# ----------------------------------------------------------------------------------------------- numbering

def test_multilevel_automatic_numbering_is_recovered(tmp_path):
    d = WordDocument()
    add_abstract_num(d, 10)
    add_num(d, 10, 10)
    numbered(d, "Services", 10, 0)
    numbered(d, "The Supplier shall provide a service desk.", 10, 1)
    numbered(d, "The Supplier shall monitor:", 10, 1)
    numbered(d, "servers;", 10, 2)
    numbered(d, "network devices.", 10, 2)
    numbered(d, "Charges", 10, 0)
    numbered(d, "The monthly fee is GBP 4,800.", 10, 1)
    numbered(d, "including backups;", 10, 2)
    doc = read(d, tmp_path)
    assert [(b.number, b.text, b.level) for b in doc.blocks] == [
        ("1", "1. Services", 0),
        ("1.1", "1.1 The Supplier shall provide a service desk.", 1),
        ("1.2", "1.2 The Supplier shall monitor:", 1),
        ("(a)", "(a) servers;", 2),
        ("(b)", "(b) network devices.", 2),
        ("2", "2. Charges", 0),
        ("2.1", "2.1 The monthly fee is GBP 4,800.", 1),
        ("(a)", "(a) including backups;", 2),  # a deeper level restarts under a new parent
    ]
    assert all(b.kind == LIST_ITEM for b in doc.blocks)
    assert_spans(doc)


def test_each_abstract_numbering_restarts_at_one(tmp_path):
    d = WordDocument()
    add_abstract_num(d, 20)
    add_num(d, 20, 20)
    add_abstract_num(d, 21)
    add_num(d, 21, 21)
    numbered(d, "Definitions", 20, 0)
    numbered(d, "Services", 20, 0)
    d.add_heading("Schedule 1 - Service Levels", 1)
    numbered(d, "Priorities", 21, 0)
    numbered(d, "Priority 1 means a total outage.", 21, 1)
    doc = read(d, tmp_path)
    assert [b.number for b in doc.blocks] == ["1", "2", "Schedule 1", "1", "1.1"]
    assert block(doc, "Schedule 1 - Service Levels").kind == HEADING


def test_start_override_restarts_a_shared_list(tmp_path):
    """Two w:num instances of one abstractNum: the second with w:startOverride starts again at 1."""
    d = WordDocument()
    add_abstract_num(d, 30)
    add_num(d, 30, 30)
    add_num(d, 31, 30, restart_at=1)
    numbered(d, "First list one", 30, 0)
    numbered(d, "First list two", 30, 0)
    numbered(d, "First list three", 30, 0)
    numbered(d, "Second list one", 31, 0)
    numbered(d, "Second list sub", 31, 1)
    numbered(d, "Second list two", 31, 0)
    doc = read(d, tmp_path)
    assert [b.number for b in doc.blocks] == ["1", "2", "3", "1", "1.1", "2"]


def test_numbered_heading_style_and_bullets(tmp_path):
    d = WordDocument()
    add_abstract_num(d, 40)
    add_num(d, 40, 40)
    add_abstract_num(d, 41, levels=[("\u2022", "bullet")])
    add_num(d, 41, 41)
    numbered(d, "Support Hours", 40, 0, style="Heading 1")
    numbered(d, "Support is available 24x7.", 40, 1)
    numbered(d, "telephone", 41, 0)
    numbered(d, "e-mail", 41, 0)
    doc = read(d, tmp_path)
    heading = block(doc, "1. Support Hours")
    assert (heading.kind, heading.level, heading.number) == (HEADING, 1, "1")
    assert block(doc, "1.1 Support is available 24x7.").number == "1.1"
    for text in ("telephone", "e-mail"):  # a bullet is not a clause number and adds no symbol to the text
        b = block(doc, text)
        assert b.kind == LIST_ITEM and b.number is None


# -------------------------------------------------------------------------------------------------- tables

def test_tables_with_merged_cells_read_as_rows_and_cells(tmp_path):
    d = WordDocument()
    d.add_paragraph("Service levels:")
    t = d.add_table(rows=4, cols=3)
    for c, text in enumerate(["Priority", "Response", "Resolution"]):
        t.cell(0, c).text = text
    t.cell(1, 0).text, t.cell(1, 1).text, t.cell(1, 2).text = "P1", "15 minutes", "4 hours"
    t.cell(2, 0).text = "P2"
    t.cell(2, 1).merge(t.cell(3, 1)).text = "1 hour"  # vMerge: one cell spanning two rows
    t.cell(2, 2).text = "8 hours"
    t.cell(3, 0).text = "P3"
    t.cell(3, 2).text = "2 Business Days"
    t2 = d.add_table(rows=2, cols=3)
    t2.cell(0, 0).text, t2.cell(0, 1).text, t2.cell(0, 2).text = "Request type", "Response", "Fulfilment"
    t2.cell(1, 0).text = "Service requests"
    t2.cell(1, 1).merge(t2.cell(1, 2)).text = "Next Business Day"  # gridSpan: one cell across two columns
    d.add_paragraph("After the tables.")
    doc = read(d, tmp_path)
    assert [b.kind for b in doc.blocks] == [PARAGRAPH, TABLE, TABLE, PARAGRAPH]
    first, second = doc.blocks[1], doc.blocks[2]
    assert [[c.text for c in row] for row in first.rows] == [
        ["Priority", "Response", "Resolution"],
        ["P1", "15 minutes", "4 hours"],
        ["P2", "1 hour", "8 hours"],
        ["P3", "", "2 Business Days"],  # the continued half of the vertical merge stays in its column, empty
    ]
    assert [[c.text for c in row] for row in second.rows] == [
        ["Request type", "Response", "Fulfilment"],
        ["Service requests", "Next Business Day", ""],  # the spanned column is kept, empty
    ]
    assert_spans(doc)


# ------------------------------------------------------------------- content controls and tracked changes

def test_content_controls_are_read(tmp_path):
    d = WordDocument()
    d.add_paragraph("Before.")
    append_body_xml(d, f'<w:sdt {W}><w:sdtPr><w:alias w:val="Customer name"/></w:sdtPr><w:sdtContent>'
                       f'<w:p><w:r><w:t>The Customer is Acme Widgets Ltd.</w:t></w:r></w:p></w:sdtContent></w:sdt>')
    append_body_xml(d, f'<w:p {W}><w:r><w:t xml:space="preserve">The monthly fee is </w:t></w:r>'
                       f'<w:sdt><w:sdtPr><w:alias w:val="Fee"/></w:sdtPr><w:sdtContent>'
                       f'<w:r><w:t>GBP 4,800</w:t></w:r></w:sdtContent></w:sdt>'
                       f'<w:r><w:t>.</w:t></w:r></w:p>')
    doc = read(d, tmp_path)
    assert [b.text for b in doc.blocks] == ["Before.", "The Customer is Acme Widgets Ltd.",
                                            "The monthly fee is GBP 4,800."]


def test_tracked_changes_read_as_accepted(tmp_path):
    d = WordDocument()
    append_body_xml(d, f'<w:p {W}><w:r><w:t xml:space="preserve">The Supplier shall respond within </w:t></w:r>'
                       f'<w:del w:id="1" w:author="Legal" w:date="2025-01-01T00:00:00Z"><w:r>'
                       f'<w:delText>eight (8)</w:delText></w:r></w:del>'
                       f'<w:ins w:id="2" w:author="Legal" w:date="2025-01-01T00:00:00Z"><w:r>'
                       f'<w:t>four (4)</w:t></w:r></w:ins>'
                       f'<w:r><w:t xml:space="preserve"> hours.</w:t></w:r></w:p>')
    append_body_xml(d, f'<w:p {W}><w:r><w:t xml:space="preserve">Credits are </w:t></w:r>'
                       f'<w:moveFrom w:id="3" w:author="Legal"><w:r><w:t>capped at 5%. </w:t></w:r></w:moveFrom>'
                       f'<w:r><w:t xml:space="preserve">applied to the next invoice</w:t></w:r>'
                       f'<w:moveTo w:id="4" w:author="Legal"><w:r><w:t xml:space="preserve"> and capped at 5%</w:t></w:r>'
                       f'</w:moveTo><w:r><w:t>.</w:t></w:r></w:p>')
    # a whole paragraph deleted, paragraph mark included
    append_body_xml(d, f'<w:p {W}><w:pPr><w:rPr><w:del w:id="5" w:author="Legal"/></w:rPr></w:pPr>'
                       f'<w:del w:id="6" w:author="Legal"><w:r><w:delText>The Customer waives all credits.</w:delText>'
                       f'</w:r></w:del></w:p>')
    d.add_paragraph("Final clause.")
    doc = read(d, tmp_path)
    assert [b.text for b in doc.blocks] == [
        "The Supplier shall respond within four (4) hours.",
        "Credits are applied to the next invoice and capped at 5%.",
        "Final clause.",
    ]
    assert "eight" not in doc.text and "waives" not in doc.text


def test_header_and_footer_text_absent(tmp_path):
    d = WordDocument()
    section = d.sections[0]
    section.header.paragraphs[0].text = "Northwind / Caldwell - CONFIDENTIAL HEADER"
    section.footer.paragraphs[0].text = "Ref. NMIT-MSA FOOTER - Page 1 of 12"
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "FIRST PAGE HEADER"
    d.add_paragraph("The Supplier shall provide the Services.")
    doc = read(d, tmp_path)
    assert doc.text == "The Supplier shall provide the Services."
    for noise in ("HEADER", "FOOTER", "Page 1 of 12"):
        assert noise not in doc.text


def test_empty_paragraphs_and_tabs_are_normalised(tmp_path):
    d = WordDocument()
    d.add_paragraph("")
    d.add_paragraph("Fee:\tGBP   95\tper hour")
    d.add_paragraph("   ")
    doc = read(d, tmp_path)
    assert [b.text for b in doc.blocks] == ["Fee: GBP 95 per hour"]


# ------------------------------------------------------------------------------------ committed samples

@pytest.fixture(scope="module")
def sample_docs():
    return {name: extract(SAMPLES / f"{name}.docx") for name in SAMPLE_NAMES}


def _header_footer_texts(name: str) -> list[str]:
    """The @header / @footer lines of the sample's source: text that must not reach the document text."""
    out = []
    for line in (SAMPLES / "source" / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith(("@header ", "@footer ")):
            out += [part.strip() for part in line.split(" ", 1)[1].split("||") if part.strip()]
    assert out, f"{name}: the source names no header or footer"
    return out


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_numbering_tables_and_no_running_header(sample_docs, name):
    doc = sample_docs[name]
    assert_spans(doc)
    numbers = [b.number for b in doc.blocks if b.number]
    assert "1" in numbers and "1.1" in numbers and "2.1" in numbers
    assert any(re.fullmatch(r"\d+\.\d+\.\d+", n) or re.fullmatch(r"\([a-z]\)", n) for n in numbers)
    tables = [b for b in doc.blocks if b.kind == TABLE]
    assert len(tables) == SAMPLE_TABLES[name]
    for table in tables:
        widths = {len(row) for row in table.rows}
        assert len(widths) == 1, f"ragged table rows: {[[c.text for c in r] for r in table.rows]}"
    for text in _header_footer_texts(name):
        assert text not in doc.text, f"running header/footer text {text!r} in the body"
    assert "Page 1 of" not in doc.text


def test_northwind_clause_numbers_and_schedule_restart(sample_docs):
    doc = sample_docs["northwind-managed-services"]
    clause = next(b for b in doc.blocks if b.number == "5.2")
    assert clause.text.startswith("5.2 P1 Incidents outside Business Hours must be raised by telephone")
    heading = next(b for b in doc.blocks if b.kind == HEADING and b.text.startswith("5."))
    assert heading.text == "5. SUPPORT HOURS AND SUPPORT CHANNELS" and heading.number == "5"
    schedule = next(i for i, b in enumerate(doc.blocks) if b.text.startswith("Schedule 1"))
    after = next(b for b in doc.blocks[schedule + 1:] if b.number)
    assert after.number == "1", "the schedule's own numbering run restarts at 1"


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_docx_and_pdf_read_the_same_words(sample_docs, name):
    """The PDF is LibreOffice's rendering of the DOCX: the same words in the same order, whitespace aside."""
    if not (Path(__file__).resolve().parent.parent / "reviewer" / "extract" / "pdf.py").exists():
        pytest.skip("reviewer/extract/pdf.py is not there yet")
    docx_words = _words(sample_docs[name].text)
    pdf = extract(SAMPLES / f"{name}.pdf")
    assert pdf.format == "pdf" and pdf.pages
    pdf_words = _words(pdf.text)
    matcher = difflib.SequenceMatcher(None, docx_words, pdf_words, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    assert matched / len(docx_words) >= 0.95, "DOCX words missing from the PDF text (or out of order)"
    assert matched / len(pdf_words) >= 0.95, "the PDF text has words the DOCX lacks (headers, footers, page numbers?)"
    for text in _header_footer_texts(name):
        assert text not in pdf.text
