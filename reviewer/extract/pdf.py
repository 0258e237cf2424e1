"""PDF extraction: PDFium reads every page; pdfplumber's table finder runs on ruled pages.

Pipeline:
1. One PDFium pass over the pages (``pdf_pdfium``): first the rules, boxes and images
   drawn by the page objects; on a page with enough rules, pdfplumber's TableFinder
   algorithm (``page.find_tables()``, redone on tuples in ``pdf_grid``) runs on those
   rules and each cell is read from PDFium (``pdf_tables``). Then the text segments with
   geometry and font (a few calls per line, not per character); a segment inside a table
   is dropped as soon as its box is known. Every page is closed before the next opens.
2. pdfplumber opens the file itself only for ruled pages whose rules PDFium could not
   hand over (inside form XObjects, thousands of paths), or everywhere ruled when
   ``TABLE_ENGINE = "pdfplumber"``. Text inside a table's box leaves the running text.
3. Running headers/footers and page numbers are removed across pages, a mis-mapped
   "ti" ligature is repaired, each page is put in reading order (two-column runs, tables
   without rules) and cut into visual lines (``pdf_layout``).
4. Lines become headings, paragraphs and list items (this module), with the rules for
   clause numbers and hyphens in ``pdf_text``.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from reviewer.errors import (CorruptDocument, EmptyDocument, EncryptedDocument, ReviewError,
                             ScannedDocument, TooLarge)
from reviewer.extract.pdf_layout import (Line, PageData, TableItem, order_page,
                                         remove_running)
from reviewer.extract.pdf_pdfium import Graphics, _Transform, read_graphics, read_segments
from reviewer.extract.pdf_tables import cell_text, find_tables, in_tables, tables_from_edges
from reviewer.extract.pdf_text import (LigatureRepair, Numbering, Vocabulary, clean, finish,
                                       join_lines, leading_number, starts_bullet)
from reviewer.model import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Document, DocumentBuilder

__all__ = ["extract_pdf"]

# "pdfium": pdfplumber's TableFinder on rules read by PDFium, cell text from PDFium (fast);
# "pdfplumber": page.find_tables() on pdfplumber's own parse of each ruled page (slow).
TABLE_ENGINE = "pdfium"

_TERMINAL = ".!?:;"
_CLOSERS = "\"')]\u201d\u2019"
_BARE_NUMBER = re.compile(r"^(\d{1,2})\s+(?=[A-Z])")
# a verb that makes a numbered line a clause sentence rather than a title
_SENTENCE = re.compile(r"\b(shall|must|will|may|should|agrees?|is|are|has|have|provides?)\b")
_NON_LETTERS = re.compile(r"[\W\d_]+")
_NON_UPPER = re.compile(r"[^A-Z\u00c0-\u00de]+")
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on",
                "or", "per", "the", "to", "under", "upon", "via", "with", "vs"}
_WORDS = re.compile(r"[^\W\d_][\w'\u2019&-]*")


def _title_case(text: str) -> bool:
    """Every word but the small ones starts with a capital: "Service Level Credits"."""
    words = _WORDS.findall(text)
    big = [w for w in words if w.lower() not in _SMALL_WORDS]
    return bool(big) and all(w[0].isupper() for w in big)


def extract_pdf(path: Path, *, max_pages: int = 2000) -> Document:
    """Read a PDF into a Document of headings, paragraphs, list items and tables."""
    path = Path(path)
    data_hash = _check_file(path)
    notes: list[str] = []
    pages, graphics = _read_pages(path, max_pages, notes)

    total_chars = sum(p.chars for p in pages)
    if total_chars == 0:
        if any(g.images or g.paths for g in graphics):
            raise ScannedDocument(path, f"{len(pages)} page(s), no text characters")
        raise EmptyDocument(path, f"{len(pages)} blank page(s)")
    no_text = [p.number for p, g in zip(pages, graphics) if p.chars == 0 and g.images]
    if no_text:
        notes.append(f"page(s) {_ranges(no_text)} have no text layer (scanned?) and were skipped")

    # tables: found on PDFium's rules while reading; pdfplumber opens only the ruled pages
    # PDFium could not settle (rules inside form XObjects, thousands of paths)
    ruled = [p.number for p, g in zip(pages, graphics) if g.ruled and p.segs and not p.tables_done]
    by_page = find_tables(path, ruled, {p.number: (p.width, p.height) for p in pages}, notes)
    for p in pages:
        if p.number in by_page:
            p.tables = by_page[p.number]
        if p.tables and not p.tables_done:  # PDFium's tables dropped their text already
            p.segs = [s for s in p.segs if not in_tables(p.tables, (s.x0 + s.x1) / 2, s.mid)]

    remove_running(pages)

    repair = LigatureRepair(s.text for p in pages for s in p.segs)
    if repair:
        for p in pages:
            for s in p.segs:
                s.text = repair.apply(s.text)
            for t in p.tables:
                t.rows = [[repair.apply(c) for c in row] for row in t.rows]
        notes.append("repaired a mis-mapped 'ti' ligature ("
                     + ", ".join(repr(c) for c in repair.map) + " read as 'ti')")

    vocab = Vocabulary()
    for p in pages:
        vocab.add("\n".join(s.text for s in p.segs))

    items = []
    region = 0
    for p in pages:
        page_items, region = order_page(p, region)
        items.extend(page_items)

    builder = DocumentBuilder(str(path), "pdf")
    _Assembler(items, vocab).run(builder)
    doc = builder.build()
    doc.pages = len(pages)
    doc.sha256 = data_hash
    doc.notes.extend(notes)
    if not doc.blocks or not doc.text.strip():
        raise EmptyDocument(path, "no text left after removing headers and footers")
    return doc


# -- input checks and the PDFium pass --------------------------------------------------------

def _check_file(path: Path) -> str:
    """Cheap sanity checks (header, end marker) and the file's SHA-256."""
    digest = hashlib.sha256()
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(1024)
            fh.seek(max(0, size - 4096))
            tail = fh.read()
            fh.seek(0)
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except FileNotFoundError:
        raise ReviewError(path, "file not found") from None
    except OSError as exc:
        raise ReviewError(path, exc.strerror or type(exc).__name__) from None
    if not head.strip():
        raise CorruptDocument(path, "the file is empty")
    if b"%PDF-" not in head:
        raise CorruptDocument(path, "no PDF header")
    if b"%%EOF" not in tail:
        raise CorruptDocument(path, "truncated: no end-of-file marker")
    return digest.hexdigest()


def _open(path: Path):
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in (pdfium_raw.FPDF_ERR_PASSWORD, pdfium_raw.FPDF_ERR_SECURITY):
            raise EncryptedDocument(path) from None
        raise CorruptDocument(path, _pdfium_reason(exc)) from None
    except Exception as exc:  # noqa: BLE001 - any loader failure is bad input
        raise CorruptDocument(path, type(exc).__name__) from None


def _pdfium_reason(exc) -> str:
    text = str(exc)
    m = re.search(r"PDFium: ([^)]+)", text)
    return m.group(1).lower() if m else text


def _pdfium_tables(textpage, tf, g: Graphics, notes: list[str], pno: int):
    try:
        return tables_from_edges(textpage, tf, g.edges, tf.width, tf.height)
    except Exception as exc:  # noqa: BLE001 - odd geometry: let pdfplumber have a go
        notes.append(f"page {pno}: table finder failed on PDFium rules ({type(exc).__name__})")
        return None


def _read_pages(path: Path, max_pages: int, notes: list[str]
                ) -> tuple[list[PageData], list[Graphics]]:
    pdf = _open(path)
    pages: list[PageData] = []
    graphics: list[Graphics] = []
    try:
        n = len(pdf)
        if n == 0:
            raise CorruptDocument(path, "no pages")
        if n > max_pages:
            raise TooLarge(path, f"{n} pages; the limit is {max_pages}")
        for i in range(n):
            try:
                page = pdf[i]
            except Exception as exc:  # noqa: BLE001
                raise CorruptDocument(path, f"page {i + 1} cannot be loaded") from exc
            tables = None
            try:
                tf = _Transform(page)
                textpage = page.get_textpage()
                try:
                    g = read_graphics(page, tf)
                    table_notes: list[str] = []
                    if g.ruled and g.complete and TABLE_ENGINE == "pdfium" \
                            and textpage.count_chars() > 0:
                        # tables first, so that text in them is dropped before it is read
                        # (a page without characters keeps no tables: none are looked for)
                        tables = _pdfium_tables(textpage, tf, g, table_notes, i + 1)
                    segs, chars, dropped = read_segments(textpage, tf, tables or ())
                    if segs or dropped:
                        notes.extend(table_notes)
                    else:
                        tables = None  # no text at all: leave the page to the text checks
                finally:
                    textpage.close()
            except ReviewError:
                raise
            except Exception as exc:  # noqa: BLE001
                raise CorruptDocument(path, f"page {i + 1}: {type(exc).__name__}") from exc
            finally:
                page.close()
            for s in segs:
                s.text = clean(s.text)
            segs = [s for s in segs if s.text]
            pdata = PageData(i + 1, tf.width, tf.height, segs, chars=chars)
            if tables is not None:
                pdata.tables = tables
                pdata.tables_done = True
            pages.append(pdata)
            g.edges = []  # not needed any more; keeps memory flat on long files
            graphics.append(g)
    finally:
        pdf.close()
    return pages, graphics


def _ranges(nums: list[int]) -> str:
    out, start, prev = [], None, None
    for n in nums + [None]:
        if start is None:
            start = prev = n
        elif n is not None and n == prev + 1:
            prev = n
        else:
            out.append(str(start) if start == prev else f"{start}-{prev}")
            start = prev = n
    return ", ".join(out)


# -- lines -> blocks ----------------------------------------------------------------------------

@dataclass
class _Pending:
    kind: str
    text: str
    page: int
    first: Optional[Line] = None
    last: Optional[Line] = None
    number: Optional[Numbering] = None
    level: Optional[int] = None
    indent: float = 0.0
    rows: Optional[list[list[str]]] = None
    bullet: bool = False


@dataclass
class _Assembler:
    items: list
    vocab: Vocabulary
    blocks: list[_Pending] = field(default_factory=list)

    def __post_init__(self):
        lines = [it for it in self.items if isinstance(it, Line)]
        sizes: dict[float, int] = {}
        for l in lines:
            size = round(l.size, 1)
            sizes[size] = sizes.get(size, 0) + len(l.text)
        self.body_size = max(sizes, key=sizes.get) if sizes else 0.0
        gaps = []
        for a, b in zip(lines, lines[1:]):
            if a.page == b.page and a.region == b.region:
                g = b.top - a.bottom
                h = a.bottom - a.top
                if -0.5 * h <= g <= 1.2 * h:
                    gaps.append(g)
        # body text's left edge, per page parity (mirrored margins): list indents count from it
        margins: dict[int, Counter] = {0: Counter(), 1: Counter()}
        for l in lines:
            if l.side == "F":
                margins[l.page % 2][round(l.x0)] += 1
        both = margins[0] + margins[1]
        self.margin = {k: (c.most_common(1)[0][0] if c else (both.most_common(1)[0][0] if both else 0))
                       for k, c in margins.items()}
        # the usual white space between lines of one paragraph: a low quantile, because
        # documents of short paragraphs have nearly as many paragraph gaps as line gaps
        gaps.sort()
        self.normal_gap = gaps[len(gaps) // 5] if gaps else 0.0

    # -- line tests
    def _para_gap(self, line: Line) -> float:
        return self.normal_gap + max(0.3 * line.height, 2.0)

    def _short(self, line: Line, frac: float) -> bool:
        width = max(line.col_x1 - line.col_x0, 1.0)
        return line.x1 < line.col_x1 - frac * width

    def _same_flow(self, a: Line, b: Line) -> bool:
        return a.page == b.page and a.region == b.region

    def _style_change(self, a: Line, b: Line) -> bool:
        if a.bold != b.bold:
            return True
        if a.size and b.size and abs(a.size - b.size) > 0.12 * max(a.size, b.size):
            return True
        return False

    def continues(self, prev: Line, line: Line) -> bool:
        """Does ``line`` continue the paragraph whose last line is ``prev``?"""
        text = line.text
        if starts_bullet(text):
            return False
        num = leading_number(text)
        ptext = prev.text.rstrip(_CLOSERS + " ")
        if not ptext:
            return False
        if not self._same_flow(prev, line):
            # next column or next page: only a sentence cut mid-way carries on
            if num or ptext[-1] in _TERMINAL:
                return False
            last_word = ptext.rsplit(None, 1)[-1].lower()
            return text[0].islower() or ptext[-1] in ",-" or last_word in _SMALL_WORDS
        if line.top < prev.top - 0.5 * prev.height:
            return False
        if line.top - prev.bottom > self._para_gap(prev):
            return False
        if self._style_change(prev, line):
            return False
        if num:
            if num.kind == "keyword" and ptext[-1] not in _TERMINAL and not self._short(prev, 0.15):
                return True  # "...as set out in / Schedule 1.": a cross-reference
            if ptext[-1] in _TERMINAL + "," or ptext.endswith((" and", " or")):
                return False
            if self._short(prev, 0.15):
                return False
            rest = text[len(num.number):].lstrip()
            # "...as set out in / Schedule 1." or "...within / 1.5 hours": a reference
            return not rest or rest[0] in ".,;:)" or rest[0].islower() or num.kind == "keyword"
        
        first = text[0]
        if (first.isupper() or first.isdigit()) and ptext[-1] not in ",-" \
                and self._short(prev, 0.4):
            return False  # a short line then a capitalised one: lines of a list or block
        if ptext[-1] in _TERMINAL and (first.isupper() or first.isdigit() or first in "\"'(\u201c\u2018"):
            if self._short(prev, 0.2):
                return False
            if abs(line.x0 - prev.x0) > 0.8 * prev.height and self._short(prev, 0.08):
                return False
        return True

    def heading_number(self, text: str) -> Optional[Numbering]:
        num = leading_number(text)
        if num is None:
            m = _BARE_NUMBER.match(text)
            if m:
                num = Numbering(m.group(1), "simple", 1)
        return num

    def heading(self, line: Line, nxt: Optional[Line],
                prev: Optional[Line]) -> Optional[tuple[Optional[Numbering], int]]:
        """(number, level) if the line is a heading, else None."""
        text = line.text
        words = text.split()
        if len(text) > 120 or len(words) > 14 or starts_bullet(text):
            return None
        if words[-1].lower() in _SMALL_WORDS and len(words) > 1:
            return None  # "... means the": the sentence goes on
        num = self.heading_number(text)
        rest = text[len(num.number):].lstrip(" .:-\u2013\u2014") if num else text
        letters = _NON_LETTERS.sub("", rest)
        caps = len(letters) >= 3 and len(_NON_UPPER.sub("", letters)) >= 0.9 * len(letters)
        big = bool(self.body_size) and line.size >= 1.15 * self.body_size
        end = text.rstrip(_CLOSERS)[-1:] or text[-1]
        if end in ",;" or (end in ".:!?" and not caps and not (num and not rest)):
            return None
        short = self._short(line, 0.12)
        same = nxt is not None and self._same_flow(line, nxt)
        close = same and nxt.top - line.bottom <= self._para_gap(line)
        if close and not self._style_change(line, nxt):
            if nxt.text[:1].islower() or not short:
                return None  # the sentence runs on / a wrapped paragraph
        signal = caps or line.bold or big
        if num is not None:
            titled = bool(rest) and rest[0].isupper() and len(_WORDS.findall(rest)) <= 13
            if num.kind in ("enum", "letter"):
                if not (line.bold or big):
                    return None
            elif num.kind in ("keyword", "dotted"):
                signal = signal or not rest or (titled and not _SENTENCE.search(rest))
            elif num.kind == "simple":
                nn = leading_number(nxt.text) if nxt is not None else None
                sibling = nxt is not None and ((nn and nn.kind == "simple") or starts_bullet(nxt.text))
                signal = signal or (titled and _title_case(rest) and not sibling
                                    and self._short(line, 0.3))
            if not signal:
                return None
            return num, max(1, num.depth) if num.kind != "enum" else 3
        if not letters:
            return None
        if not signal:
            # an unnumbered Title Case line standing alone before body text or a list
            if len(rest.split()) < 2 or ":" in rest or not _title_case(rest) \
                    or not self._short(line, 0.35):
                return None
            if nxt is None or (close and not (starts_bullet(nxt.text) or leading_number(nxt.text))):
                return None
            if self._title_line(nxt) or (prev is not None and self._title_line(prev)):
                return None
            return None, 2
        return None, 1 if (big or caps) else 2

    def _title_line(self, line: Line) -> bool:
        t = line.text
        return (t[-1] not in ".,;:" and _title_case(t) and self._short(line, 0.35))

    # -- assembly
    def run(self, builder: DocumentBuilder) -> None:
        items = self.items
        cur: Optional[_Pending] = None
        for i, it in enumerate(items):
            if isinstance(it, TableItem):
                cur = None
                rows = [[cell_text(c, self.vocab) for c in row] for row in it.table.rows]
                self.blocks.append(_Pending(TABLE, "", it.page, rows=rows))
                continue
            line = it
            if len(line.text) <= 3 and not any(c.isalnum() for c in line.text) \
                    and not starts_bullet(line.text + " x"):
                if cur is not None and cur.kind != HEADING and self._same_flow(cur.last, line) \
                        and line.top - cur.last.bottom <= self._para_gap(cur.last):
                    cur.text += line.text  # a stray "." wrapped onto its own line
                continue
            if cur is not None and cur.kind != HEADING and self.continues(cur.last, line):
                cur.text = join_lines(cur.text, line.text, self.vocab)
                cur.last = line
                continue
            nxt = items[i + 1] if i + 1 < len(items) and isinstance(items[i + 1], Line) else None
            prv = cur.last if cur is not None and cur.kind != HEADING else None
            head = self.heading(line, nxt, prv)
            if head is not None:
                num, level = head
                cur = _Pending(HEADING, line.text, line.page, line, line, num, level)
                self.blocks.append(cur)
                continue
            num = leading_number(line.text)
            bullet = starts_bullet(line.text)
            kind = LIST_ITEM if bullet or (num and num.kind in ("enum", "letter")) else PARAGRAPH
            left = line.col_x0 if line.side != "F" else self.margin[line.page % 2]
            cur = _Pending(kind, line.text, line.page, line, line, num, None,
                           indent=line.x0 - left, bullet=bullet)
            self.blocks.append(cur)
        self._list_levels()
        for b in self.blocks:
            if b.kind == TABLE:
                builder.add(TABLE, "", page=b.page, rows=b.rows)
            else:
                builder.add(b.kind, finish(b.text), page=b.page, level=b.level,
                            number=b.number.number if b.number else None)

    def _list_levels(self) -> None:
        """List depth from indentation, nesting like an outline: deeper indent, deeper level."""
        stack: list[float] = []
        for b in self.blocks:
            if b.kind == HEADING or b.kind == TABLE:
                stack = []
            elif b.kind == PARAGRAPH:
                while stack and stack[-1] > b.indent + 6.0:
                    stack.pop()
            else:
                while stack and b.indent < stack[-1] - 6.0:
                    stack.pop()
                if not stack or b.indent > stack[-1] + 6.0:
                    stack.append(b.indent)
                b.level = len(stack) - 1
