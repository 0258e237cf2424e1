"""Ruled tables through pdfplumber, opened only for the pages PDFium flagged as ruled."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

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


class _EdgePage:
    """The little of a pdfplumber Page that its TableFinder reads: edges and bbox."""

    def __init__(self, edges: list[dict], width: float, height: float):
        self.edges = edges
        self.bbox = (0, 0, width, height)


def tables_from_edges(textpage, tf, edges: list[tuple], width: float, height: float) -> list[Table]:
    """pdfplumber's table finder on the rules PDFium found; cell text from PDFium.

    This is ``page.find_tables()`` minus pdfminer's parse of the page (the slow part):
    the same TableFinder (snapping, joining, intersections, cells, tables) runs on edge
    dicts built from PDFium path objects, and each cell's text is read with
    ``get_text_bounded`` on the still-open PDFium text page.
    """
    from pdfplumber.table import TableFinder

    dicts = []
    for o, x0, top, x1, bottom in edges:
        dicts.append({"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0,
                      "height": bottom - top, "orientation": o, "object_type": "line"})
    finder = TableFinder(_EdgePage(dicts, width, height), {})

    def read(cell):
        x0, top, x1, bottom = cell
        left, low, right, high = tf.pdf_box(x0 + 0.5, top + 0.5, x1 - 0.5, bottom - 0.5)
        return textpage.get_text_bounded(left, low, right, high).replace("\r\n", "\n")

    out = []
    for t in finder.tables:
        rows = [[read(c) if c is not None else None for c in row.cells] for row in t.rows]
        table = _accept(t.bbox, rows, width, height)
        if table is not None:
            out.append(table)
    return out


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
