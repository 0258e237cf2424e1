"""Page layout from text segments: running headers/footers, columns, visual lines."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import median
from typing import Optional, Union

from reviewer.extract.pdf_pdfium import Seg
from reviewer.extract.pdf_tables import Table

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
        tops = sorted({round(s.top) for s in p.segs})
        first2 = tops[min(1, len(tops) - 1)]
        first3 = tops[min(2, len(tops) - 1)]
        first4 = tops[min(3, len(tops) - 1)]
        last2 = tops[max(-2, -len(tops))]
        last3 = tops[max(-3, -len(tops))]
        last4 = tops[max(-4, -len(tops))]
        for s in p.segs:
            t = round(s.top)
            in_band = (s.bottom <= HEADER_BAND * p.height and t <= first4) or \
                (s.top >= FOOTER_BAND * p.height and t >= last4)
            if not in_band and first3 < t < last3:
                continue
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
            hits = len({pi for pi, *_ in same})
            if hits >= 2 and (few or (hits >= 3 and (len(text) <= 80 or hits >= 0.3 * n_pages))):
                doomed.update(id(s) for _, s, _, _ in same)
        # text varying only in digits (page numbers, dates): same height, in the band
        banded = [it for it in items if it[3]]
        if len(banded) < 2:
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


# -- columns and lines ----------------------------------------------------------------------

def find_gutter(segs: list[Seg]) -> Optional[float]:
    """x of a column gutter: a vertical band no body text crosses, between two text columns."""
    if len(segs) < 8:
        return None
    left_edge = min(s.x0 for s in segs)
    right_edge = max(s.x1 for s in segs)
    span = right_edge - left_edge
    if span < 150:
        return None
    narrow = [s for s in segs if s.x1 - s.x0 < 0.55 * span]
    if len(narrow) < 6:
        return None
    lo = int(left_edge + 0.35 * span)
    hi = int(left_edge + 0.65 * span)
    diff = [0] * (hi - lo + 2)
    for s in narrow:
        a, b = int(s.x0) - lo, int(s.x1) - lo + 1
        if b <= 0 or a > hi - lo:
            continue
        diff[max(a, 0)] += 1
        diff[min(b, hi - lo + 1)] -= 1
    cover, run = [], 0
    for d in diff[:-1]:
        run += d
        cover.append(run)
    best = min(cover)
    if best > 0.1 * len(narrow):
        return None
    # widest run of x at the minimum coverage
    best_run, best_at, cur, start = 0, None, 0, 0
    for i, c in enumerate(cover + [best + 1]):
        if c == best:
            if cur == 0:
                start = i
            cur += 1
        else:
            if cur > best_run:
                best_run, best_at = cur, lo + start + cur / 2
            cur = 0
    if best_at is None or best_run < 4:
        return None
    gx = best_at
    left = [s for s in narrow if s.x1 <= gx]
    right = [s for s in narrow if s.x0 >= gx]
    if len(left) < 3 or len(right) < 3:
        return None
    if min(len(left), len(right)) < 0.2 * (len(left) + len(right)):
        return None
    # both sides must look like text columns, not labels and values
    if median(s.x1 - s.x0 for s in left) < 0.55 * (gx - left_edge):
        return None
    if median(s.x1 - s.x0 for s in right) < 0.55 * (right_edge - gx):
        return None
    # and stand side by side
    lt, lb = min(s.top for s in left), max(s.bottom for s in left)
    rt, rb = min(s.top for s in right), max(s.bottom for s in right)
    overlap = min(lb, rb) - max(lt, rt)
    if overlap < 0.5 * min(lb - lt, rb - rt):
        return None
    return gx


def order_page(page: PageData, region_base: int) -> tuple[list[Item], int]:
    """The page's lines and tables in reading order. Returns items and next region number."""
    segs = page.segs
    tables = page.tables
    gx = find_gutter(segs)
    if gx is None:
        items = _lines(segs, page.number, region_base, None)
        items += [TableItem(t, page.number) for t in tables]
        _set_edges([it for it in items if isinstance(it, Line)], page.width)
        items.sort(key=lambda it: it.table.top if isinstance(it, TableItem) else it.top)
        return items, region_base + 1
    # walk top-down; anything crossing the gutter closes the current two-column run
    elems: list[tuple[float, int, object]] = [(s.top, 0, s) for s in segs]
    elems += [(t.top, 1, t) for t in tables]
    elems.sort(key=lambda e: e[0])
    out: list[Item] = []
    region = region_base
    left: list[Seg] = []
    right: list[Seg] = []
    full: list[Seg] = []

    sides: dict[str, list[Line]] = {"L": [], "R": [], "F": []}

    def emit(group, side):
        nonlocal region
        lines = _lines(group, page.number, region, side)
        sides[side].extend(lines)
        out.extend(lines)
        region += 1

    def flush_cols():
        nonlocal left, right
        if left:
            emit(left, "L")
        if right:
            emit(right, "R")
        left, right = [], []

    def flush_full():
        nonlocal full
        if full:
            emit(full, "F")
        full = []

    for _, kind, e in elems:
        x0 = e.x0
        x1 = e.x1
        crosses = x0 < gx - 2 and x1 > gx + 2
        if kind == 1:
            flush_full() if not (left or right) else flush_cols()
            flush_full()
            out.append(TableItem(e, page.number))
            continue
        if crosses:
            flush_cols()
            full.append(e)
        else:
            flush_full()
            (left if (x0 + x1) / 2 < gx else right).append(e)
    flush_cols()
    flush_full()
    for side, lines in sides.items():
        _set_edges(lines, page.width if side == "F" else None)
    return out, region + 1


def _set_edges(lines: list[Line], page_width: Optional[float]) -> None:
    """Left/right edge of the text column these lines share (robust to stray lines)."""
    if not lines:
        return
    xs0 = sorted(l.x0 for l in lines)
    xs1 = sorted(l.x1 for l in lines)
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
    return sum(len(s.text) for s in g if s.bold) >= 0.7 * total if total else False


def _lines(segs: list[Seg], page: int, region: int, side: Optional[str]) -> list[Line]:
    """Group segments into visual lines (top-down, left-to-right inside a line)."""
    if not segs:
        return []
    segs = sorted(segs, key=lambda s: (s.top, s.x0))
    groups: list[list[Seg]] = []
    for s in segs:
        g = groups[-1] if groups else None
        if g is not None:
            gt = min(x.top for x in g)
            gb = max(x.bottom for x in g)
            ov = min(gb, s.bottom) - max(gt, s.top)
            if ov >= 0.5 * min(gb - gt, s.bottom - s.top):
                g.append(s)
                continue
        groups.append([s])
    lines = []
    for g in groups:
        g.sort(key=lambda s: s.x0)
        text = g[0].text
        for a, b in zip(g, g[1:]):
            sep = " " if b.x0 - a.x1 > 0.15 * max(a.height, 1.0) else ""
            text = text + sep + b.text
        lines.append(Line(
            x0=g[0].x0, x1=max(s.x1 for s in g), top=min(s.top for s in g),
            bottom=max(s.bottom for s in g), text=text, size=g[0].size,
            bold=_mostly_bold(g), page=page, region=region))
    return lines
