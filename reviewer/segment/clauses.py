"""Segmentation: clauses from the contract's own structure, each with its sentences.

A clause is a numbered section or sub-clause, an unnumbered paragraph under a heading, or one
row of a table. It keeps its number, the heading it stands under, its page and its span.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from reviewer.model import HEADING, LIST_ITEM, TABLE, Block, Document

SECTION = "section"
TABLE_ROW = "table_row"


@dataclass
class Sentence:
    text: str
    start: int
    end: int
    page: Optional[int]


@dataclass
class Label:
    category: str
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass
class Clause:
    id: str
    number: Optional[str]
    heading: Optional[str]  # the heading the clause stands under, or its own run-in heading
    headings: list[str]  # the whole heading trail, outermost first
    kind: str
    text: str
    start: int
    end: int
    page: Optional[int]
    context: str = ""  # text that explains the clause but is not part of it: a table's header row
    lead: str = ""  # the sentence a list item completes ("The Customer may terminate if:" above "(a) ...")
    cells: list[str] = field(default_factory=list)  # table rows: the row's cells
    header: list[str] = field(default_factory=list)  # table rows: the table's header cells
    table_text: str = ""  # table rows: the whole table, for checks that need more than one row
    sentences: list[Sentence] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)  # every category's score, labelled or not

    @property
    def label_names(self) -> list[str]:
        return [label.category for label in self.labels]

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "number": self.number,
            "heading": self.heading,
            "kind": self.kind,
            "page": self.page,
            "start": self.start,
            "end": self.end,
            "labels": self.label_names,
            "scores": {label.category: round(label.score, 3) for label in self.labels},
            "reasons": {label.category: label.reasons for label in self.labels},
            "text": self.text,
        }


_RUN_IN_HEADING = re.compile(r"^(?P<h>(?:[A-Z][\w’'\-/&]*)(?:\s+(?:[A-Z][\w’'\-/&]*|of|and|for|to|the|a|an|in|on|or|by|with)){0,6})[.:]\s+(?=\S)")
_TOC_LINE = re.compile(r"(?:\.{4,}|…{2,}|\s{2,})\s*\d{1,3}\s*$")


def run_in_heading(text: str) -> Optional[str]:
    """'Service Credits. If the Supplier ...' opens with its own heading."""
    m = _RUN_IN_HEADING.match(text)
    if not m:
        return None
    heading = m.group("h")
    if len(heading.split()) == 1 and heading.lower() in {"the", "if", "in", "each", "any", "all", "no", "where", "when", "a", "an", "this", "for", "we", "you"}:
        return None
    return heading


def segment(doc: Document) -> list[Clause]:
    from reviewer.segment.sentences import split_sentences

    clauses: list[Clause] = []
    trail: list[tuple[int, str, Optional[str]]] = []  # (level, heading text, number)
    seen_ids: dict[str, int] = {}
    paragraph_counter = 0
    table_counter = 0
    blocks = doc.blocks

    def unique(cid: str) -> str:
        if cid in seen_ids:
            seen_ids[cid] += 1
            return f"{cid}#{seen_ids[cid]}"
        seen_ids[cid] = 1
        return cid

    chapeau: Optional[tuple[str, int]] = None  # (text, depth) of a clause that ends by introducing a list
    parent_number: Optional[str] = None  # the last dotted clause number, so "(a)" under 2.1 reads "2.1(a)"

    for index, block in enumerate(blocks):
        if _is_table_of_contents(block):
            continue
        if block.kind == HEADING or _acts_as_heading(block, blocks[index + 1] if index + 1 < len(blocks) else None):
            chapeau = None
            level = block.level if block.kind == HEADING and block.level else _depth(block.number) or 1
            while trail and trail[-1][0] >= level:
                trail.pop()
            trail.append((level, _heading_text(block), block.number))
            parent_number = block.number if block.number and block.number[0].isdigit() else None
            continue
        headings = [h for _, h, _ in trail]
        heading = headings[-1] if headings else None
        if block.kind == TABLE:
            table_counter += 1
            clauses.extend(_table_clauses(block, table_counter, heading, headings, trail, unique))
            continue
        paragraph_counter += 1
        lead = ""
        if chapeau and _continues_list(block, chapeau[1]):
            lead = chapeau[0]
        else:
            chapeau = None
        if _introduces_list(block.text):
            chapeau = (block.text, _depth(block.number) if block.number and block.number[0].isdigit() else 0)
        own_heading = run_in_heading(block.text[len(block.number or ""):].lstrip(".) "))
        if block.number and block.number[0].isdigit():
            parent_number = block.number
        elif block.kind == HEADING or (trail and trail[-1][2] and not parent_number):
            parent_number = trail[-1][2] if trail else None
        if block.number and not block.number[0].isdigit() and parent_number and lead:
            cid = f"{parent_number}{block.number if block.number.startswith('(') else '(' + block.number + ')'}"
        elif block.number and not block.number[0].isdigit() and not block.number[0] == "(" and trail and trail[-1][2]:
            cid = f"{trail[-1][2]} {block.number}"  # "Schedule 2 A" rather than a bare "A"
        else:
            cid = block.number or (f"{trail[-1][2]}¶{paragraph_counter}" if trail and trail[-1][2] else f"¶{paragraph_counter}")
        clauses.append(Clause(
            id=unique(cid), number=block.number, heading=own_heading or heading,
            headings=headings + ([own_heading] if own_heading else []), kind=SECTION, text=block.text,
            start=block.start, end=block.end, page=block.page, lead=lead,
        ))
    for clause in clauses:
        clause.sentences = [
            Sentence(clause.text[s:e], clause.start + s, clause.start + e, clause.page)
            for s, e in split_sentences(clause.text)
        ]
    return clauses


_INTRO_END = re.compile(r"(?::|—|–|\b(?:if|where|when|unless|following|includ(?:e|es|ing)|that|to))\s*$", re.I)


def _introduces_list(text: str) -> bool:
    return bool(_INTRO_END.search(text.rstrip()))


def _continues_list(block: Block, depth: int) -> bool:
    """A list item under a chapeau: lettered/roman items, bullets, or numbers deeper than the chapeau's."""
    number = block.number
    if number is None:
        return block.kind == LIST_ITEM
    if number.startswith("(") or not number[0].isdigit():
        return True
    return _depth(number) > depth > 0


def _heading_text(block: Block) -> str:
    text = block.text
    if block.number and text.startswith(block.number):
        text = text[len(block.number):].lstrip(".): -–—\t")
    return text or block.text


def _depth(number: Optional[str]) -> int:
    if not number:
        return 0
    if number[0].isdigit():
        return number.count(".") + 1
    return 1


def _acts_as_heading(block: Block, following: Optional[Block]) -> bool:
    """A short numbered item with no sentence of its own that deeper items follow ("1. Uptime",
    "2.1 Core System Service Level." above "A. ...")."""
    if block.kind == TABLE or not block.number or following is None or not following.number:
        return False
    body = block.text[len(block.number):].strip(" .)")
    if not body or len(body) > 80 or body.endswith((";", ":", ",")):
        return False
    if "." in body and not _is_title(body):
        return False
    if following.number.startswith(block.number) and _depth(following.number) > _depth(block.number):
        return True
    lettered = not following.number[0].isdigit()
    return lettered and block.number[0].isdigit() and _is_title(body)


_SMALL_WORDS = {"and", "of", "the", "for", "to", "in", "a", "an", "on", "or", "by", "with", "&", "-", "–"}


def _is_title(text: str) -> bool:
    words = text.rstrip(".").split()
    return 0 < len(words) <= 8 and all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _SMALL_WORDS for w in words)


def _is_table_of_contents(block: Block) -> bool:
    if block.kind == TABLE:
        return False
    text = block.text
    if len(text) >= 2000 or ("...." not in text and "…" not in text):  # no dot leaders: not a contents page
        return False
    lines = [ln for ln in text.split("\n") if ln.strip()]
    return bool(lines) and sum(bool(_TOC_LINE.search(ln)) for ln in lines) >= max(1, len(lines) * 0.8)


def _table_clauses(block: Block, table_no: int, heading, headings, trail, unique) -> list[Clause]:
    rows = block.rows or []
    if not rows:
        return []
    header = rows[0] if len(rows) > 1 and _is_header_row([c.text for c in rows[0]]) else None
    body = rows[1:] if header else rows
    context = " | ".join(c.text for c in header) if header else ""
    header_cells = [c.text for c in header] if header else []
    prefix = f"{trail[-1][2]}.T{table_no}" if trail and trail[-1][2] else f"T{table_no}"
    out = []
    for r, row in enumerate(body, start=2 if header else 1):
        cells = [c for c in row if c.text]
        if not cells:
            continue
        start, end = cells[0].start, cells[-1].end
        text = block_text_slice(block, start, end)
        out.append(Clause(
            id=unique(f"{prefix}.r{r}"), number=None, heading=heading, headings=headings, kind=TABLE_ROW,
            text=text, start=start, end=end, page=block.page, context=context,
            cells=[c.text for c in row], header=header_cells, table_text=block.text,
        ))
    return out


def block_text_slice(block: Block, start: int, end: int) -> str:
    return block.text[start - block.start:end - block.start]


def _is_header_row(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    if not filled:
        return False
    return all(len(c) <= 60 and not re.search(r"\d", c) for c in filled)
