"""pdfplumber's ruled-table finder ("lines" strategy, default settings) on plain tuples.

``find_grid_tables(edges)`` returns what ``pdfplumber.table.TableFinder(page).tables``
returns for a page whose edges are ``edges``: for each table its bbox and its rows of
cell boxes (None where a row has no cell at a column's x). Every step repeats
pdfplumber's arithmetic in the same order (snap to the running average, join, filter,
intersections, smallest cells, contiguous groups), so the floats and the tables are
identical; what it drops is the per-edge dict copies and the per-comparison sets that
make pdfplumber's version slow. ``tests/test_extract_grid.py`` compares the two.
"""
from __future__ import annotations

from bisect import bisect_left
from itertools import groupby, islice
from operator import itemgetter

SNAP = 3
JOIN = 3
MIN_LENGTH = 3
MIN_LENGTH_PREFILTER = 1
INTERSECT = 3

# an edge is a list [x0, top, x1, bottom, width, height]
_X0, _TOP, _X1, _BOTTOM, _W, _H = range(6)


def find_grid_tables(edges) -> list[tuple[tuple, list[list]]]:
    """[(bbox, rows)] for edges given as ("h"|"v", x0, top, x1, bottom) in display space."""
    vs, hs = [], []
    for o, x0, top, x1, bottom in edges:
        e = [x0, top, x1, bottom, x1 - x0, bottom - top]
        if o == "v":
            if e[_H] >= MIN_LENGTH_PREFILTER:
                vs.append(e)
        elif e[_W] >= MIN_LENGTH_PREFILTER:
            hs.append(e)
    vs = _snap(vs, _X0, _X1)
    hs = _snap(hs, _TOP, _BOTTOM)
    hs = [e for e in _join(hs, _TOP, _X0, _X1, _W) if e[_W] >= MIN_LENGTH]
    vs = [e for e in _join(vs, _X0, _TOP, _BOTTOM, _H) if e[_H] >= MIN_LENGTH]
    cells = _cells(_intersections(vs, hs))
    return [(_bbox(t), _rows(t)) for t in _tables(cells)]


def _snap(edges: list, attr: int, other: int) -> list:
    """Edges within SNAP of one another (chained) moved to their cluster's average."""
    if not edges:
        return edges
    values = sorted({e[attr] for e in edges})
    index = {}
    k = 0
    last = values[0]
    for v in values:
        if v > last + SNAP:
            k += 1
        index[v] = k
        last = v
    clusters: list[list] = [[] for _ in range(k + 1)]
    for e in edges:
        clusters[index[e[attr]]].append(e)
    out = []
    for cluster in clusters:
        avg = sum(e[attr] for e in cluster) / len(cluster)
        for e in cluster:
            shift = avg - e[attr]
            moved = e[:]
            moved[attr] = e[attr] + shift
            moved[other] = e[other] + shift
            out.append(moved)
    return out


def _join(edges: list, pos: int, lo: int, hi: int, length: int) -> list:
    """Edges on one line (same ``pos``) that overlap or nearly touch merged into one."""
    out = []
    edges = sorted(edges, key=itemgetter(pos))
    for _, group in groupby(edges, key=itemgetter(pos)):
        group = sorted(group, key=itemgetter(lo))
        joined = [group[0]]
        for e in group[1:]:
            last = joined[-1]
            if e[lo] <= last[hi] + JOIN:
                if e[hi] > last[hi]:
                    grown = last[:]
                    grown[hi] = e[hi]
                    if lo == _X0:
                        grown[length] = e[hi] - last[_X0]
                    else:
                        grown[length] = last[length] + (e[hi] - last[hi])
                    joined[-1] = grown
            else:
                joined.append(e)
        out.extend(joined)
    return out


def _intersections(vs: list, hs: list) -> dict:
    """{(x, top): (ids of vertical edges, ids of horizontal edges)} where they cross."""
    ids: dict[tuple, int] = {}  # an edge is known by its box, as pdfplumber compares them
    points: dict[tuple, tuple[set, set]] = {}
    vs = sorted(vs, key=itemgetter(_X0, _TOP))
    # each h edge with its reach, computed as pdfplumber does (same float rounding)
    hs = [(h[_TOP], h[_TOP] + INTERSECT, h[_TOP] - INTERSECT, h[_X0] - INTERSECT,
           h[_X1] + INTERSECT, ids.setdefault(tuple(h[:4]), len(ids)))
          for h in sorted(hs, key=itemgetter(_TOP, _X0))]
    belows = [h[1] for h in hs]  # sorted, as the tops are; so are the aboves
    for v in vs:
        vid = ids.setdefault(tuple(v[:4]), len(ids))
        vx, vtop, vbottom = v[_X0], v[_TOP], v[_BOTTOM]
        # only the h edges whose reach overlaps the v edge's rows: the first with below >= vtop
        # up to the last with above <= vbottom (a page of hatching stays far from every pair)
        for htop, below, above, hx0, hx1, hid in islice(hs, bisect_left(belows, vtop), None):
            if above > vbottom:
                break
            if vx >= hx0 and vx <= hx1:
                pv, ph = points.setdefault((vx, htop), (set(), set()))
                pv.add(vid)
                ph.add(hid)
    return points


def _cells(points: dict) -> list[tuple]:
    """For each crossing (sorted), the smallest box it spans with edges on all four sides."""
    order = sorted(points)
    below_of: dict = {}
    right_of: dict = {}
    for p in order:  # sorted by x then y: each list ends up in increasing order
        below_of.setdefault(p[0], []).append(p)
        right_of.setdefault(p[1], []).append(p)
    cells = []
    for pt in order:
        vset, hset = points[pt]
        col = below_of[pt[0]]
        below = [b for b in col[col.index(pt) + 1:] if not vset.isdisjoint(points[b][0])]
        if not below:
            continue
        row = right_of[pt[1]]
        right = [r for r in row[row.index(pt) + 1:] if not hset.isdisjoint(points[r][1])]
        cell = _smallest(points, pt, below, right)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest(points, pt, below, right):
    """The first (below, right) pair, in pdfplumber's order, whose far corner closes the box;
    ``below``/``right`` hold only the crossings joined to ``pt`` by a rule."""
    for b in below:
        for r in right:
            corner = (r[0], b[1])
            c = points.get(corner)
            if c is not None and not c[0].isdisjoint(points[r][0]) \
                    and not c[1].isdisjoint(points[b][1]):
                return (pt[0], pt[1], corner[0], corner[1])
    return None


def _tables(cells: list[tuple]) -> list[list[tuple]]:
    """Cells grouped into tables of cells touching at a corner (pdfplumber's greedy order:
    passes over the remaining cells, in order, until a pass adds none)."""
    remaining = [(cell, ((cell[0], cell[1]), (cell[0], cell[3]), (cell[2], cell[1]), (cell[2], cell[3])))
                 for cell in cells]
    corners: set = set()
    current: list = []
    tables = []
    while remaining:
        before = len(current)
        left = []
        for item in remaining:
            cell, cc = item
            if not current or not corners.isdisjoint(cc):
                corners.update(cc)
                current.append(cell)
            else:
                left.append(item)
        remaining = left
        if len(current) == before:
            tables.append(list(current))
            corners.clear()
            current.clear()
    if current:
        tables.append(list(current))
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def _bbox(cells: list[tuple]) -> tuple:
    return (min(c[0] for c in cells), min(c[1] for c in cells),
            max(c[2] for c in cells), max(c[3] for c in cells))


def _rows(cells: list[tuple]) -> list[list]:
    """Rows by top, each a cell (or None) per distinct left edge x of the table."""
    xs = sorted({c[0] for c in cells})
    rows = []
    for _, row_cells in groupby(sorted(cells, key=itemgetter(1, 0)), key=itemgetter(1)):
        by_x = {c[0]: c for c in row_cells}
        rows.append([by_x.get(x) for x in xs])
    return rows
