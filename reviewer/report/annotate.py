"""An annotated copy of a DOCX contract: a Word comment on each finding, placed where it applies.

A review's offsets point into the *extracted* text (``Document.text``), not into the file. To get
back to the file, the DOCX body is walked again with the extractor's own walk
(``reviewer.extract.docx.walk_blocks``), which hands back each block with the ``w:p`` or ``w:tbl``
it was read from. Inside a block, every paragraph's text is mapped character by character:

* a paragraph block reads ``<numbering label> <text>``; the label (Word draws it, it is not in the
  file) is the part of the block text before the paragraph's own text, so offsets in it have no
  place in the file and a range starting there starts at the paragraph's first character;
* a table block reads rows joined by newlines and cells by `` | ``; a cell's text is its
  non-empty paragraphs joined by one space; the model's ``Cell`` offsets give each cell's start;
* a paragraph's text is its ``w:t``/``w:tab``/``w:br`` pieces (tracked changes accepted) with every
  run of whitespace collapsed to one space, so each extracted character is either one character
  of one piece or a collapsed space (which is never an end of a comment range).

A range's first and last mapped characters decide the runs: a run is split at most where a
comment starts and where it ends (both halves keep the run's properties, ``w:rPr`` copied), and
python-docx's ``Document.add_comment`` puts ``w:commentRangeStart``/``w:commentRangeEnd`` and the
reference mark around the runs. No text is added, removed or moved between paragraphs: the copy's
text is the original's, which is checked before the file is written.
"""
from __future__ import annotations

import copy
import hashlib
import io
import os
import tempfile
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
DEFAULT_AUTHOR = "Contract Reviewer"
DEFAULT_INITIALS = "CR"
_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
_FORMAT_NAMES = {"pdf": "a PDF", "text": "plain text or Markdown", "ole": "a legacy .doc file",
                 "html": "an HTML page", "binary": "not a Word document"}


class AnnotateError(Exception):
    """The annotated copy cannot be written; the message names the file and the cause."""


@dataclass
class AnnotateStats:
    comments: int = 0  # comments written, the summary comment at the top included
    anchored: int = 0  # findings with a comment on their own words
    unplaced: list[str] = field(default_factory=list)  # rule IDs listed at the top because no place was found


# ------------------------------------------------------------------------------------------ public API

def not_annotatable(path: Path) -> Optional[str]:
    """Why ``path`` cannot get an annotated copy (it is not a DOCX), or None when it may be one."""
    from reviewer.extract import sniff
    try:
        with open(path, "rb") as fh:
            head = fh.read(8192)
    except OSError as exc:
        return f"{path}: cannot be read ({exc.strerror})"
    kind = sniff(head)
    if kind == "zip":
        return None
    what = _FORMAT_NAMES.get(kind, "not a Word document")
    return (f"{path}: --annotate needs a DOCX (Word) file, and this is {what}; comments can only be added "
            f"to a Word document. For a report that quotes each finding in context use "
            f"--format html --out report.html")


def annotate_docx(source: Path | str, result: dict, out: Path | str, *, author: str = DEFAULT_AUTHOR,
                  initials: str = DEFAULT_INITIALS, display_name: Optional[str] = None) -> AnnotateStats:
    """Write a copy of the DOCX ``source`` to ``out`` with a comment on each finding of ``result``.

    ``result`` is the review of this very file (``Reviewer.review_file``). The source is only read.
    Errors name the file as ``display_name`` (a scan: its path in the scanned folder).
    """
    source, out = Path(source), Path(out)
    name = display_name or str(source)
    if result.get("status") != "ok":
        raise AnnotateError(f"{name}: there is no review to annotate ({result.get('error')})")
    if result.get("format") != "docx":
        raise AnnotateError(not_annotatable(source) or f"{name}: --annotate needs a DOCX file")
    if out.resolve() == source.resolve():
        raise AnnotateError(f"{out}: the annotated copy must not overwrite the contract itself")
    if out.is_dir():
        raise AnnotateError(f"{out}: is a folder; give a file name for the annotated copy")
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise AnnotateError(f"{name}: cannot be read ({exc.strerror})") from None
    if result.get("sha256") and hashlib.sha256(raw).hexdigest() != result["sha256"]:
        raise AnnotateError(f"{name}: the file changed after it was reviewed; review it again")

    import docx  # heavy: imported only when annotating
    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:
        raise AnnotateError(f"{name}: not a valid Word document ({type(exc).__name__})") from None
    before = _all_paragraph_texts(document)
    stats = _annotate(document, result, name, author=author, initials=initials)
    if _all_paragraph_texts(document) != before:  # never expected: splitting runs keeps every character
        raise AnnotateError(f"{name}: internal error: annotating would change the text; nothing written")
    _save(document, out)
    return stats


# ------------------------------------------------------------------------------------------ text index

class _Segment:
    """One paragraph's text as it stands in the extracted text, mapped back to its pieces."""

    __slots__ = ("p", "start", "text", "where")

    def __init__(self, p, start: int = 0):
        self.p = p
        self.start = start
        self.text, self.where = "", []
        self.remap()

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def remap(self) -> None:
        """Normalised text (whitespace collapsed, as extraction does) and, per character, its
        (piece element, offset), or None for a collapsed space or text of a nested paragraph."""
        from reviewer.extract.docx import paragraph_pieces
        text: list[str] = []
        where: list[Optional[tuple[object, int, int]]] = []
        gap = False
        for node, piece in paragraph_pieces(self.p):
            own = _paragraph_of(node) is self.p
            for k, ch in enumerate(piece):
                if ch.isspace():
                    gap = bool(text)
                    continue
                if gap:
                    text.append(" ")
                    where.append(None)
                    gap = False
                text.append(ch)
                where.append((node, k, len(piece)) if own else None)
        self.text, self.where = "".join(text), where


class _TextIndex:
    """Extracted-text offsets -> paragraphs and characters of the python-docx document."""

    def __init__(self, document):
        from reviewer.extract.docx import table_grid, walk_blocks
        from reviewer.model import DocumentBuilder
        builder = DocumentBuilder("", "docx")
        segments: list[_Segment] = []
        for block, element in walk_blocks(document, builder):
            if element.tag == W + "p":
                seg = _Segment(element)
                if seg.text and block.text.endswith(seg.text):  # what precedes is the numbering label
                    seg.start = block.end - len(seg.text)
                    segments.append(seg)
                continue
            grid = [row for row in table_grid(element) if any(text for text, _ in row)]
            for grid_row, cells in zip(grid, block.rows or []):
                for (text, tc), cell in zip(grid_row, cells):
                    if tc is None or not text:
                        continue
                    pos = cell.start
                    for p in tc.iter(W + "p"):
                        seg = _Segment(p, pos)
                        if seg.text:
                            segments.append(seg)
                            pos += len(seg.text) + 1
        self.text = builder.build().text
        # defensive: a segment that does not read the same as the extracted text is never anchored to
        self.segments = [s for s in segments if self.text[s.start:s.end] == s.text]
        self._starts = [s.start for s in self.segments]

    def locate(self, start: int, end: int) -> Optional[tuple[tuple[_Segment, int], tuple[_Segment, int]]]:
        """The first and last characters of [start, end) that exist in the file, as (segment, index)."""
        if start is None or end is None or end <= start:
            return None
        first = last = None
        i = max(0, bisect_right(self._starts, start) - 1)
        while i < len(self.segments) and self.segments[i].start < end:
            seg = self.segments[i]
            lo, hi = max(start, seg.start) - seg.start, min(end, seg.end) - seg.start
            for idx in range(lo, hi):
                if seg.where[idx] is not None:
                    if first is None:
                        first = (seg, idx)
                    last = (seg, idx)
            i += 1
        return (first, last) if first is not None else None


def _paragraph_of(node):
    parent = node.getparent()
    while parent is not None and parent.tag != W + "p":
        parent = parent.getparent()
    return parent


# ------------------------------------------------------------------------------------------ run splitting

def _cut(node, k: int) -> None:
    """Make a run boundary before character ``k`` of ``node`` (k == its length: after the node)."""
    length = len(node.text or "") if node.tag == W + "t" else 1
    if node.tag == W + "t" and 0 < k < length:
        from docx.oxml.parser import OxmlElement
        text = node.text or ""
        tail = OxmlElement("w:t")
        tail.text = text[k:]
        node.text = text[:k]
        for t in (node, tail):
            t.set(XML_SPACE, "preserve")
        node.addnext(tail)
        _split_run_before(tail)
    elif k <= 0:
        _split_run_before(node)
    else:
        following = node.getnext()
        if following is not None:
            _split_run_before(following)


def _split_run_before(child) -> None:
    """Move ``child`` and what follows it in its run into a new run right after, same properties."""
    from docx.oxml.parser import OxmlElement
    run = child.getparent()
    if run is None or run.tag != W + "r":
        return
    position = run.index(child)
    if not any(c.tag != W + "rPr" for c in run[:position]):
        return  # already the run's first content: the boundary exists
    new_run = OxmlElement("w:r")
    for name, value in run.attrib.items():  # w:rsidR and friends
        new_run.set(name, value)
    rpr = run.find(W + "rPr")
    if rpr is not None:
        new_run.append(copy.deepcopy(rpr))
    for moved in list(run)[position:]:
        new_run.append(moved)
    run.addnext(new_run)


# ------------------------------------------------------------------------------------------ annotating

@dataclass
class _Note:
    first: tuple[_Segment, int]
    last: tuple[_Segment, int]
    text: str


def _annotate(document, result: dict, name: str, *, author: str, initials: str) -> AnnotateStats:
    index = _TextIndex(document)
    if not index.segments:
        raise AnnotateError(f"{name}: no paragraph with text to attach comments to")
    clauses = {c.get("id"): c for c in result.get("clauses") or []}
    notes: list[_Note] = []
    stats = AnnotateStats()
    missing, unplaced = [], []
    for finding in result.get("findings") or []:
        if finding.get("kind") == "checklist_missing":
            missing.append(finding)
            continue
        span = _finding_span(index, finding, clauses)
        found = index.locate(*span) if span else None
        if found is None:
            unplaced.append(finding)
            continue
        notes.append(_Note(found[0], found[1], finding_comment(finding)))
    first_seg = index.segments[0]
    mapped = [i for i, w in enumerate(first_seg.where) if w is not None]
    top = _Note((first_seg, mapped[0]), (first_seg, mapped[-1]), summary_comment(result, missing, unplaced))

    everything = [top] + notes
    cuts: dict[int, tuple[_Segment, set[tuple[int, int]]]] = {}
    for note in everything:  # first pass: where runs must break
        for (seg, idx), after in ((note.first, 0), (note.last, 1)):
            node, k, _ = seg.where[idx]
            position = (idx, k + after)
            cuts.setdefault(id(seg), (seg, set()))[1].add(position)
    for seg, positions in cuts.values():
        # from the end of the paragraph backwards, so an earlier position's node and offset stay valid
        for idx, k in sorted(positions, reverse=True):
            _cut(seg.where[idx][0], k)
        seg.remap()

    from docx.text.paragraph import Paragraph
    from docx.text.run import Run
    for note in everything:  # second pass: the runs now start and end exactly at the anchors
        (seg_a, ia), (seg_b, ib) = note.first, note.last
        run_a, run_b = seg_a.where[ia][0].getparent(), seg_b.where[ib][0].getparent()
        if run_a.tag != W + "r" or run_b.tag != W + "r":
            continue
        runs = [Run(run_a, Paragraph(seg_a.p, document._body)), Run(run_b, Paragraph(seg_b.p, document._body))]
        comment = document.add_comment(runs, text=note.text, author=author, initials=initials or None)
        _place_reference(run_b, comment.comment_id)
        stats.comments += 1
    stats.anchored = stats.comments - 1
    stats.unplaced = [f["rule"] for f in unplaced]
    _ensure_comment_styles(document)
    return stats


_REVISIONS = (W + "ins", W + "del", W + "moveTo", W + "moveFrom")


def _place_reference(last_run, comment_id: int) -> None:
    """add_comment puts the reference mark right after the range end, which is where Word puts it.
    A few places are moved; the range itself never moves:

    * inside a tracked insertion the mark would itself be a tracked insertion (rejecting the
      change would drop the comment): it goes just after the revision, in the same paragraph;
    * inside a field's result (w:fldSimple, or between a complex field's separate and end) Word
      would lose the mark when the field updates, and LibreOffice shows the comment's words as
      field text: it goes just after the field;
    * inside a paragraph of a block-level content control (w:sdt around whole paragraphs),
      LibreOffice (7.4) drops the paragraph's text before a comment mark and the comment's text:
      the mark goes to the start of the next paragraph outside any control (else the end of the
      previous one).
    """
    end = last_run.getnext()
    if end is None or end.tag != W + "commentRangeEnd" or end.get(W + "id") != str(comment_id):
        return
    reference = end.getnext()
    if reference is None or reference.find(W + "commentReference") is None:
        return
    container, outer, paragraph = end.getparent(), None, None
    while container is not None:
        if container.tag == W + "p":
            paragraph = container
            break
        if container.tag in _REVISIONS or container.tag == W + "fldSimple":
            outer = container
        container = container.getparent()
    if outer is not None:
        outer.addnext(reference)
    if paragraph is None:
        return
    field_end = _end_of_enclosing_field(paragraph, reference)
    if field_end is not None:
        field_end.addnext(reference)
    if _content_control_of(paragraph) is None:
        return
    body = paragraph.getparent()
    while body is not None and body.tag != W + "body":
        body = body.getparent()
    if body is None:
        return
    paragraphs = list(body.iter(W + "p"))
    here = paragraphs.index(paragraph)
    after = (p for p in paragraphs[here + 1:] if _content_control_of(p) is None)
    before = (p for p in reversed(paragraphs[:here]) if _content_control_of(p) is None)
    target = next(after, None)
    if target is not None:
        ppr = target.find(W + "pPr")
        if ppr is not None:
            ppr.addnext(reference)
        else:
            target.insert(0, reference)
        return
    target = next(before, None)
    if target is not None:
        target.append(reference)


def _end_of_enclosing_field(paragraph, reference):
    """The run holding the w:fldChar 'end' of a complex field whose result holds ``reference``, or None."""
    depth, inside = 0, False
    for node in paragraph.iter(W + "fldChar", W + "commentReference"):
        if node.tag == W + "commentReference":
            if node.getparent() is reference:
                if depth <= 0:
                    return None
                inside = True
            continue
        kind = node.get(W + "fldCharType")
        if kind == "begin":
            depth += 1
        elif kind == "end":
            depth -= 1
            if inside and depth <= 0:
                return node.getparent()
    return None


def _content_control_of(paragraph):
    """The block-level content control (w:sdt) holding a paragraph, or None."""
    node = paragraph.getparent()
    while node is not None and node.tag != W + "body":
        if node.tag == W + "sdt":
            return node
        node = node.getparent()
    return None


def _finding_span(index: _TextIndex, finding: dict, clauses: dict) -> Optional[tuple[int, int]]:
    """Where a finding belongs in the extracted text: its own offsets when they read as its text;
    else its words inside its clause (playbook findings carry a clause, not offsets); else the clause."""
    start, end, text = finding.get("start"), finding.get("end"), finding.get("text") or ""
    if start is not None and end is not None and (not text or index.text[start:end] == text):
        return start, end
    clause = clauses.get(finding.get("clause"))
    lo = clause.get("start") if clause else None
    hi = clause.get("end") if clause else None
    if start is not None and text:  # offsets that drifted: the words nearest to where they should be
        at = index.text.find(text, max(0, start - 500), start + len(text) + 500)
        if at >= 0:
            return at, at + len(text)
    if lo is None or hi is None:
        return None
    if text:
        at = index.text.find(text, lo, hi)
        if at >= 0:
            return at, at + len(text)
    return lo, hi


# ------------------------------------------------------------------------------------------ comment text

def finding_comment(finding: dict) -> str:
    severity = (finding.get("severity") or "").upper()
    kind = finding.get("kind")
    if kind == "vague_term":
        head = f"Vague term [{severity}]: {finding.get('message', '')}"
    elif kind == "checklist_vague":
        head = f"Checklist [{severity}]: {finding.get('message', '')}"
    elif kind == "playbook":
        head = f"Playbook [{severity}]: {finding.get('message', '')}"
    else:
        head = f"[{severity}] {finding.get('message', '')}"
    lines = [head]
    if finding.get("why"):
        lines.append(f"Why: {finding['why']}")
    if finding.get("suggest"):
        lines.append(f"Suggested wording: {finding['suggest']}")
    lines.append(f"({finding.get('rule')})")
    return "\n".join(lines)


def summary_comment(result: dict, missing: list[dict], unplaced: list[dict]) -> str:
    s = result.get("summary") or {}
    counts = s.get("checklist") or {}
    lines = [f"Contract Reviewer: score {s.get('score')}/100; checklist {counts.get('met', 0)} met, "
             f"{counts.get('vague', 0)} vague, {counts.get('missing', 0)} missing; "
             f"{s.get('vague_terms', 0)} vague terms (each has a comment where it stands)."]
    key = lambda f: (_SEVERITY_ORDER.get(f.get("severity"), 3), f.get("rule", ""))  # noqa: E731
    if missing:
        lines.append(f"Missing from the contract ({len(missing)}):")
        for f in sorted(missing, key=key):
            lines.append(f"• [{(f.get('severity') or '').upper()}] {f.get('message', '')} ({f.get('rule')})")
            if f.get("suggest"):
                lines.append(f"   Suggested wording: {f['suggest']}")
    else:
        lines.append("No checklist item is missing.")
    if unplaced:
        lines.append(f"Not placed in the text ({len(unplaced)}):")
        for f in sorted(unplaced, key=key):
            where = f" (clause {f['clause']})" if f.get("clause") else ""
            lines.append(f"• [{(f.get('severity') or '').upper()}] {f.get('message', '')}{where} ({f.get('rule')})")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ styles, saving

def _ensure_comment_styles(document) -> None:
    """Word's 'annotation reference' and 'annotation text' styles, which the comments name, if absent."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt
    styles = document.styles
    ids = {s.style_id for s in styles}
    names = {s.name for s in styles}
    for style_id, name, kind, size, base in (
            ("CommentReference", "annotation reference", WD_STYLE_TYPE.CHARACTER, 8, "Default Paragraph Font"),
            ("CommentText", "annotation text", WD_STYLE_TYPE.PARAGRAPH, 10, "Normal")):
        if style_id in ids or name in names:
            continue
        style = styles.add_style(name, kind, builtin=True)
        style.style_id = style_id
        style.font.size = Pt(size)
        style.priority = 99
        style.unhide_when_used = True
        if base in names:
            style.base_style = styles[base]


def _all_paragraph_texts(document) -> list[str]:
    from reviewer.extract.docx import paragraph_text
    return [paragraph_text(p) for p in document.element.body.iter(W + "p")]


def _save(document, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        document.save(tmp)
        os.replace(tmp, out)
    except OSError as exc:
        raise AnnotateError(f"{out}: cannot be written ({exc.strerror})") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# ------------------------------------------------------------------------------------------ folder scans

@dataclass
class ScanAnnotations:
    written: int = 0
    not_docx: list[str] = field(default_factory=list)  # reviewed files that are PDF, text or Markdown
    problems: list[str] = field(default_factory=list)  # one line each: a DOCX that could not be annotated


def annotate_scan(folder: Path | str, out: Path | str, results: list[dict], *, author: str = DEFAULT_AUTHOR,
                  initials: str = DEFAULT_INITIALS, workers: int = 0) -> ScanAnnotations:
    """An annotated copy of each reviewed DOCX in a scan: ``<out>/annotated/<report stem>.docx``.

    Copies are rewritten on every run (about a tenth of a second each), so they always match the
    reviews in ``<out>/reports/``. Files that could not be reviewed get no copy (their error row says why).
    """
    from reviewer.scan import report_stem
    folder, target = Path(folder), Path(out) / "annotated"
    summary = ScanAnnotations()
    jobs = []
    for result in results:
        if result.get("status") != "ok":
            continue
        rel = result["file"]
        if result.get("format") != "docx":
            summary.not_docx.append(rel)
            continue
        jobs.append((str(folder / rel), result, str(target / f"{report_stem(rel)}.docx"), author, initials))
    if not jobs:
        return summary
    workers = workers or os.cpu_count() or 1
    if workers > 1 and len(jobs) > 4:
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            outcomes = list(pool.map(_annotate_job, jobs, chunksize=4))
    else:
        outcomes = [_annotate_job(job) for job in jobs]
    for problem in outcomes:
        if problem:
            summary.problems.append(problem)
        else:
            summary.written += 1
    return summary


def _annotate_job(job) -> Optional[str]:
    source, result, out, author, initials = job
    try:
        annotate_docx(source, result, out, author=author, initials=initials, display_name=result.get("file"))
    except AnnotateError as exc:
        return str(exc)
    except Exception as exc:  # one odd file must not stop the others
        return f"{result.get('file')}: internal error while annotating ({type(exc).__name__}: {exc})"
    return None
