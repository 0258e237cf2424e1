"""The plain document model that flows through every stage.

Document -> blocks (from extraction) -> clauses (from segmentation) -> spans.
Every span uses one offset system: character offsets into ``Document.text``.
Later stages read only these objects, never the original file.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Optional

HEADING = "heading"
PARAGRAPH = "paragraph"
LIST_ITEM = "list_item"
TABLE = "table"
BLOCK_KINDS = (HEADING, PARAGRAPH, LIST_ITEM, TABLE)


@dataclass
class Cell:
    text: str
    start: int = 0
    end: int = 0


@dataclass
class Block:
    """One unit of the extracted layout: a heading, paragraph, list item or table."""

    kind: str
    text: str
    start: int = 0
    end: int = 0
    page: Optional[int] = None
    level: Optional[int] = None  # heading level (1 = top) or list depth (0 = top)
    number: Optional[str] = None  # the contract's own clause number: "5.2", "(b)", "Schedule 2"
    rows: Optional[list[list[Cell]]] = None  # tables only

    def to_dict(self) -> dict:
        d = {k: v for k, v in asdict(self).items() if v is not None}
        if self.rows is not None:
            d["rows"] = [[c.text for c in row] for row in self.rows]
        return d


@dataclass
class Document:
    source: str
    format: str  # pdf | docx | text | markdown
    text: str = ""
    blocks: list[Block] = field(default_factory=list)
    pages: Optional[int] = None
    sha256: str = ""
    notes: list[str] = field(default_factory=list)  # extraction remarks worth showing a user

    def page_at(self, offset: int) -> Optional[int]:
        """Page of the block holding ``offset`` (None for formats without pages)."""
        for b in self.blocks:
            if b.start <= offset < b.end or (offset == b.end and b is self.blocks[-1]):
                return b.page
        return None

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "format": self.format,
            "pages": self.pages,
            "sha256": self.sha256,
            "notes": self.notes,
            "blocks": [b.to_dict() for b in self.blocks],
            "text": self.text,
        }


def table_text(rows: list[list[str]]) -> str:
    """How a table reads in the flat text: one line per row, cells split by ' | '."""
    return "\n".join(" | ".join(cell for cell in row) for row in rows)


class DocumentBuilder:
    """Assembles blocks into a Document, assigning each block its span in the full text."""

    SEPARATOR = "\n\n"

    def __init__(self, source: str, fmt: str):
        self.doc = Document(source=source, format=fmt)
        self._parts: list[str] = []
        self._pos = 0

    def add(self, kind: str, text: str, *, page=None, level=None, number=None,
            rows: Optional[list[list[str]]] = None) -> Optional[Block]:
        text = text.strip()
        if rows is not None:
            rows = [[" ".join(c.split()) for c in row] for row in rows]
            rows = [row for row in rows if any(row)]
            if not rows:
                return None
            text = table_text(rows)
        if not text:
            return None
        if self._parts:
            self._parts.append(self.SEPARATOR)
            self._pos += len(self.SEPARATOR)
        start = self._pos
        block = Block(kind=kind, text=text, start=start, end=start + len(text), page=page,
                      level=level, number=number)
        if rows is not None:
            block.rows = _cells_with_offsets(rows, start)
        self._parts.append(text)
        self._pos += len(text)
        self.doc.blocks.append(block)
        return block

    def build(self) -> Document:
        self.doc.text = "".join(self._parts)
        return self.doc


def _cells_with_offsets(rows: list[list[str]], start: int) -> list[list[Cell]]:
    out, pos = [], start
    for r, row in enumerate(rows):
        if r:
            pos += 1  # newline between rows
        cells = []
        for c, text in enumerate(row):
            if c:
                pos += 3  # " | "
            cells.append(Cell(text, pos, pos + len(text)))
            pos += len(text)
        out.append(cells)
    return out
