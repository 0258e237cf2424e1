"""Fast PDFium text path: text segments with geometry, and a cheap look at page graphics.

A page's text comes from one ``get_text_range`` call. PDFium already breaks it into
lines (CRLF it generates itself); for each line a handful of calls give its geometry
(``FPDFText_CountRects``/``GetRect``), its vertical band (loose box of the first
character) and its font (size, weight, name). Only lines that PDFium built out of
pieces far apart (table cells, two columns on one baseline) or out of two visual lines
(its own hyphen joining) are re-read character by character and split into segments.

Coordinates are returned top-down like pdfplumber's: ``x`` from the left edge and
``top``/``bottom`` from the top edge of the displayed (rotated) page.
"""
from __future__ import annotations

import ctypes
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pypdfium2.raw as R

from reviewer.extract.pdf_tables import in_tables

# Generated line break in PDFium's text output.
_CRLF = "\r\n"
# a clause label at the start of a line: "3.1.2", "1.", "(a)", "iv)", "A."
_LABEL = re.compile(r"(?:\d{1,3}(?:\.\d{1,3})+\.?|\d{1,3}[.)]|\([a-zA-Z0-9]{1,5}\)|[a-zA-Z]{1,4}[.)])\s")
_BOLD_WORDS = ("bold", "black", "heavy", "semibold", "demibold", "demi")
_FORCE_BOLD = 1 << 18


@dataclass(slots=True)
class Seg:
    """A run of text on one visual line, with no wide gap inside it."""

    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    size: float = 0.0  # PDFium's font size of the first character (relative use only)
    bold: bool = False

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def mid_x(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(slots=True)
class Graphics:
    """What the non-text page objects suggest, and the ruling edges they draw."""

    h_rules: int = 0  # distinct y of horizontal rules / box edges
    v_rules: int = 0  # distinct x of vertical rules / box edges
    images: int = 0
    paths: int = 0
    nested: bool = False  # paths inside form XObjects (edges not collected)
    # straight axis-aligned edges in display space: ("h"|"v", x0, top, x1, bottom)
    edges: list = field(default_factory=list)

    @property
    def ruled(self) -> bool:
        """Enough horizontal and vertical rules for a ruled table to be possible."""
        return self.v_rules >= 3 and self.h_rules >= 2

    @property
    def complete(self) -> bool:
        """Are ``edges`` all the page's rules (no nested or skipped paths)?"""
        return not self.nested and self.h_rules != 99


class _Transform:
    """PDF user space -> top-down display space (same convention as pdfminer/pdfplumber)."""

    def __init__(self, page):
        x0, y0, x1, y1 = page.get_mediabox()
        self.rot = page.get_rotation() % 360
        self.x0, self.y0, self.x1, self.y1 = x0, y0, x1, y1
        if self.rot in (90, 270):
            self.width, self.height = y1 - y0, x1 - x0
        else:
            self.width, self.height = x1 - x0, y1 - y0
        if self.rot == 0:
            self.box = self._upright_box()

    def _upright_box(self):
        """``box`` for an unrotated page (nearly all): the same arithmetic, inlined."""
        x0, y0, height = self.x0, self.y0, self.height

        def box(left: float, bottom: float, right: float, top: float):
            ax, bx = left - x0, right - x0
            ay, by = height - (bottom - y0), height - (top - y0)
            return (bx if bx < ax else ax, by if by < ay else ay,
                    bx if bx > ax else ax, by if by > ay else ay)
        return box

    def point(self, x: float, y: float) -> tuple[float, float]:
        r = self.rot
        if r == 0:
            dx, dy = x - self.x0, y - self.y0
        elif r == 90:
            dx, dy = y - self.y0, self.x1 - x
        elif r == 180:
            dx, dy = self.x1 - x, self.y1 - y
        else:
            dx, dy = self.y1 - y, x - self.x0
        return dx, self.height - dy

    def to_pdf(self, x: float, top: float) -> tuple[float, float]:
        """Inverse of ``point``: top-down display -> PDF user space."""
        r = self.rot
        dx, dy = x, self.height - top
        if r == 0:
            return dx + self.x0, dy + self.y0
        if r == 90:
            return self.x1 - dy, dx + self.y0
        if r == 180:
            return self.x1 - dx, self.y1 - dy
        return self.x0 + dy, self.y1 - dx

    def pdf_box(self, x0: float, top: float, x1: float, bottom: float):
        """Display box -> PDF (left, bottom, right, top)."""
        ax, ay = self.to_pdf(x0, top)
        bx, by = self.to_pdf(x1, bottom)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)

    def box(self, left: float, bottom: float, right: float, top: float):
        """PDF box -> (x0, top, x1, bottom) top-down."""
        ax, ay = self.point(left, bottom)
        bx, by = self.point(right, top)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _bind(fn, restype, *argtypes):
    """A PDFium function taking handles and out-pointers as plain addresses.

    pypdfium2's bindings convert typed pointers on every call; over the thousands of
    calls a page needs, plain ``c_void_p`` arguments halve the cost. The function is the
    same C entry point, read from pypdfium2's own binding.
    """
    cdecl = fn._flags_ & ctypes._FUNCFLAG_CDECL or not hasattr(ctypes, "WINFUNCTYPE")
    factory = ctypes.CFUNCTYPE if cdecl else ctypes.WINFUNCTYPE  # same convention as the binding
    return factory(restype, *argtypes)(ctypes.cast(fn, ctypes.c_void_p).value)


_V, _I = ctypes.c_void_p, ctypes.c_int
_COUNT_RECTS = _bind(R.FPDFText_CountRects, _I, _V, _I, _I)
_GET_RECT = _bind(R.FPDFText_GetRect, _I, _V, _I, _V, _V, _V, _V)
_LOOSE_BOX = _bind(R.FPDFText_GetLooseCharBox, _I, _V, _I, _V)
_FONT_SIZE = _bind(R.FPDFText_GetFontSize, ctypes.c_double, _V, _I)
_FONT_INFO = _bind(R.FPDFText_GetFontInfo, ctypes.c_ulong, _V, _I, _V, ctypes.c_ulong, _V)
_FONT_WEIGHT = _bind(R.FPDFText_GetFontWeight, _I, _V, _I)
_CHAR_INDEX = _bind(R.FPDFText_GetCharIndexFromTextIndex, _I, _V, _I)
_TEXT_INDEX = _bind(R.FPDFText_GetTextIndexFromCharIndex, _I, _V, _I)
_TEXT_OBJECT = _bind(R.FPDFText_GetTextObject, _V, _V, _I)
_OBJECT_FONT = _bind(R.FPDFTextObj_GetFont, _V, _V)
_PAGE_COUNT = _bind(R.FPDFPage_CountObjects, _I, _V)
_PAGE_OBJECT = _bind(R.FPDFPage_GetObject, _V, _V, _I)
_FORM_COUNT = _bind(R.FPDFFormObj_CountObjects, _I, _V)
_FORM_OBJECT = _bind(R.FPDFFormObj_GetObject, _V, _V, ctypes.c_ulong)
_OBJECT_TYPE = _bind(R.FPDFPageObj_GetType, _I, _V)
_OBJECT_BOUNDS = _bind(R.FPDFPageObj_GetBounds, _I, _V, _V, _V, _V, _V)
_PATH_SEGMENTS = _bind(R.FPDFPath_CountSegments, _I, _V)


class _TextReader:
    """Per-textpage helpers holding the ctypes buffers so each call allocates nothing."""

    def __init__(self, textpage, tf: _Transform, text_len: int, tables: Sequence = ()):
        self.tp = ctypes.cast(textpage.raw, ctypes.c_void_p).value
        self.tf = tf
        self._d = (ctypes.c_double * 4)()
        self._d_at = [ctypes.addressof(self._d) + 8 * k for k in range(4)]
        self._rect = (ctypes.c_float * 4)()  # an FS_RECTF: left, top, right, bottom
        self._rect_at = ctypes.addressof(self._rect)
        self._font = ctypes.create_string_buffer(128)
        self._flags = ctypes.c_int()
        self._font_at, self._flags_at = ctypes.addressof(self._font), ctypes.addressof(self._flags)
        self._bold_cache: dict[tuple[bytes, int, int], bool] = {}
        self._font_bold: dict[int, bool] = {}  # font handle -> bold
        self.tables = tables  # segments inside these are dropped, not read
        self.dropped = False  # was any?
        # text index == char index on pages where PDFium skipped no character (the usual
        # case): the mapping is monotone, so equal ends mean equal everywhere between
        self.same_index = text_len > 0 and _CHAR_INDEX(self.tp, 0) == 0 \
            and _CHAR_INDEX(self.tp, text_len - 1) == text_len - 1

    def char_index(self, t: int) -> int:
        return t if self.same_index else _CHAR_INDEX(self.tp, t)

    def text_index(self, c: int) -> int:
        return c if self.same_index else _TEXT_INDEX(self.tp, c)

    # -- per character -------------------------------------------------------------
    def loose_box(self, i: int):
        if not _LOOSE_BOX(self.tp, i, self._rect_at):
            return None
        left, top, right, bottom = self._rect
        return self.tf.box(left, bottom, right, top)

    def style(self, i: int) -> tuple[float, bool]:
        return _FONT_SIZE(self.tp, i), self.bold(i)

    def bold(self, i: int) -> bool:
        """Boldness is a property of the char's font: cached per font (handles live as
        long as the page)."""
        obj = _TEXT_OBJECT(self.tp, i)
        font = _OBJECT_FONT(obj) if obj is not None else None
        if font is None:
            return self._bold(i)
        bold = self._font_bold.get(font)
        if bold is None:
            bold = self._font_bold[font] = self._bold(i)
        return bold

    def _bold(self, i: int) -> bool:
        n = _FONT_INFO(self.tp, i, self._font_at, 128, self._flags_at)
        weight = _FONT_WEIGHT(self.tp, i)
        key = (self._font.value if n else b"", self._flags.value, weight)
        hit = self._bold_cache.get(key)
        if hit is None:
            name = key[0].decode("latin-1").lower()
            hit = weight >= 600 or bool(key[1] & _FORCE_BOLD) or any(w in name for w in _BOLD_WORDS)
            self._bold_cache[key] = hit
        return hit

    def rects(self, start: int, count: int):
        tp = self.tp
        n = _COUNT_RECTS(tp, start, count)
        out = []
        if n <= 0:
            return out
        d = self._d
        l_at, t_at, r_at, b_at = self._d_at
        box = self.tf.box
        for k in range(n):
            if _GET_RECT(tp, k, l_at, t_at, r_at, b_at):
                left, top, right, bottom = d
                out.append(box(left, bottom, right, top))
        return out


def read_segments(textpage, tf: _Transform, tables: Sequence = ()) -> tuple[list[Seg], int, bool]:
    """A page's text segments (unordered), its character count, and whether any segment
    fell inside ``tables`` (boxes with ``contains(x, y)``) and was left out.

    A segment in a table is dropped as soon as its box is known, before its font and
    text are read: the table's cells carry that text.
    """
    n_chars = textpage.count_chars()
    if n_chars <= 0:
        return [], 0, False
    text = textpage.get_text_range()
    if not text.strip():
        return [], n_chars, False
    rd = _TextReader(textpage, tf, len(text), tables)
    segs: list[Seg] = []
    pos = 0
    end = len(text)
    while pos < end:
        nl = text.find(_CRLF, pos)
        if nl < 0:
            nl = end
        line = text[pos:nl]
        if line.strip():
            _read_line(rd, text, pos, nl, segs)
        pos = nl + 2
    return segs, n_chars, rd.dropped


def _in_table(rd: _TextReader, x0: float, x1: float, band) -> bool:
    """Would a segment with this box be removed as table text? (noted if so)"""
    if in_tables(rd.tables, (x0 + x1) / 2, (band[1] + band[3]) / 2):
        rd.dropped = True
        return True
    return False


def _read_line(rd: _TextReader, text: str, t_a: int, t_b: int, out: list[Seg]) -> None:
    # skip leading/trailing blanks in text space, then map to char indices
    line = text[t_a:t_b]
    lstripped = line.lstrip()
    body = lstripped.rstrip()
    ta = t_a + len(line) - len(lstripped)
    tb = ta + len(body) - 1
    if rd.same_index:
        c_a, c_b = ta, tb
    else:
        c_a, c_b = rd.char_index(ta), rd.char_index(tb)
        if c_a < 0 or c_b < c_a:
            return
    rects = rd.rects(c_a, c_b - c_a + 1)
    if not rects:
        return
    band = rd.loose_box(c_a) or rects[0]
    if len(rects) == 1:
        x0, x1 = rects[0][0], rects[0][2]
    else:
        h = max(band[3] - band[1], 1.0)
        # "3.1.2<tab>The Supplier...": a clause label and its text stay one segment
        # (cheaper, and nothing downstream wants them apart)
        label = rects[0][2] - rects[0][0] <= 4 * h and bool(_LABEL.match(lstripped))
        if not _one_piece(rects, band, h, label):
            _split_line(rd, text, c_a, c_b, tb + 1, out)
            return
        x0, x1 = min(r[0] for r in rects), max(r[2] for r in rects)
    if rd.tables and _in_table(rd, x0, x1, band):
        return
    size, bold = rd.style(c_a)
    out.append(Seg(x0, x1, band[1], band[3], body, size, bold and rd.bold(c_b)))


def _one_piece(rects, band, h: float, label: bool = False) -> bool:
    """Do these rectangles sit on one visual line with no wide gap between them?

    With ``label`` the gap after the first rectangle (a clause number's tab) is allowed.
    """
    gap_limit = max(1.1 * h, 6.0)
    prev = rects[0]
    for k, r in enumerate(rects[1:]):
        rmid = (r[1] + r[3]) / 2
        if not (band[1] - 0.2 * h <= rmid <= band[3] + 0.2 * h):
            return False  # a second visual line (PDFium joined a hyphenated break)
        if r[0] < prev[0] - 1.0:
            return False  # going backwards
        if r[0] - prev[2] > gap_limit and not (label and k == 0 and r[0] - prev[2] < 8 * h):
            return False  # wide gap (cells, columns, a tab)
        prev = r
    return True


def _split_line(rd: _TextReader, text: str, c_a: int, c_b: int, t_end: int,
                out: list[Seg]) -> None:
    """Split one PDFium line into visual segments along its text objects.

    PDFium keeps each text object's characters together and draws one rectangle per
    object, so the line is cut into object runs (binary search on
    ``FPDFText_GetTextObject``: a few calls per run, not per character) and runs are
    grouped into segments wherever a run starts a new visual line or a wide gap.
    """
    pieces = []  # (char start, char end, box) per object run
    a = c_a
    while a <= c_b:
        j = _run_end(rd.tp, a, c_b)
        rs = rd.rects(a, j - a)
        if len(rs) == 1:
            pieces.append((a, j - 1, rs[0]))
        elif rs:
            pieces.append((a, j - 1, (min(r[0] for r in rs), min(r[1] for r in rs),
                                      max(r[2] for r in rs), max(r[3] for r in rs))))
        a = j
    if not pieces:
        return
    group: list = []
    band = None
    h = 1.0

    def flush():
        if not group:
            return
        a = group[0][0]
        b = group[-1][1]
        ta = rd.text_index(a)
        nxt = rd.text_index(b + 1) if b < c_b else t_end
        if nxt < 0:
            nxt = t_end
        chunk = text[ta:nxt].strip() if ta >= 0 else ""
        if chunk:
            x0, x1 = min(p[2][0] for p in group), max(p[2][2] for p in group)
            if rd.tables and _in_table(rd, x0, x1, band):
                return
            size, bold = rd.style(a)
            out.append(Seg(x0, x1, band[1], band[3], chunk, size, bold and rd.bold(b)))

    for a, b, box in pieces:
        if group:
            mid = (box[1] + box[3]) / 2
            last = group[-1][2]
            gap_limit = max(1.1 * h, 6.0)
            same = band[1] - 0.2 * h <= mid <= band[3] + 0.2 * h
            if same and box[0] - last[2] <= gap_limit and box[0] >= last[0] - 1.0:
                group.append((a, b, box))
                continue
            flush()
        group = [(a, b, box)]
        band = rd.loose_box(a) or box
        h = max(band[3] - band[1], 1.0)
    flush()


def _run_end(tp: int, start: int, end: int) -> int:
    """First char index after ``start`` that belongs to another text object (or end + 1)."""
    obj = _TEXT_OBJECT(tp, start)
    if obj is None:
        return start + 1
    lo, hi = start + 1, end + 1
    while lo < hi:
        mid = (lo + hi) // 2
        k = mid
        o = _TEXT_OBJECT(tp, k)
        while o is None and k < end:  # generated spaces belong to no object
            k += 1
            o = _TEXT_OBJECT(tp, k)
        if o == obj:
            lo = k + 1
        else:
            hi = mid
    return lo


# -- graphics ---------------------------------------------------------------------------

def read_graphics(page, tf: "_Transform", *, limit: int = 4000) -> Graphics:
    """Rules, boxes and images with raw PDFium calls (no Python object per page object).

    Straight axis-aligned edges (thin lines, rectangle sides, straight pieces of complex
    paths) are collected in display space for the table finder.
    """
    g = Graphics()
    raw = ctypes.cast(page.raw, ctypes.c_void_p).value
    hs: set[int] = set()
    vs: set[int] = set()
    lbrt = (ctypes.c_float * 4)()
    pl, pb, pr, pt = (ctypes.addressof(lbrt) + 4 * k for k in range(4))
    image, form, path = R.FPDF_PAGEOBJ_IMAGE, R.FPDF_PAGEOBJ_FORM, R.FPDF_PAGEOBJ_PATH
    page_w = page_h = max(tf.width, tf.height)
    page_area = tf.width * tf.height
    edges = g.edges

    def add(x0, y0, x1, y1):
        """An edge between two PDF points, if it is (nearly) horizontal or vertical."""
        ax, at = tf.point(x0, y0)
        bx, bt = tf.point(x1, y1)
        if abs(at - bt) <= 0.5 and abs(ax - bx) >= 1:
            edges.append(("h", min(ax, bx), (at + bt) / 2, max(ax, bx), (at + bt) / 2))
        elif abs(ax - bx) <= 0.5 and abs(at - bt) >= 1:
            edges.append(("v", (ax + bx) / 2, min(at, bt), (ax + bx) / 2, max(at, bt)))

    def walk(count_fn, get_fn, parent, depth):
        n = count_fn(parent)
        for k in range(n):
            if g.paths > limit:
                return
            obj = get_fn(parent, k)
            kind = _OBJECT_TYPE(obj)
            if kind == image:
                g.images += 1
            elif kind == form and depth < 4:
                walk(_FORM_COUNT, _FORM_OBJECT, obj, depth + 1)
            elif kind == path:
                g.paths += 1
                if depth:
                    g.nested = True
                if not _OBJECT_BOUNDS(obj, pl, pb, pr, pt):
                    continue
                x0, y0, x1, y1 = lbrt
                w, hh = x1 - x0, y1 - y0
                if w > 1.5 * page_w or hh > 1.5 * page_h:
                    continue  # runaway boxes (HTML converters)
                if hh <= 2.5 and w <= 2.5:
                    if not depth:  # a corner piece of a border: bridges the rules' gaps
                        add(x0, y0, x1, y0)
                        add(x0, y1, x1, y1)
                        add(x0, y0, x0, y1)
                        add(x1, y0, x1, y1)
                elif hh <= 2.5 and w >= 3:
                    if w >= 8:
                        hs.add(round(y0 / 2))
                    if not depth:
                        add(x0, (y0 + y1) / 2, x1, (y0 + y1) / 2)
                elif w <= 2.5 and hh >= 3:
                    if hh >= 8:
                        vs.add(round(x0 / 2))
                    if not depth:
                        add((x0 + x1) / 2, y0, (x0 + x1) / 2, y1)
                elif w > 2.5 and hh > 2.5 and w * hh < 0.6 * page_area:
                    nseg = _PATH_SEGMENTS(obj)
                    if nseg <= 6:  # a rectangle: its sides
                        hs.add(round(y0 / 2))
                        hs.add(round(y1 / 2))
                        if hh >= 8:
                            vs.add(round(x0 / 2))
                            vs.add(round(x1 / 2))
                        if not depth:
                            add(x0, y0, x1, y0)
                            add(x0, y1, x1, y1)
                            add(x0, y0, x0, y1)
                            add(x1, y0, x1, y1)
                    elif nseg <= 2000:
                        _path_edges(ctypes.cast(obj, R.FPDF_PAGEOBJECT), nseg, hs, vs,
                                    add if not depth else None)

    walk(_PAGE_COUNT, _PAGE_OBJECT, raw, 0)
    if g.paths > limit:
        g.h_rules = g.v_rules = 99  # too many to look at: let pdfplumber decide
    else:
        g.h_rules, g.v_rules = len(hs), len(vs)
    return g


def _path_edges(obj, nseg: int, hs: set[int], vs: set[int], add) -> None:
    """Axis-aligned straight pieces of one complex path (a grid drawn as one object)."""
    m = R.FS_MATRIX()
    if not R.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        m.a, m.b, m.c, m.d, m.e, m.f = 1, 0, 0, 1, 0, 0
    x, y = ctypes.c_float(), ctypes.c_float()
    px, py = ctypes.byref(x), ctypes.byref(y)
    prev = start = None
    for k in range(nseg):
        seg = R.FPDFPath_GetPathSegment(obj, k)
        if not R.FPDFPathSegment_GetPoint(seg, px, py):
            continue
        kind = R.FPDFPathSegment_GetType(seg)
        cur = (m.a * x.value + m.c * y.value + m.e, m.b * x.value + m.d * y.value + m.f)
        if kind == R.FPDF_SEGMENT_MOVETO:
            start = cur
        elif kind == R.FPDF_SEGMENT_LINETO and prev is not None:
            _piece(prev, cur, hs, vs, add)
        if R.FPDFPathSegment_GetClose(seg) and start is not None:
            _piece(cur, start, hs, vs, add)
        prev = cur


def _piece(a, b, hs, vs, add) -> None:
    dx, dy = abs(a[0] - b[0]), abs(a[1] - b[1])
    if dy <= 0.5 and dx >= 1:
        if dx >= 8:
            hs.add(round(a[1] / 2))
    elif dx <= 0.5 and dy >= 1:
        if dy >= 8:
            vs.add(round(a[0] / 2))
    else:
        return
    if add is not None:
        add(a[0], a[1], b[0], b[1])
