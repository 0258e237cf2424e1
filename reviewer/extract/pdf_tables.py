"""Ruled tables: pdfplumber's finder on PDFium's rules with cell text from PDFium, or
pdfplumber itself, opened only for the ruled pages PDFium could not settle."""
from __future__ import annotations

import ctypes
import logging
import re
from dataclasses import dataclass

import pypdfium2.raw as R

from reviewer.extract.pdf_grid import find_grid_tables
from reviewer.extract.pdf_text import clean, join_lines, Vocabulary


@dataclass
class Table:
    x0: float
    top: float
    x1: float
    bottom: float
    rows: list[list[str]]  # raw cell text, lines joined later

    def contains(self, x: float, y: float, pad: float = 1.0) -> bool:
        return self.x0 - pad <= x <= self.x1 + pad and self.top - pad <= y <= self.bottom + pad


def in_tables(tables, x: float, y: float) -> bool:
    """Is the point inside one of the tables? (a text segment's centre: table text)"""
    return any(t.contains(x, y) for t in tables)


def find_tables(path, page_numbers: list[int], sizes: dict[int, tuple[float, float]],
                notes: list[str]) -> dict[int, list[Table]]:
    """Tables per 1-based page number. Failures are noted, never raised: the text stays."""
    if not page_numbers:
        return {}
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - dependency is declared
        notes.append("pdfplumber is not installed: tables were read as text")
        return {}
    out: dict[int, list[Table]] = {}
    quiet = logging.getLogger("pdfminer")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # damaged files make pdfminer warn once per operator
    pdf = None
    try:
        pdf = pdfplumber.open(str(path), pages=page_numbers)
        for page in pdf.pages:
            pno = page.page_number
            try:
                out[pno] = _page_tables(page, sizes.get(pno))
            except Exception as exc:  # noqa: BLE001 - a bad page: its text is kept
                notes.append(f"page {pno}: table detection failed ({type(exc).__name__}); read as text")
            finally:
                page.close()
    except Exception as exc:  # noqa: BLE001 - any parser failure: fall back to text
        notes.append(f"tables could not be read ({type(exc).__name__}); read as text")
    finally:
        if pdf is not None:
            try:
                pdf.close()
            except Exception:  # noqa: BLE001
                pass
        quiet.setLevel(level)
    return out


def tables_from_edges(textpage, tf, edges: list[tuple], width: float, height: float) -> list[Table]:
    """pdfplumber's table finder on the rules PDFium found; cell text from PDFium.

    This is ``page.find_tables()`` minus pdfminer's parse of the page (the slow part):
    the TableFinder's algorithm (snapping, joining, intersections, cells, tables; see
    ``pdf_grid``) runs on the edges of PDFium path objects, and each cell's text is read
    from the still-open PDFium text page.
    """
    read = _BoundedText(textpage)
    out = []
    for bbox, cells in find_grid_tables(edges):
        rows = []
        for row in cells:
            texts = []
            for c in row:
                if c is None:
                    texts.append(None)
                    continue
                x0, top, x1, bottom = c
                texts.append(read(*tf.pdf_box(x0 + 0.5, top + 0.5, x1 - 0.5, bottom - 0.5)))
            rows.append(texts)
        table = _accept(bbox, rows, width, height)
        if table is not None:
            out.append(table)
    return out


class _BoundedText:
    """``textpage.get_text_bounded`` in one PDFium call instead of two (size, then text).

    The buffer holds any answer: a rectangle's text has at most a character, a space and
    a line break per character of the page. That rests on how PDFium builds the text, so
    an answer that fills the buffer (perhaps cut short) is asked again of pypdfium2's own
    ``get_text_bounded``. The result is cut like pypdfium2 cuts it (to the code point
    count PDFium reports), so text outside the BMP comes out the same.
    """

    def __init__(self, textpage):
        self.textpage = textpage
        self.tp = textpage.raw
        self.size = 4 * max(textpage.count_chars(), 0) + 2
        self.buf = (ctypes.c_ushort * self.size)()
        self.bytes = memoryview(self.buf).cast("B")

    def __call__(self, left: float, bottom: float, right: float, top: float) -> str:
        n = R.FPDFText_GetBoundedText(self.tp, left, top, right, bottom, self.buf, self.size)
        if n <= 0:
            return ""
        if n >= self.size:  # the buffer may have cut the text short
            return self.textpage.get_text_bounded(left, bottom, right, top)
        units = n - 1 if self.buf[n - 1] == 0 else n
        text = str(self.bytes[:2 * units], "utf-16-le", "ignore")
        if len(text) == units:
            return text
        # surrogate pairs: pypdfium2 reads as many UTF-16 units as PDFium counts code points
        points = units - sum(1 for ch in text if ord(ch) > 0xFFFF)
        return str(self.bytes[:2 * points], "utf-16-le", "ignore")


def _page_tables(page, size) -> list[Table]:
    width, height = float(page.width), float(page.height)
    mx0, mtop = float(page.mediabox[0]), float(page.mediabox[1])
    tables = []
    for t in page.find_tables():
        x0, top, x1, bottom = t.bbox
        table = _accept((x0 - mx0, top - mtop, x1 - mx0, bottom - mtop), t.extract(), width, height)
        if table is not None:
            tables.append(table)
    return tables


def _accept(bbox, raw_rows, width: float, height: float):
    """A found table, cleaned (empty rows/columns dropped), or None if it is not a table."""
    x0, top, x1, bottom = bbox
    if x0 < -2 or top < -2 or x1 > width + 2 or bottom > height + 2:
        return None  # runaway boxes (HTML converters draw page-spanning frames)
    rows = [[c if c is not None else "" for c in row] for row in raw_rows]
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return None
    keep = [j for j in range(max(len(r) for r in rows))
            if any(j < len(r) and r[j].strip() for r in rows)]
    rows = [[r[j] if j < len(r) else "" for j in keep] for r in rows]
    if len(keep) < 2:
        return None  # a boxed paragraph, not a table
    if len(rows) < 2 and sum(1 for c in rows[0] if c.strip()) < 3:
        return None  # a shaded strip or form line
    if len(rows) <= 2 and len(keep) <= 2 and (x1 - x0) * (bottom - top) > 0.5 * width * height:
        return None  # a page frame with a margin rule, not a table
    return Table(x0, top, x1, bottom, rows)


def cell_text(raw: str, vocab: Vocabulary) -> str:
    """One cell: its lines cleaned and joined with the paragraph hyphen rules.

    Narrow cells also break words with no hyphen at all ("Compl" / "iant"); such a break
    is closed when the joined word occurs elsewhere in the document and the tail alone
    does not.
    """
    text = ""
    for line in raw.split("\n"):
        line = clean(line)
        if not line:
            continue
        if text and _unhyphenated_break(text, line, vocab):
            text += line
        else:
            text = join_lines(text, line, vocab)
    return text.replace("\u00ad", "")


_LAST_WORD = re.compile(r"([A-Za-z]+)$")
_FIRST_WORD = re.compile(r"^([a-z]+)\b")


def _unhyphenated_break(left: str, right: str, vocab: Vocabulary) -> bool:
    a = _LAST_WORD.search(left)
    b = _FIRST_WORD.match(right)
    if not a or not b:
        return False
    head, tail = a.group(1), b.group(1)
    return vocab.count(head + tail) > 0 and vocab.count(tail) == 0 and vocab.count(head) == 0
