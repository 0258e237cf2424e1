"""DOCX: body order, headings, Word's automatic numbering, tables, content controls, tracked changes.

python-docx gives the package and its parts; the body is walked at the XML level because
python-docx renders neither list numbers nor the accepted text of tracked changes.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Iterator, Optional

from reviewer.errors import CorruptDocument, TooLarge, UnsupportedFormat
from reviewer.extract.numbering import leading_number
from reviewer.model import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Block, Document, DocumentBuilder

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_UNCOMPRESSED = 200 * 1024 * 1024
_HEADING_STYLE = re.compile(r"^(?:heading|überschrift|titre|kop)\s*(\d)$", re.I)


def extract_docx(path: Path, raw: bytes) -> Document:
    _check_package(path, raw)
    import docx  # heavy: imported only when a DOCX is read

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises several types for broken packages
        raise CorruptDocument(path, f"not a valid Word document: {type(exc).__name__}") from None
    builder = DocumentBuilder(str(path), "docx")
    for _ in walk_blocks(document, builder):
        pass
    return builder.build()


def walk_blocks(document, builder: DocumentBuilder) -> Iterator[tuple[Block, object]]:
    """Add each body block of a python-docx ``document`` to ``builder``; yield (block, w:p or w:tbl element).

    Extraction and the annotated copy (reviewer/report/annotate.py) both walk the body here, so a
    block's offsets always lead back to the element it was read from.
    """
    styles = _StyleIndex(document)
    numbering = _Numbering(document, styles)
    for element in _body_elements(document.element.body):
        block = None
        if element.tag == W + "p":
            block = _add_paragraph(builder, element, styles, numbering)
        elif element.tag == W + "tbl":
            block = builder.add(TABLE, "", rows=_table_rows(element))
        if block is not None:
            yield block, element


def _check_package(path: Path, raw: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        names = set(archive.namelist())
        total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise CorruptDocument(path, "the ZIP container is damaged or truncated") from None
    if "word/document.xml" not in names:
        raise UnsupportedFormat(path, "a ZIP file without word/document.xml")
    if total > MAX_UNCOMPRESSED:
        raise TooLarge(path, f"unpacks to {total // 2**20} MiB, over {MAX_UNCOMPRESSED // 2**20} MiB")
    try:
        archive.testzip()
    except Exception:
        raise CorruptDocument(path, "a part of the package fails its checksum") from None


def _body_elements(parent):
    """Block-level paragraphs and tables in reading order, looking inside content controls."""
    for child in parent:
        if child.tag in (W + "p", W + "tbl"):
            yield child
        elif child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _body_elements(content)
        elif child.tag in (W + "customXml", W + "ins", W + "moveTo"):
            yield from _body_elements(child)


def paragraph_text(p) -> str:
    """The paragraph's text with tracked changes accepted: insertions kept, deletions dropped."""
    return "".join(text for _, text in paragraph_pieces(p))


def paragraph_pieces(p) -> Iterator[tuple[object, str]]:
    """(element, text) for each piece of the paragraph's accepted text, in order: a w:t, w:tab, w:br ..."""
    for node in p.iter(W + "t", W + "tab", W + "br", W + "cr", W + "noBreakHyphen", W + "delText"):
        if node.tag == W + "delText" or _inside(node, (W + "del", W + "moveFrom")):
            continue
        if node.tag == W + "t":
            yield node, node.text or ""
        elif node.tag == W + "tab":
            if node.getparent().tag == W + "r":
                yield node, "\t"
        elif node.tag == W + "noBreakHyphen":
            yield node, "-"
        else:
            yield node, "\n"


def _inside(node, tags) -> bool:
    parent = node.getparent()
    while parent is not None and parent.tag != W + "p":
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def _add_paragraph(builder: DocumentBuilder, p, styles: "_StyleIndex", numbering: "_Numbering") -> Optional[Block]:
    ppr = p.find(W + "pPr")
    if ppr is not None:
        rpr = ppr.find(W + "rPr")
        if rpr is not None and rpr.find(W + "del") is not None and not paragraph_text(p).strip():
            return None
    text = " ".join(paragraph_text(p).replace("\t", " ").split())
    style_id = _val(ppr, "pStyle") if ppr is not None else None
    level = styles.heading_level(style_id, ppr)
    label = numbering.label_for(p, style_id)
    if not text:
        return None
    number = label.rstrip(".") if label and label.strip() else None
    if number and not any(ch.isalnum() for ch in number):
        number = None  # a bullet, not a clause number
    if level is not None:
        return builder.add(HEADING, _join(label, text), level=level, number=number or leading_number(text))
    if label is not None:
        return builder.add(LIST_ITEM, _join(label, text), level=numbering.last_level, number=number)
    return builder.add(PARAGRAPH, text, number=leading_number(text))


def _join(label: Optional[str], text: str) -> str:
    if not label or not any(ch.isalnum() for ch in label):
        return text
    return f"{label} {text}"


def _val(parent, tag: str) -> Optional[str]:
    if parent is None:
        return None
    el = parent.find(W + tag)
    return el.get(W + "val") if el is not None else None


class _StyleIndex:
    """Style names, outline levels, inheritance (basedOn) and style-linked numbering."""

    def __init__(self, document):
        self.by_id: dict[str, object] = {}
        try:
            root = document.styles.element
        except Exception:
            root = None
        if root is not None:
            for style in root.findall(W + "style"):
                sid = style.get(W + "styleId")
                if sid:
                    self.by_id[sid] = style

    def _chain(self, style_id: Optional[str]):
        seen = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            yield style
            style_id = _val(style, "basedOn")

    def heading_level(self, style_id: Optional[str], ppr) -> Optional[int]:
        outline = _val(ppr, "outlineLvl") if ppr is not None else None
        if outline is not None and outline.isdigit() and int(outline) < 9:
            return int(outline) + 1
        for style in self._chain(style_id):
            name_el = style.find(W + "name")
            name = name_el.get(W + "val") if name_el is not None else ""
            m = _HEADING_STYLE.match(name or "")
            if m:
                return int(m.group(1))
            if (name or "").lower() in ("title",):
                return 1
            spr = style.find(W + "pPr")
            outline = _val(spr, "outlineLvl")
            if outline is not None and outline.isdigit() and int(outline) < 9:
                return int(outline) + 1
        return None

    def numbering_of(self, style_id: Optional[str]) -> tuple[Optional[str], Optional[int]]:
        for style in self._chain(style_id):
            spr = style.find(W + "pPr")
            numpr = spr.find(W + "numPr") if spr is not None else None
            if numpr is not None:
                ilvl = _val(numpr, "ilvl")
                return _val(numpr, "numId"), int(ilvl) if ilvl and ilvl.isdigit() else 0
        return None, None


class _Numbering:
    """Renders Word's automatic list numbers ("5.2", "(b)") as Word would display them."""

    def __init__(self, document, styles: _StyleIndex):
        self.styles = styles
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.abstract: dict[str, dict[int, dict]] = {}
        self.counters: dict[str, list[Optional[int]]] = {}
        self.seen_nums: set[str] = set()
        self.last_level = 0
        try:
            root = document.part.numbering_part.element
        except Exception:
            return
        for abstract in root.findall(W + "abstractNum"):
            levels = {}
            for lvl in abstract.findall(W + "lvl"):
                ilvl = int(lvl.get(W + "ilvl", "0"))
                start = _val(lvl, "start")
                levels[ilvl] = {
                    "start": int(start) if start and start.lstrip("-").isdigit() else 1,
                    "fmt": _val(lvl, "numFmt") or "decimal",
                    "text": _val(lvl, "lvlText") or "",
                    "legal": lvl.find(W + "isLgl") is not None,
                }
            self.abstract[abstract.get(W + "abstractNumId")] = levels
        for num in root.findall(W + "num"):
            overrides = {}
            for override in num.findall(W + "lvlOverride"):
                start = _val(override, "startOverride")
                if start and start.isdigit():
                    overrides[int(override.get(W + "ilvl", "0"))] = int(start)
            self.nums[num.get(W + "numId")] = (_val(num, "abstractNumId"), overrides)

    def label_for(self, p, style_id: Optional[str]) -> Optional[str]:
        ppr = p.find(W + "pPr")
        numpr = ppr.find(W + "numPr") if ppr is not None else None
        num_id, ilvl = None, None
        if numpr is not None:
            num_id = _val(numpr, "numId")
            lv = _val(numpr, "ilvl")
            ilvl = int(lv) if lv and lv.isdigit() else None
        if num_id is None or ilvl is None:
            s_num, s_lvl = self.styles.numbering_of(style_id)
            num_id = num_id or s_num
            ilvl = ilvl if ilvl is not None else s_lvl
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id)
        if not levels or ilvl not in levels:
            return None
        counters = self.counters.setdefault(abstract_id, [None] * 9)
        if ilvl >= len(counters):
            return None
        if num_id not in self.seen_nums:
            self.seen_nums.add(num_id)
            for restart in overrides:  # a w:startOverride restarts the shared list where this w:num begins
                if restart < len(counters):
                    counters[restart:] = [None] * (len(counters) - restart)
        level = levels[ilvl]
        if counters[ilvl] is None:
            counters[ilvl] = overrides.get(ilvl, level["start"])
        else:
            counters[ilvl] += 1
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = None
        self.last_level = ilvl
        if level["fmt"] in ("bullet", "none"):
            return "•" if level["fmt"] == "bullet" else ""

        def render(match):
            ref = int(match.group(1)) - 1
            ref_level = levels.get(ref, level)
            value = counters[ref] if counters[ref] is not None else ref_level["start"]
            fmt = "decimal" if level["legal"] else ref_level["fmt"]
            return format_number(value, fmt)

        return re.sub(r"%(\d)", render, level["text"]).strip()


def format_number(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = ""
        n = value
        while n > 0:
            n, rem = divmod(n - 1, 26)
            letters = chr(97 + rem) + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                       (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += sym
            n -= value
    return out


def _table_rows(tbl) -> list[list[str]]:
    """Rows of cell texts, one entry per grid column: a merged cell's text stands in its first column only."""
    return [[text for text, _ in row] for row in table_grid(tbl)]


def table_grid(tbl) -> list[list[tuple[str, object]]]:
    """Rows of (cell text, w:tc element or None for a merged cell's extra grid columns)."""
    rows: list[list[tuple[str, object]]] = []
    for tr in tbl.findall(W + "tr"):
        row: list[tuple[str, object]] = []
        for tc in tr.findall(W + "tc") + [c for sdt in tr.findall(W + "sdt") for c in sdt.iter(W + "tc")]:
            tcpr = tc.find(W + "tcPr")
            span = _val(tcpr, "gridSpan")
            span = int(span) if span and span.isdigit() else 1
            vmerge = tcpr.find(W + "vMerge") if tcpr is not None else None
            texts = [" ".join(paragraph_text(p).split()) for p in tc.iter(W + "p")]
            text = " ".join(t for t in texts if t)
            if vmerge is not None and vmerge.get(W + "val") in (None, "continue"):
                text = ""
            row.append((text, tc))
            row.extend([("", None)] * (span - 1))
        rows.append(row)
    return rows
