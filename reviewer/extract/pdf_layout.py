"""Page layout from text segments: running headers/footers, columns, visual lines."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from operator import attrgetter
from statistics import median
from typing import Optional, Union

from reviewer.extract.pdf_pdfium import Seg
from reviewer.extract.pdf_tables import Table
from reviewer.extract.pdf_text import leading_number, starts_bullet

_TOP = attrgetter("top")
_TOP_X0 = attrgetter("top", "x0")
HEADER_BAND = 0.20  # running headers live in the top fifth of the page...
FOOTER_BAND = 0.80  # ...and footers in the bottom fifth

_DIGITS = re.compile(r"\d+")
_ROMAN = r"[ivxlcdm]{1,7}"
_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|pg\.?|p\.)\s*)?(?:\d{1,4}|" + _ROMAN + r")(?:\s*(?:of|/|from)\s*\d{1,4})?$"
    r"|^[-\u2013\u2014]\s*(?:\d{1,4}|" + _ROMAN + r")\s*[-\u2013\u2014]$"
    r"|^(?:page|pg\.?)\s*(?:\d{1,4}|" + _ROMAN + r")\s*(?:of|/)\s*\d{1,4}\b.{0,3}$",
    re.I)


@dataclass
class PageData:
    number: int  # 1-based
    width: float
    height: float
    segs: list[Seg]
    tables: list[Table] = field(default_factory=list)
    chars: int = 0
    tables_done: bool = False  # tables already found on PDFium's rules


@dataclass(slots=True)
class Line:
    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    size: float
    bold: bool
    page: int
    region: int  # running number of the column run this line was read in
    col_x0: float = 0.0  # left/right edge of the column the line sits in
    col_x1: float = 0.0
    side: str = "F"  # F: full width, L/R: left/right column of a two-column run
    segs: list = field(default_factory=list)  # the segments, left to right

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(slots=True)
class TableItem:
    table: Table
    page: int


Item = Union[Line, TableItem]


# -- running headers and footers ----------------------------------------------------------

def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


def _norm(text: str) -> str:
    return " ".join(_DIGITS.sub("#", text.lower()).split())


def remove_running(pages: list[PageData]) -> int:
    """Drop running headers/footers and page numbers. Returns how many segments went.

    Candidates are segments in the top/bottom bands of a page and, because HTML-to-PDF
    converters print their "footer" wherever the page's content ends, the first and last
    three visual lines of every page. A candidate goes when its text (digits normalised)
    recurs on other pages: identical text anywhere among the candidates, text differing
    only in its digits at the same height. Page numbers go from a page's first/last lines.
    """
    n_pages = sum(1 for p in pages if p.segs)
    groups: dict[str, list[tuple[int, Seg, float, bool]]] = defaultdict(list)
    doomed: set[int] = set()
    for pi, p in enumerate(pages):
        if not p.segs:
            continue
        rounded = [round(s.top) for s in p.segs]
        tops = sorted(set(rounded))
        first2 = tops[min(1, len(tops) - 1)]
        first3 = tops[min(2, len(tops) - 1)]
        first4 = tops[min(3, len(tops) - 1)]
        last2 = tops[max(-2, -len(tops))]
        last3 = tops[max(-3, -len(tops))]
        last4 = tops[max(-4, -len(tops))]
        header, footer = HEADER_BAND * p.height, FOOTER_BAND * p.height
        for s, t in zip(p.segs, rounded):
            # the cheap comparisons on ``t`` first: most segments are mid-page
            in_band = (t <= first4 and s.bottom <= header) or (t >= last4 and s.top >= footer)
            if not in_band and first3 < t < last3:
                continue  # mid-page and outside the bands
            zone = "top" if s.mid < p.height / 2 else "bottom"
            pos = s.top if zone == "top" else -(p.height - s.bottom)
            if (t <= first2 or t >= last2) and is_page_number(s.text):
                doomed.add(id(s))
                continue
            groups[_norm(s.text)].append((pi, s, pos, in_band))
    few = n_pages <= 4
    for key, items in groups.items():
        if not key or len({pi for pi, *_ in items}) < 2:
            continue
        # identical text recurring at a page edge: wherever it sits
        by_text: dict[str, list] = defaultdict(list)
        for it in items:
            by_text[it[1].text].append(it)
        for text, same in by_text.items():
            if sum(c.isalnum() for c in text) < 3:
                continue  # "A.", "(b)": list labels, not running heads
            if all(band for *_, band in same):
                # in the margins: a running head keeps its height from page to page
                mid = median(pos for _, _, pos, _ in same)
                same = [it for it in same if abs(it[2] - mid) <= 6.0]
            elif len(text) > 60:
                continue  # a long line outside the margins is body text, even if repeated
            hits = len({pi for pi, *_ in same})
            if hits >= 2 and (few or (hits >= 3 and (len(text) <= 80 or hits >= 0.3 * n_pages))):
                doomed.update(id(s) for _, s, _, _ in same)
        # text varying only in digits: same height, in the band, and the digits that vary
        # follow the page number ("Page 3", "ABC-001/3"), so "Schedule 2" atop a page stays
        banded = [it for it in items
                  if it[3] and len(it[1].text) <= 70 and sum(c.isalnum() for c in it[1].text) >= 3]
        if len(banded) < 2 or not _counts_pages(banded, pages):
            continue
        pos_med = median(pos for _, _, pos, _ in banded)
        near = [(pi, s) for pi, s, pos, _ in banded if abs(pos - pos_med) <= 6.0]
        hits = len({pi for pi, _ in near})
        if hits >= 2 and (few or (hits >= 3 and hits >= 0.4 * n_pages)):
            doomed.update(id(s) for _, s in near)
    if doomed:
        for p in pages:
            p.segs = [s for s in p.segs if id(s) not in doomed]
    return len(doomed)


def _counts_pages(items, pages: list[PageData]) -> bool:
    """Some number in the text moves in step with the page number across the group."""
    nums = [[int(d) for d in _DIGITS.findall(s.text)] for _, s, _, _ in items]
    width = min(len(n) for n in nums)
    for k in range(width):
        offsets = {n[k] - pages[pi].number for (pi, *_), n in zip(items, nums)}
        values = {n[k] for n in nums}
        if len(offsets) == 1 and len(values) > 1:
            return True
    return False


# -- columns and lines ----------------------------------------------------------------------

def _rows(segs: list[Seg]) -> list[list[Seg]]:
    """Segments grouped into rows across the whole page width (vertical overlap)."""
    rows: list[list[Seg]] = []
    bottom = -1e9
    for s in sorted(segs, key=_TOP):
        if rows and s.top < bottom - 0.3 * (s.bottom - s.top):
            rows[-1].append(s)
            if s.bottom > bottom:
                bottom = s.bottom
        else:
            rows.append([s])
            bottom = s.bottom
    return rows


def find_columns(segs: list[Seg]) -> Optional[tuple[float, list[tuple[float, float]]]]:
    """A column gutter and the vertical extents of the two-column runs it separates.

    The gutter is the x most rows leave empty between text on its left and on its right
    (a sweep over the gaps inside rows). A two-column run is a stretch of consecutive rows
    none of which crosses the gutter, holding at least three rows with text on both sides,
    where both sides read like text columns rather than labels and values.
    """
    if len(segs) < 6:
        return None
    left_edge = min([s.x0 for s in segs])
    right_edge = max([s.x1 for s in segs])
    span = right_edge - left_edge
    if span < 150:
        return None
    lo, hi = left_edge + 0.3 * span, left_edge + 0.7 * span
    rows = _rows(segs)
    events: list[tuple[float, int]] = []
    for row in rows:
        if len(row) < 2:
            continue
        row = sorted(row, key=lambda s: s.x0)
        reach = row[0].x1
        for s in row[1:]:
            if s.x0 - reach >= 6.0 and reach < hi and s.x0 > lo:
                events.append((max(reach, lo), 1))
                events.append((min(s.x0, hi), -1))
            reach = max(reach, s.x1)
    if len(events) < 6:
        return None
    events.sort(key=lambda e: (e[0], e[1]))
    best = cur = 0
    best_at = None
    for i, (x, d) in enumerate(events):
        cur += d
        if cur > best and i + 1 < len(events):
            best, best_at = cur, (x + events[i + 1][0]) / 2
    if best < 3 or best_at is None:
        return None
    gx = best_at
    regions: list[tuple[float, float]] = []
    run: list[list[Seg]] = []

    def close_run():
        if _two_column_run(run, gx, left_edge, right_edge):
            regions.append((min(s.top for r in run for s in r), max(s.bottom for r in run for s in r)))

    for row in rows:
        if any(s.x0 < gx - 1.0 and s.x1 > gx + 1.0 for s in row):
            close_run()
            run = []
        else:
            run.append(row)
    close_run()
    return (gx, regions) if regions else None


def _two_column_run(run: list[list[Seg]], gx: float, left_edge: float, right_edge: float) -> bool:
    two_sided = 0
    lw: list[float] = []
    rw: list[float] = []
    for row in run:
        left = [s for s in row if s.x1 <= gx]
        right = [s for s in row if s.x0 >= gx]
        if left and right:
            two_sided += 1
        if left:
            lw.append(max(s.x1 for s in left) - min(s.x0 for s in left))
        if right:
            rw.append(max(s.x1 for s in right) - min(s.x0 for s in right))
    if two_sided < 3:
        return False
    if median(lw) < 0.5 * (gx - left_edge) or median(rw) < 0.5 * (right_edge - gx):
        return False
    # text columns carry sentences from line to line; a two-column table's cells do not
    flows = 0
    for side in (0, 1):
        texts = []
        for row in run:
            part = sorted((s for s in row if (s.mid_x < gx) == (side == 0)), key=lambda s: s.x0)
            if part:
                texts.append(part[0].text)
        flows += sum(1 for a, b in zip(texts, texts[1:]) if b[:1].islower() or a[-1:] in ",-")
    return flows >= 2


def order_page(page: PageData, region_base: int) -> tuple[list[Item], int]:
    """The page's lines and tables in reading order. Returns items and next region number.

    Two-column runs are read left column first, then right; everything else top-down.
    """
    segs = page.segs
    tables = page.tables
    cols = find_columns(segs) if len(segs) >= 6 else None
    if cols is None:
        lines = _lines(segs, page.number, region_base, None)
        _set_edges(lines, page.width)
        items: list[Item] = text_tables(lines, page.number)
        items += [TableItem(t, page.number) for t in tables]
        items.sort(key=lambda it: it.table.top if isinstance(it, TableItem) else it.top)
        return items, region_base + 1
    gx, regions = cols

    def region_of(s: Seg) -> int:
        if s.x0 < gx - 1.0 and s.x1 > gx + 1.0:
            return -1
        for k, (top, bottom) in enumerate(regions):
            if top - 0.5 <= s.mid <= bottom + 0.5:
                return k
        return -1

    # chunks in top-down order: runs of full-width text, two-column regions, tables
    chunks: list[tuple[float, str, object]] = []
    full: list[Seg] = []
    in_region: dict[int, list[Seg]] = {}
    for s in segs:
        k = region_of(s)
        if k < 0:
            full.append(s)
        else:
            in_region.setdefault(k, []).append(s)
    for k, rs in in_region.items():
        chunks.append((regions[k][0], "cols", rs))
    for t in tables:
        chunks.append((t.top, "table", t))
    # full-width text is cut into chunks at the regions and tables between its lines
    cuts = sorted(c[0] for c in chunks)
    pieces: dict[int, list[Seg]] = {}
    for s in full:
        idx = sum(1 for c in cuts if c <= s.top)
        pieces.setdefault(idx, []).append(s)
    for idx, ps in pieces.items():
        chunks.append((min(s.top for s in ps), "full", ps))
    chunks.sort(key=lambda c: (c[0], c[1] != "full"))

    out: list[Item] = []
    region = region_base
    sides: dict[str, list[Line]] = {"L": [], "R": [], "F": []}
    for _, kind, obj in chunks:
        if kind == "table":
            out.append(TableItem(obj, page.number))
            continue
        if kind == "full":
            lines = _lines(obj, page.number, region, None)
            sides["F"].extend(lines)
            out.extend(text_tables(lines, page.number))
            region += 1
            continue
        for side, part in (("L", [s for s in obj if s.mid_x < gx]),
                           ("R", [s for s in obj if s.mid_x >= gx])):
            if part:
                lines = _lines(part, page.number, region, side)
                sides[side].extend(lines)
                out.extend(lines)
                region += 1
    for side, lines in sides.items():
        _set_edges(lines, page.width if side == "F" else None)
    return out, region + 1


def _set_edges(lines: list[Line], page_width: Optional[float]) -> None:
    """Left/right edge of the text column these lines share (robust to stray lines)."""
    if not lines:
        return
    xs0 = sorted([l.x0 for l in lines])
    xs1 = sorted([l.x1 for l in lines])
    c0 = xs0[len(xs0) // 10]
    if len(lines) >= 5:
        c1 = xs1[(len(xs1) * 9) // 10]
    elif page_width:
        c1 = max(page_width - c0, xs1[-1])  # few lines: assume symmetric margins
    else:
        c1 = xs1[-1]
    for l in lines:
        l.col_x0, l.col_x1 = c0, max(c1, l.x1)


def _mostly_bold(g: list[Seg]) -> bool:
    total = sum(len(s.text) for s in g)
    return sum(len(s.text) for s in g if s.bold) >= 0.9 * total if total else False


def _lines(segs: list[Seg], page: int, region: int, side: Optional[str]) -> list[Line]:
    """Group segments into visual lines (top-down, left-to-right inside a line)."""
    if not segs:
        return []
    segs = sorted(segs, key=_TOP_X0)
    groups: list[list[Seg]] = []
    gt = gb = 0.0  # the last group's top (its first segment's: sorted) and bottom
    for s in segs:
        if groups:
            top, bottom = s.top, s.bottom
            # overlap with the group >= half the smaller height (min/max written out)
            ov = (bottom if bottom < gb else gb) - (top if top > gt else gt)
            if ov >= 0.5 * (bottom - top if bottom - top < gb - gt else gb - gt):
                groups[-1].append(s)
                if s.bottom > gb:
                    gb = s.bottom
                continue
        groups.append([s])
        gt, gb = s.top, s.bottom
    lines = []
    side = side or "F"
    for g in groups:
        if len(g) == 1:
            s = g[0]
            lines.append(Line(s.x0, s.x1, s.top, s.bottom, s.text, s.size,
                              s.bold and bool(s.text), page, region, segs=g, side=side))
            continue
        g.sort(key=lambda s: s.x0)
        text = g[0].text
        for a, b in zip(g, g[1:]):
            sep = " " if b.x0 - a.x1 > 0.15 * max(a.height, 1.0) else ""
            text = text + sep + b.text
        lines.append(Line(
            x0=g[0].x0, x1=max(s.x1 for s in g), top=min(s.top for s in g),
            bottom=max(s.bottom for s in g), text=text, size=g[0].size,
            bold=_mostly_bold(g), page=page, region=region, side=side, segs=g))
    return lines


# -- tables without rules ---------------------------------------------------------------------

def text_tables(lines: list[Line], page: int) -> list[Item]:
    """Runs of lines laid out in aligned columns (no rules) become tables.

    A run is a stretch of consecutive lines, at least three of them split into two or more
    cells by wide gaps, with vertical white bands (column separators) that none of its lines
    cross. Lines whose first column is empty continue the row above (wrapped cells). Runs
    whose first column is only clause numbers, list letters or bullets are lists, not tables.
    A run that does not qualify is tried shorter; lines just above a table that fit its
    columns (a wrapped header row) join it.
    """
    if len(lines) < 3:
        return list(lines)
    multi = [len(l.segs) > 1 and _multi(l) for l in lines]
    if sum(multi) < 3:
        return list(lines)
    out: list[Item] = []
    i = 0
    n = len(lines)
    while i < n:
        if not multi[i]:
            out.append(lines[i])
            i += 1
            continue
        j = i + 1
        while j < n and j - i < 80 and lines[j].top - lines[j - 1].bottom <= 1.5 * lines[j - 1].height \
                and (multi[j] or (j + 1 < n and multi[j + 1])
                     or lines[j].x0 > lines[i].x0 + 2 * lines[i].height):
            j += 1
        heads = [_cells(l)[0] for l, m in zip(lines[i:j], multi[i:j]) if m]
        labelled = sum(1 for c in heads if _is_label(" ".join(x.text for x in c)))
        if len(heads) < 3 or labelled >= 0.7 * len(heads):
            out.extend(lines[i:j])  # too short, or a list laid out with tabs: "3.1  text"
            i = j
            continue
        found = None
        for k in range(j, max(i + 2, j - 6), -1):  # a few shorter runs, trailing lines off
            found = _as_table(lines[i:k])
            if found is not None:
                break
        if found is None:
            out.append(lines[i])
            i += 1
            continue
        table, bands = found
        # header lines just above that sit in the same columns
        lead: list[Line] = []
        while out and isinstance(out[-1], Line) and len(lead) < 3:
            above = out[-1]
            nxt = lead[0] if lead else lines[i]
            narrowed = _fit(above, bands)
            if nxt.top - above.bottom > 2.5 * above.height or narrowed is None \
                    or not _multi(above, 1.0):
                break
            bands = narrowed
            lead.insert(0, out.pop())
        if lead:
            table = _as_table(lead + lines[i:k], bands)[0]
        out.append(TableItem(table, page))
        i = k
    return out


def _is_label(text: str) -> bool:
    """A clause number, list letter or bullet on its own: "3.1", "(a)", "•"."""
    return bool(leading_number(text + " X") or starts_bullet(text + " X"))


def _fit(line: Line, bands: list[tuple[float, float]]) -> Optional[list[tuple[float, float]]]:
    """The column bands narrowed to this line's own gaps, or None if it crosses one."""
    out = []
    for lo, hi in bands:
        free = [(lo, hi)]
        for s in line.segs:
            free = [piece for a, b in free
                    for piece in ((a, min(b, s.x0)), (max(a, s.x1), b)) if piece[1] - piece[0] >= 3.0]
        if not free:
            return None
        out.append(max(free, key=lambda ab: ab[1] - ab[0]))
    return out


def _cells(line: Line, factor: float = 2.0) -> list[list[Seg]]:
    gap = max(factor * line.height, 12.0)
    cells: list[list[Seg]] = []
    for s in line.segs:
        if cells and s.x0 - max(x.x1 for x in cells[-1]) < gap:
            cells[-1].append(s)
        else:
            cells.append([s])
    return cells


def _multi(line: Line, factor: float = 2.0) -> bool:
    return len(line.segs) > 1 and len(_cells(line, factor)) > 1


def _as_table(run: list[Line], bands: Optional[list[tuple[float, float]]] = None
              ) -> Optional[tuple[Table, list[tuple[float, float]]]]:
    """The run as a table (and its column separator bands), or None if it is not one."""
    forced = bands is not None
    if not forced and sum(1 for l in run if _multi(l)) < 3:
        return None
    if bands is None:
        # column separators: x bands no segment of the run covers
        spans = sorted((s.x0, s.x1) for l in run for s in l.segs)
        bands = []
        reach = spans[0][1]
        for a, b in spans[1:]:
            if a - reach >= 8.0:
                bands.append((reach, a))
            reach = max(reach, b)
        if not bands:
            return None
    seps = [(a + b) / 2 for a, b in bands]
    rows: list[list[str]] = []
    for l in run:
        row = [""] * (len(seps) + 1)
        for s in l.segs:
            k = sum(1 for x in seps if s.mid_x > x)
            row[k] = (row[k] + " " + s.text).strip()
        if rows and not row[0] and any(row):
            rows[-1] = [(a + "\n" + b).strip("\n") if b else a for a, b in zip(rows[-1], row)]
        else:
            rows.append(row)
    table = Table(min(l.x0 for l in run), min(l.top for l in run), max(l.x1 for l in run),
                  max(l.bottom for l in run), rows)
    if forced:
        return table, bands
    if sum(1 for c in rows[0] if c) < 2 or sum(1 for c in rows[-1] if c) < 2:
        return None  # a table starts and ends with full rows; try a shorter run
    full = [r for r in rows if sum(1 for c in r if c) >= 2]
    if len(full) < 3 or len(full) < 0.6 * len(rows):
        return None
    labels = sum(1 for r in rows if r[0] and _is_label(r[0]))
    if labels >= 0.7 * len(rows):
        return None  # "(a)  text", "3.1.2  text": a list laid out with tabs
    return table, bands
