"""Build the project's own sample contracts: DOCX with python-docx, then PDF with LibreOffice.

    .venv/bin/python samples/build_samples.py            # DOCX and PDF
    .venv/bin/python samples/build_samples.py --no-pdf   # DOCX only

The contract text lives in ``samples/source/*.txt`` in a small line-oriented markup,
so that the wording can be read and edited without reading Python:

    // comment                         ignored
    @paper A4 | Letter                 page size (first block of the file)
    @header LEFT || RIGHT              running header on every page
    @footer LEFT                       footer; "Page X of Y" (PAGE / NUMPAGES fields) is added
    @doc-title TITLE                   the DOCX core property "title"
    @title TEXT / @subtitle TEXT       centred title block
    @center TEXT                       centred paragraph
    @columns N                         continuous section break; the new section has N columns
    @pagebreak                         page break
    @table W1 W2 ...                   a table, column widths in cm, rows follow as "| a | b |";
                                       the first row is the header row; a cell "^^" merges into
                                       the cell above, "<<" into the cell to the left
    @signatures                        signature block; rows follow as "| left | right |"

    # TEXT        Heading 1, auto-numbered "1."          (numbering level 0)
    ## TEXT       Heading 2, auto-numbered "1.1"         (numbering level 1)
    ##[0] TEXT    Heading 2 at numbering level 0 ("1.")  (paragraph headings in schedules)
    #! TEXT       Heading 1, NOT numbered; starts a fresh numbering run (schedules, appendices)
    > TEXT        body paragraph numbered "1.1"          (level 1)
    >> TEXT       "1.1.1"                                (level 2)
    >>> TEXT      "(a)"                                  (level 3)
    >>>> TEXT     "(i)"                                  (level 4)
    ~ (A) TEXT    hanging-indent paragraph; the first word is the typed label (parties, recitals)
    TEXT          plain paragraph

Blocks are separated by blank lines; the lines of one block are joined with spaces.
Inside any text, **bold** is bold.

All clause numbers are Word automatic numbering: a custom w:abstractNum in word/numbering.xml
applied through w:numPr, so ``paragraph.text`` never contains the number.
"""
from __future__ import annotations

import argparse
import copy
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor, Twips

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source"

SAMPLES = [
    "northwind-managed-services",
    "brightcloud-saas-sla",
    "helpdesk-outsourcing-schedule",
]

FONT = "DejaVu Sans"  # installed wherever LibreOffice renders these; avoids font substitution
BODY_PT = 9.5
PAPER = {"A4": (Cm(21.0), Cm(29.7)), "Letter": (Cm(21.59), Cm(27.94))}

# Numbering levels: lvlText, numFmt, left indent and hanging indent (twips).
LEVELS = [
    ("%1.", "decimal", 720, 720),
    ("%1.%2", "decimal", 720, 720),
    ("%1.%2.%3", "decimal", 1440, 720),
    ("(%4)", "lowerLetter", 2160, 720),
    ("(%5)", "lowerRoman", 2880, 720),
]


# --------------------------------------------------------------------------- parsing

class Block:
    def __init__(self, kind: str, text: str = "", **kw):
        self.kind, self.text, self.kw = kind, text, kw

    def __repr__(self):  # debugging aid
        return f"Block({self.kind!r}, {self.text[:40]!r}, {self.kw})"


HEADING_RE = re.compile(r"^(#{1,2})(!|\[(\d)\])?\s+(.*)$")
NUMBERED_RE = re.compile(r"^(>{1,4})\s+(.*)$")


def parse(path: Path) -> tuple[dict, list[Block]]:
    meta: dict = {}
    blocks: list[Block] = []
    raw = [ln.rstrip() for ln in path.read_text(encoding="utf-8").splitlines()]
    chunks, cur = [], []
    for ln in raw:
        if ln.lstrip().startswith("//"):
            continue
        if not ln.strip():
            if cur:
                chunks.append(cur)
                cur = []
            continue
        cur.append(ln.strip())
    if cur:
        chunks.append(cur)

    for chunk in chunks:
        first = chunk[0]
        if first.startswith("@table") or first.startswith("@signatures"):
            widths = [float(w) for w in first.split()[1:]]
            rows = [split_row(ln) for ln in chunk[1:]]
            kind = "table" if first.startswith("@table") else "signatures"
            blocks.append(Block(kind, rows=rows, widths=widths))
            continue
        if first.startswith("@"):
            for ln in chunk:
                key, _, value = ln[1:].partition(" ")
                value = value.strip()
                if key in ("paper", "header", "footer", "doc-title"):
                    meta[key] = value
                elif key in ("title", "subtitle", "center"):
                    blocks.append(Block(key, value))
                elif key == "columns":
                    blocks.append(Block("columns", n=int(value)))
                elif key == "pagebreak":
                    blocks.append(Block("pagebreak"))
                else:
                    raise ValueError(f"{path.name}: unknown directive @{key}")
            continue
        text = " ".join(chunk)
        m = HEADING_RE.match(text)
        if m:
            hashes, flag, lvl, body = m.groups()
            style = len(hashes)
            if flag == "!":
                blocks.append(Block("heading", body, style=style, ilvl=None))
            else:
                ilvl = int(lvl) if lvl is not None else style - 1
                blocks.append(Block("heading", body, style=style, ilvl=ilvl))
            continue
        m = NUMBERED_RE.match(text)
        if m:
            blocks.append(Block("numbered", m.group(2), ilvl=len(m.group(1))))
            continue
        if text.startswith("~ "):
            label, _, body = text[2:].partition(" ")
            blocks.append(Block("hanging", body, label=label))
            continue
        blocks.append(Block("para", text))
    return meta, blocks


def split_row(line: str) -> list[str]:
    line = line.strip()
    if not (line.startswith("|") and line.endswith("|")):
        raise ValueError(f"table row must start and end with '|': {line!r}")
    return [c.strip() for c in line[1:-1].split("|")]


# --------------------------------------------------------------------------- numbering

class Numbering:
    """Adds multi-level numbering definitions to word/numbering.xml.

    Each run (the main body, then each schedule or appendix) gets its own w:abstractNum and
    w:num, so numbering restarts at "1." in Word and in LibreOffice alike.
    """

    FIRST_ID = 50

    def __init__(self, document):
        self.root = document.part.numbering_part.element
        self.next_id = self.FIRST_ID
        self.num_id = None

    def new_run(self) -> int:
        aid = nid = self.next_id
        self.next_id += 1
        levels = []
        for ilvl, (text, fmt, left, hanging) in enumerate(LEVELS):
            levels.append(
                f'<w:lvl w:ilvl="{ilvl}">'
                f'<w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:tabs><w:tab w:val="num" w:pos="{left}"/></w:tabs>'
                f'<w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr>'
                f"</w:lvl>"
            )
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{aid}">'
            f'<w:nsid w:val="{0x5A3C0000 + aid:08X}"/>'
            f'<w:multiLevelType w:val="multilevel"/>'
            f'<w:name w:val="Contract clauses {aid}"/>'
            + "".join(levels)
            + "</w:abstractNum>"
        )
        # schema order: every w:abstractNum before the first w:num
        first_num = self.root.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            self.root.append(abstract)
        self.root.append(parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{nid}"><w:abstractNumId w:val="{aid}"/></w:num>'
        ))
        self.num_id = nid
        return nid

    def apply(self, paragraph, ilvl: int) -> None:
        if self.num_id is None:
            self.new_run()
        numPr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        numPr.get_or_add_ilvl().val = ilvl
        numPr.get_or_add_numId().val = self.num_id


# --------------------------------------------------------------------------- styling

def set_fonts(rPr_parent, name: str = FONT) -> None:
    """Replace w:rFonts (theme fonts included) with one explicit font."""
    rPr = rPr_parent if rPr_parent.tag == qn("w:rPr") else rPr_parent.get_or_add_rPr()
    old = rPr.find(qn("w:rFonts"))
    if old is not None:
        rPr.remove(old)
    rPr.insert(0, parse_xml(
        f'<w:rFonts {nsdecls("w")} w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}"/>'
    ))


def setup_styles(doc) -> None:
    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    set_fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")))

    normal = styles["Normal"]
    set_fonts(normal.element)
    normal.font.size = Pt(BODY_PT)
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(4)
    pf.line_spacing = 1.05

    for name, size, before, after in (("Heading 1", 10.5, 12, 5), ("Heading 2", BODY_PT, 8, 4)):
        st = styles[name]
        set_fonts(st.element)
        st.font.size = Pt(size)
        st.font.bold = True
        st.font.color.rgb = RGBColor(0, 0, 0)
        color = st.element.rPr.find(qn("w:color"))
        for attr in ("w:themeColor", "w:themeShade"):
            color.attrib.pop(qn(attr), None)
        st.paragraph_format.space_before = Pt(before)
        st.paragraph_format.space_after = Pt(after)
        st.paragraph_format.keep_with_next = True

    for name in ("Header", "Footer"):
        st = styles[name]
        st.font.size = Pt(7.5)
        st.font.color.rgb = RGBColor(0x40, 0x40, 0x40)


def add_runs(paragraph, text: str, bold: bool = False, size=None) -> None:
    """Add text with **bold** spans as runs."""
    parts = re.split(r"(\*\*.+?\*\*)", text)
    for part in parts:
        if not part:
            continue
        is_bold = part.startswith("**") and part.endswith("**")
        run = paragraph.add_run(part[2:-2] if is_bold else part)
        if is_bold or bold:
            run.bold = True
        if size:
            run.font.size = Pt(size)


def add_field(paragraph, instr: str, cached: str) -> None:
    """Insert a complex field (PAGE, NUMPAGES) with a cached result."""
    def run_xml(inner):
        return parse_xml(f'<w:r {nsdecls("w")}>{inner}</w:r>')
    p = paragraph._p
    p.append(run_xml('<w:fldChar w:fldCharType="begin"/>'))
    p.append(run_xml(f'<w:instrText xml:space="preserve"> {instr} </w:instrText>'))
    p.append(run_xml('<w:fldChar w:fldCharType="separate"/>'))
    p.append(run_xml(f"<w:t>{cached}</w:t>"))
    p.append(run_xml('<w:fldChar w:fldCharType="end"/>'))


def bottom_rule(paragraph, side: str = "bottom") -> None:
    """A thin rule under (header) or over (footer) the paragraph, kept in schema order."""
    pPr = paragraph._p.get_or_add_pPr()
    pPr.insert_element_before(
        parse_xml(f'<w:pBdr {nsdecls("w")}><w:{side} w:val="single" w:sz="4" w:space="4" '
                  f'w:color="808080"/></w:pBdr>'),
        "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
        "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
        "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
        "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
        "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
        "w:pPrChange",
    )


def setup_page(doc, meta: dict) -> None:
    section = doc.sections[0]
    width, height = PAPER[meta.get("paper", "A4")]
    section.page_width, section.page_height = width, height
    margin = Cm(2.4)
    section.left_margin = section.right_margin = margin
    section.top_margin = Cm(2.5)
    section.bottom_margin = Cm(2.2)
    section.header_distance = Cm(1.1)
    section.footer_distance = Cm(1.0)
    text_width = width - 2 * margin

    def clear_style_tabs(pf):
        for pos in (4680, 9360):  # the template's Header/Footer tab stops, in twips
            pf.tab_stops.add_tab_stop(Pt(pos / 20), WD_TAB_ALIGNMENT.CLEAR)
        pf.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)

    left, _, right = meta.get("header", "").partition("||")
    hp = section.header.paragraphs[0]
    clear_style_tabs(hp.paragraph_format)
    add_runs(hp, left.strip())
    hp.add_run("\t")
    add_runs(hp, right.strip(), bold=True)
    bottom_rule(hp)

    fp = section.footer.paragraphs[0]
    clear_style_tabs(fp.paragraph_format)
    bottom_rule(fp, "top")
    add_runs(fp, meta.get("footer", ""))
    fp.add_run("\tPage ")
    add_field(fp, "PAGE", "1")
    fp.add_run(" of ")
    add_field(fp, "NUMPAGES", "1")


def set_columns(section, n: int) -> None:
    sectPr = section._sectPr
    cols = sectPr.find(qn("w:cols"))
    if cols is None:
        cols = parse_xml(f'<w:cols {nsdecls("w")}/>')
        sectPr.append(cols)
    cols.set(qn("w:num"), str(n))
    cols.set(qn("w:space"), "567")  # 1 cm between columns


def shade(cell, fill: str) -> None:
    tcPr = cell._tc.get_or_add_tcPr()
    tcPr.append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>'))


def no_borders(table) -> None:
    tblPr = table._tbl.tblPr
    tblPr.insert_element_before(parse_xml(
        f'<w:tblBorders {nsdecls("w")}>'
        + "".join(f'<w:{s} w:val="nil"/>' for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders>"
    ), "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")


# --------------------------------------------------------------------------- tables

def add_table(doc, rows: list[list[str]], widths: list[float]) -> None:
    ncols = len(rows[0])
    if any(len(r) != ncols for r in rows):
        raise ValueError(f"ragged table: {rows[0]}")
    if widths and len(widths) != ncols:
        raise ValueError(f"{len(widths)} widths for {ncols} columns: {rows[0]}")
    table = doc.add_table(rows=len(rows), cols=ncols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False

    # header row repeats on each page; no row splits across pages
    for r, row in enumerate(table.rows):
        trPr = row._tr.get_or_add_trPr()
        trPr.append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
        if r == 0:
            trPr.append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))

    # where does each cell's content come from?  (merge markers point up or left)
    origin = {}
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text == "^^":
                origin[(r, c)] = origin[(r - 1, c)]
            elif text == "<<":
                origin[(r, c)] = origin[(r, c - 1)]
            else:
                origin[(r, c)] = (r, c)

    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            if widths:
                cell.width = Cm(widths[c])
            if origin[(r, c)] != (r, c):
                continue
            para = cell.paragraphs[0]
            para.paragraph_format.space_after = Pt(2)
            para.paragraph_format.line_spacing = 1.0
            for i, line in enumerate(text.split(" // ")):  # " // " = new paragraph inside a cell
                if i:
                    para = cell.add_paragraph()
                    para.paragraph_format.space_after = Pt(2)
                    para.paragraph_format.line_spacing = 1.0
                add_runs(para, line, bold=(r == 0), size=BODY_PT - 1)
            if r == 0:
                shade(cell, "D9E2F3")

    spans: dict = {}
    for pos, org in origin.items():
        spans.setdefault(org, []).append(pos)
    for org, cells in spans.items():
        if len(cells) > 1:
            last = max(cells)
            table.cell(*org).merge(table.cell(*last))

    if widths:
        for c, w in enumerate(widths):
            table.columns[c].width = Cm(w)
    spacer = doc.add_paragraph()
    spacer.paragraph_format.space_after = Pt(2)


def add_signatures(doc, rows: list[list[str]]) -> None:
    table = doc.add_table(rows=len(rows), cols=2)
    no_borders(table)
    table.autofit = False
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.width = Cm(8.0)
            para = cell.paragraphs[0]
            para.paragraph_format.space_after = Pt(8 if r else 14)
            add_runs(para, text, bold=(r == 0))


# --------------------------------------------------------------------------- building

def build_docx(name: str) -> Path:
    meta, blocks = parse(SOURCE / f"{name}.txt")
    doc = Document()
    setup_styles(doc)
    setup_page(doc, meta)
    numbering = Numbering(doc)
    numbering.new_run()
    cp = doc.core_properties
    cp.title = meta.get("doc-title", name)
    cp.author = "Contract Reviewer project (sample contract)"
    cp.comments = "Fictional contract written for the Contract Reviewer project's tests."

    parent_ilvl = 1  # numbering level of the last clause paragraph above level 3
    for block in blocks:
        k = block.kind
        if k == "title":
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_after = Pt(4)
            add_runs(p, block.text, bold=True, size=15)
        elif k == "subtitle":
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_after = Pt(14)
            add_runs(p, block.text, size=10.5)
        elif k == "center":
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            add_runs(p, block.text)
        elif k == "heading":
            p = doc.add_paragraph(style=f"Heading {block.kw['style']}")
            add_runs(p, block.text)
            if block.kw["ilvl"] is None:
                numbering.new_run()  # schedules and appendices restart at 1.
            else:
                numbering.apply(p, block.kw["ilvl"])
                parent_ilvl = block.kw["ilvl"]
        elif k == "numbered":
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            add_runs(p, block.text)
            ilvl = block.kw["ilvl"]
            numbering.apply(p, ilvl)
            if ilvl == 3 and parent_ilvl == 1:
                # "(a)" directly under "1.1": sit one step in from 1.1, not two.
                # A paragraph's own w:ind overrides the numbering level's indent.
                p.paragraph_format.left_indent = Twips(1440)
                p.paragraph_format.first_line_indent = Twips(-720)
            elif ilvl < 3:
                parent_ilvl = ilvl
        elif k == "hanging":
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            p.paragraph_format.left_indent = Cm(1.27)
            p.paragraph_format.first_line_indent = Cm(-1.27)
            p.paragraph_format.tab_stops.add_tab_stop(Cm(1.27))
            add_runs(p, f"{block.kw['label']}\t{block.text}")
        elif k == "para":
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            add_runs(p, block.text)
        elif k == "table":
            add_table(doc, block.kw["rows"], block.kw["widths"])
        elif k == "signatures":
            add_signatures(doc, block.kw["rows"])
        elif k == "pagebreak":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif k == "columns":
            # python-docx closes the current section with an empty paragraph carrying its
            # w:sectPr; keep that paragraph as small as possible
            section = doc.add_section(WD_SECTION.CONTINUOUS)
            closing = doc.paragraphs[-1]
            closing.paragraph_format.space_after = Pt(0)
            closing.paragraph_format.space_before = Pt(0)
            closing.paragraph_format.line_spacing = Pt(2)
            set_columns(section, block.kw["n"])
        else:
            raise AssertionError(k)

    out = HERE / f"{name}.docx"
    doc.save(out)
    return out


def render_pdf(docx_path: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        sys.exit("LibreOffice (soffice) not found: install it, or run with --no-pdf")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        proc = subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", "pdf", "--outdir", str(docx_path.parent), str(docx_path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
    if proc.returncode:
        sys.exit(f"LibreOffice failed on {docx_path.name}:\n{proc.stderr}")
    pdf = docx_path.with_suffix(".pdf")
    if not pdf.exists():
        sys.exit(f"LibreOffice did not produce {pdf}")
    return pdf


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-pdf", action="store_true", help="build the DOCX files only")
    ap.add_argument("names", nargs="*", default=SAMPLES, help="samples to build (default: all)")
    args = ap.parse_args(argv)
    for name in args.names:
        docx_path = build_docx(name)
        print(f"wrote {docx_path.relative_to(HERE.parent)}")
        if not args.no_pdf:
            pdf = render_pdf(docx_path)
            print(f"wrote {pdf.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
