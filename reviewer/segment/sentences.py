"""Sentence splitting for contract text.

``split_sentences(text)`` returns character ``(start, end)`` spans into
``text``: in order, non-overlapping, stripped of surrounding whitespace, and
together covering every non-whitespace character.

The splitter is a blank English spaCy pipeline (tokenizer only) with one
rule-based component, ``contract_sentencizer``, which sets
``Token.is_sent_start``.  No statistical model is involved.  The rules know
about contract drafting:

* abbreviations that never end a sentence ("Sec. 4.2", "e.g.", "i.e.",
  "No. 5", "art.", "para.", "cl.", "Sch.", "approx.", "vs.", "Mr.", "Jan." ...);
* abbreviations that may end one ("etc.", "Inc.", "Ltd.", "Co.", "U.S.",
  "a.m.", "p.m.", "p.a.") - these end a sentence only when the next word looks
  like the start of a new one ("... located in the U.S. The Supplier ...");
* clause numbers and list markers at the start of a sentence
  ("4.2 The Supplier", "3. Fees.", "(a)", "IV.");
* decimals, versions and times ("99.9%", "v2.1", "8:00 a.m.") - a period not
  followed by whitespace is never a boundary (except "word.Word" run-ons
  the tokenizer already splits);
* closing quotes and brackets stay with the sentence they close
  ('... the "Services".', '... (See clause 9.4.)');
* semicolon enumerations on one line stay one sentence
  ("(a) ...; (b) ...; and (c) ...");
* line structure: a blank line is always a boundary; a single newline is a
  PDF line wrap unless the next line starts with a bullet or list marker
  ("•", "-", "(a)", "1.", "1.1"), the previous line is a heading (short,
  title-case or capitals, no final punctuation), the previous line ends a
  sentence or introduces a list (":" / ";"), or either line is a table row
  (" | " or tab separated), which is always a sentence of its own.

Known limitations: a company suffix or "U.S." ending a sentence is only
recognised when the next word is a usual sentence opener ("... Vault Data
Ltd. Vault Data Ltd. is ..." is missed); a long line without final
punctuation followed by a capitalised line is treated as a wrap unless it
looks like a heading or the next line opens with "The"/"This"/"If"...;
unpunctuated sentence ends inside a line are never found.

Texts are processed in chunks cut at blank lines (always boundaries), so very
long documents neither hit spaCy's ``max_length`` nor build one huge Doc.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

import numpy as np
import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["split_sentences", "get_nlp", "sentence_starts"]

# ---------------------------------------------------------------------------
# Lexicons (all lower case)
# ---------------------------------------------------------------------------

# Abbreviations after which a sentence (practically) never ends.
_NEVER_END = frozenset(
    """
    e.g. i.e. viz. cf. n.b. nb. eg. ie. et. al. seq. et seq.
    mr. mrs. ms. messrs. dr. prof. st. sr. jr. rev. hon.
    sec. secs. ss. s. no. nos. art. arts. para. paras. par. cl. cll. cls.
    sch. sched. schs. pt. pts. ch. chap. vol. pp. p. ref. refs. fig. figs.
    approx. appx. vs. v. ex. exc. tel. fax. mob. ext. incl. excl. esp. ca. dept.
    attn. encl. reg. regs. subs. subpara. subcl. ver. rel. min. max. avg.
    jan. feb. mar. apr. jun. jul. aug. sep. sept. oct. nov. dec.
    mon. tue. tues. wed. thu. thur. thurs. fri. sat. sun.
    """.split()
)
# Note: "min." / "max." are here because in contracts they almost always
# precede a quantity ("min. 3 engineers"); at sentence end they would be
# followed by a capital and we accept the rare miss.

# Abbreviations that often end a sentence: company suffixes and places.
# These end a sentence only when followed by a typical sentence opener.
_COMPANY_LIKE = frozenset(
    "inc. ltd. co. corp. llc. plc. l.l.c. llp. l.p. lp. pty. bros. p.l.c. "
    "u.s. u.k. u.s.a. e.u. n.a. s.a. b.v. n.v. a.g. ag. gmbh. s.a.r.l. sarl.".split()
)
# Time/rate abbreviations and "etc.": these end a sentence when followed by a
# capitalised word that is not a weekday, month, time zone or the like.
_TIME_LIKE = frozenset("a.m. p.m. am. pm. p.a. etc. hrs. hr. mins. secs.".split())

_TIME_CONTINUATIONS = frozenset(
    """
    to until till through thru and or on at in each every daily local
    monday tuesday wednesday thursday friday saturday sunday
    mon tue tues wed thu thur thurs fri sat sun weekdays weekends
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    eastern pacific central mountain atlantic western greenwich
    gmt bst utc cet cest est edt cst cdt mst mdt pst pdt ist aest uk us
    time uk-time london
    """.split()
)

# Words that typically open a sentence (used after company-like abbreviations
# and in all-capitals text).
_STARTERS = frozenset(
    """
    the this that these those such each every either neither any all no none
    nothing if in where when whenever while unless until subject notwithstanding
    for except without with it its we our us you your they their there he she
    a an upon following on at during after before both as however furthermore
    further accordingly nevertheless save provided please what how why who is
    are does do can may shall will should must only unless otherwise
    customer supplier provider client contractor vendor licensor licensee
    company party parties purchaser seller buyer processor controller
    """.split()
)

# Capitalised words that, at the start of a line after a lower-case word,
# begin a new sentence even without a full stop before them.
_STRONG_OPENERS = frozenset(
    """
    the this these those each any if where all neither either subject
    notwithstanding unless nothing such we you it our your
    """.split()
)

# Nouns that introduce a cross-reference: "paragraph\n3.2 of this Schedule".
_REF_NOUNS = frozenset(
    """
    clause clauses paragraph paragraphs para section sections sub-clause
    subclause sub-clauses sub-paragraph subparagraph sub-section subsection
    article articles schedule schedules annex annexes appendix appendices
    exhibit exhibits attachment part parts table tables item items point
    points limb figure page pages level priority tier category option plan
    class grade severity version release step phase stage rule regulation
    regulations note form order
    """.split()
)

# Words that label a numbered heading: "SECTION 4. SERVICE CREDITS".
_HEADING_LABELS = frozenset(
    "section article clause schedule annex appendix exhibit part chapter attachment".split()
)

# Words after which a line cannot end a heading (line wraps).
_FUNCTION_WORDS = frozenset(
    """
    a an the of to in on at by for with from into onto under over than as
    and or nor but if that which who whom whose where when while unless
    per via between among within without upon including include includes
    is are was were be been being shall will may must should would can could
    not any all each every such its their his her our your this these those
    other than more less least most
    """.split()
)

_TITLE_SMALL = frozenset(
    "a an the of to in on at by for with from and or nor but as via vs per into".split()
)

_OPENERS = "\"'\u201c\u2018([{*_\u00ab"
_CLOSERS = "\"'\u201d\u2019)]}*_\u00bb"
_BULLETS = "\u2022\u25cf\u25aa\u25e6\u2023\u2219\u00b7\u25a0\u25a1\u27a2\u2713\u2714\u2043\u25b6\u25ba\u2666\u25c6"

# A list marker at the start of a line / sentence.
_MARKER_RE = re.compile(
    r"""(?:
        \(\s*(?:[a-zA-Z]{1,2}|[ivxlcdmIVXLCDM]{1,6}|\d{1,3})\s*\)     # (a) (iv) (A) (1)
      | (?:[a-zA-Z]|[ivxlcIVXLC]{1,6}|\d{1,3})\)                     # a) iv) 1)
      | \d{1,3}(?:\.\d{1,3})+\.?                                      # 1.1  1.1.  10.2.1
      | \d{1,3}\.                                                    # 1.
      | [A-Za-z]\.                                                   # A.  a.
      | [IVXLC]{1,6}\.                                               # IV.
      | [ivxlc]{1,6}\.                                               # iv.
    )(?=\s+\S)""",
    re.VERBOSE,
)
_BULLET_RE = re.compile(r"(?:[" + _BULLETS + r"]|[-\u2013\u2014*+>o\uf0b7\uf0a7])(?=\s)")
# A "word" that is only a clause/list marker: "4.", "4.2.", "(a).", "IV.".
_MARKER_WORD_RE = re.compile(
    r"^\(?(?:\d{1,3}(?:\.\d{1,3})*|[A-Za-z]|[ivxlcIVXLC]{1,6})[.)]?\.?$"
)
_ACRONYM_RE = re.compile(r"^(?:[A-Za-z]\.){2,}$")
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'\-]*")
# Candidate sentence ends inside a line: terminal punctuation, optional
# closers, then horizontal whitespace and more text.
_INLINE_END_RE = re.compile(
    r"[.?!][" + re.escape(_CLOSERS) + r"]*(?=[ \t\u00a0\u2009\u202f]+\S)"
)
# Run-on "reports.The" (the spaCy tokenizer splits these).
_RUNON_RE = re.compile(r"(?<=[a-z]{3})[.?!](?=[A-Z][a-z])")
_INLINE_BULLET_RE = re.compile(r"(?<=\s)[" + _BULLETS + r"](?=\s)")
_TABLE_RE = re.compile(r" \| |^\||\|$|\S\t+\S.*\S\t+\S")  # pipes, or 3+ tab-separated cells
_FORM_LINE_RE = re.compile(r"[A-Z][A-Za-z0-9 ()/&'\-]{0,30}:\s+\S")
_LINE_RE = re.compile(r"[^\n]*(?:\n|$)")
_HSPACE = " \t\u00a0\u2009\u202f\r\f\v"


# ---------------------------------------------------------------------------
# Rules on raw text
# ---------------------------------------------------------------------------

def _first_alnum(s: str) -> Optional[str]:
    for ch in s:
        if ch.isalnum():
            return ch
    return None


def _bare_word(s: str) -> str:
    """Leading alphabetic word of ``s`` (after openers), lower-cased."""
    m = _WORD_RE.search(s.lstrip(_OPENERS))
    return m.group(0).lower() if m else ""


def _is_title_or_caps(line: str) -> tuple[bool, bool]:
    words = _WORD_RE.findall(line)
    if not words:
        return False, False
    letters = [c for c in line if c.isalpha()]
    caps = len(letters) >= 2 and all(c.isupper() for c in letters)
    title = all(w[0].isupper() or w.lower() in _TITLE_SMALL for w in words) and words[0][0].isupper()
    return caps, title


def _is_heading_line(line: str, commas_ok: bool = False) -> bool:
    """A line without final punctuation that stands alone (heading, form line)."""
    s = line.strip()
    if not s or s[-1] in ".,;:-\u2013\u2014/&(" or s[-1] in "?!":
        return False
    words = _WORD_RE.findall(s)
    caps, title = _is_title_or_caps(s)
    if words and words[-1].lower() in _FUNCTION_WORDS and (caps or not words[-1].isupper()):
        return False
    n = len(s)
    if caps:
        return n <= 60
    if title:  # a long title-case line with commas is a wrapped list of names
        return n <= (60 if "," in s and not commas_ok else 100)
    return n <= 32


def _marker_at(line: str) -> Optional[re.Match]:
    return _MARKER_RE.match(line)


def _is_table_line(line: str) -> bool:
    if "|" not in line and "\t" not in line:  # what every _TABLE_RE alternative needs
        return False
    return bool(_TABLE_RE.search(line.strip()))


class _Splitter:
    """Computes sentence start offsets for one text."""

    def __init__(self, text: str):
        self.text = text
        self.starts: list[int] = []
        self.last = -1  # offset of the latest sentence start

    # -- helpers ----------------------------------------------------------
    def _add(self, pos: int) -> None:
        if pos > self.last:
            self.starts.append(pos)
            self.last = pos

    def _word_before(self, end: int) -> tuple[str, int]:
        """Non-space run ending at ``end`` (exclusive) and its start."""
        t = self.text
        i = end
        while i > 0 and not t[i - 1].isspace():
            i -= 1
        return t[i:end], i

    def _period_ends(self, p: int, nxt: str, newline: bool, next_line: str = "") -> bool:
        """Does the terminal mark at ``p`` end a sentence, given next word ``nxt``?"""
        t = self.text
        mark = t[p]
        if not nxt:
            return True
        n0 = nxt[0]
        if n0 in _BULLETS:
            return True
        m = _MARKER_RE.match(nxt + " x")
        first = _first_alnum(nxt)
        if mark in "?!":
            return first is None or not first.islower() or m is not None
        # mark == "."
        w, ws = self._word_before(p + 1)
        core = w.lstrip(_OPENERS)
        low = core.lower()
        if first is None:
            return n0 in _OPENERS
        if first.islower():
            # "(b) the Supplier ..." after a full stop starts a new sentence.
            return bool(m) and nxt.startswith("(")
        if low in ("no.", "yes.") and ws == self.last and first.isalpha():
            return True  # a one-word answer: "Is there a refund? No. Unused ..."
        if low in _NEVER_END:
            return False
        if ws == self.last and _MARKER_WORD_RE.match(core):
            return False  # the period of a clause number: "4. The", "IV. FEES"
        if _MARKER_WORD_RE.match(core) and ws > 0:
            prev, pws = self._word_before(ws - 1)
            if pws == self.last and prev.lower() in _HEADING_LABELS:
                return False
        if len(core) == 2 and core[0].isalpha():
            # Initial ("J. Smith") unless it is a reference ("Appendix A.").
            prev, _ = self._word_before(ws - 1) if ws > 0 else ("", 0)
            return prev.strip(_OPENERS + _CLOSERS).lower() in _REF_NOUNS
        nw = _bare_word(nxt)
        if low in _TIME_LIKE:
            if _ACRONYM_RE.match(nxt.strip(_OPENERS + _CLOSERS + ",;:")):
                nw = nxt.replace(".", "").strip(_OPENERS + _CLOSERS + ",;:").lower()
            if nw in _TIME_CONTINUATIONS:
                return False
            if core.isupper() and nxt.isupper() and len(nw) > 1:
                return nw in _STARTERS  # all capitals: "ETC. UNDER" vs "ETC. THE"
            return first.isupper() or first.isdigit() and newline
        if low in _COMPANY_LIKE or _ACRONYM_RE.match(core) or low.rstrip(".") in ("inc", "ltd", "co", "corp", "llc", "plc"):
            if nw in _STARTERS:
                return True
            return newline and _is_heading_line(next_line)
        if first.isdigit():
            return True
        # Capitalised next word after an ordinary word.
        return True

    # -- line logic -------------------------------------------------------
    def _newline_breaks(self, prev: str, prev_end: int, line: str, line_start: int) -> bool:
        """Is the single newline between ``prev`` and ``line`` a boundary?"""
        ps = prev.rstrip()
        ls = line.lstrip()
        if not ps:
            return True
        if _is_table_line(prev) or _is_table_line(line):
            return True
        if ls.startswith("#") or ps.lstrip().startswith("#"):
            return True
        if _BULLET_RE.match(ls):
            return True
        core = ps.rstrip(_CLOSERS)
        last = core[-1] if core else ""
        mark_pos = prev_end - (len(ps) - len(core)) - 1  # offset of ``last`` in text
        prev_words = _WORD_RE.findall(ps[-40:])
        prev_last = prev_words[-1].lower() if prev_words else ""
        open_end = last in ".?!:;" or re.search(r";\s*(?:and|or)$", ps) is not None
        m = _marker_at(ls)
        if m:
            if open_end:
                return True if last != "." else self._period_ends(
                    mark_pos, ls.split(None, 1)[0], True, ls)
            # Line wrap into a cross-reference: "paragraph\n3.2 of", "in\n(a) above".
            if prev_last in _REF_NOUNS or prev_last in _FUNCTION_WORDS:
                return False
            after = ls[m.end():].lstrip()
            aw = _bare_word(after)
            if aw in ("above", "below", "hereof", "herein", "of", "and", "or"):
                return False
            marker = m.group(0)
            if marker[0].isdigit() and after[:1].islower() and "." in marker.rstrip("."):
                return False  # "99.9 per cent", "1.5 times"
            return True
        nxt = ls.split(None, 1)[0] if ls else ""
        if last in ".?!":
            return self._period_ends(mark_pos, nxt, True, ls)
        first = _first_alnum(ls)
        upperish = first is not None and (first.isupper() or first.isdigit()) or ls[:1] in _OPENERS and first is not None and not first.islower()
        if last == ":":
            return upperish
        if last == ";" or re.search(r";\s*(?:and|or)$", ps):
            return first is not None and first.isupper() or ls[:1] in "\"\u201c"
        if _is_heading_line(ps):
            return upperish
        if _is_heading_line(ps, commas_ok=True) and _is_heading_line(ls):
            return upperish  # consecutive unpunctuated list lines
        if (prev_words and prev_last not in _FUNCTION_WORDS and not _is_title_or_caps(ps)[0]
                and _bare_word(ls) in _STRONG_OPENERS and ls[:1].isupper() and not ls[:2].isupper()):
            return True  # missing full stop: "... asset register\nThe Customer shall ..." (DOCX paragraphs)
        if _FORM_LINE_RE.match(ps.lstrip()) and _FORM_LINE_RE.match(ls) and len(ps.strip()) <= 80:
            return True  # "First level: Service Desk Analyst" / "Second level: ..."
        return False

    def _inline(self, line: str, base: int) -> None:
        """Boundaries inside one line."""
        if _is_table_line(line) or line.lstrip().startswith("#"):
            return
        cands = []
        for m in _INLINE_END_RE.finditer(line):
            cands.append((m.start(), m.end()))
        for m in _RUNON_RE.finditer(line):
            cands.append((m.start(), m.end()))
        bullets = [m.start() for m in _INLINE_BULLET_RE.finditer(line)]
        if not cands and not bullets:
            return
        events = sorted([(s, e, 0) for s, e in cands] + [(b, b, 1) for b in bullets])
        for s, e, kind in events:
            if kind == 1:
                self._add(base + s)
                continue
            j = e
            while j < len(line) and line[j] in _HSPACE:
                j += 1
            nxt = line[j:].split(None, 1)[0] if j < len(line) else ""
            if self._period_ends(base + s, nxt, False, line[j:]):
                self._add(base + j)

    def run(self) -> list[int]:
        t = self.text
        prev = None  # (content, end offset of content) of previous non-blank line
        blank_since = False
        for m in _LINE_RE.finditer(t):
            raw = m.group(0)
            if not raw:
                break
            start = m.start()
            line = raw.rstrip("\n").rstrip("\r")
            stripped = line.strip()
            if not stripped:
                blank_since = True
                continue
            lead = len(line) - len(line.lstrip())
            cstart = start + lead
            if prev is None:
                self._add(cstart)
            elif blank_since or self._newline_breaks(prev[0], prev[1], line, cstart):
                self._add(cstart)
            self._inline(line, start)
            prev = (line, start + len(line.rstrip()))
            blank_since = False
        return self.starts


def sentence_starts(text: str) -> list[int]:
    """Offsets of the first character of every sentence in ``text``."""
    return _Splitter(text).run()


# ---------------------------------------------------------------------------
# spaCy component and pipeline
# ---------------------------------------------------------------------------

@Language.component("contract_sentencizer")
def contract_sentencizer(doc: Doc) -> Doc:
    """Set ``is_sent_start`` on every token from the contract rules."""
    n = len(doc)
    if n == 0:
        return doc
    idx = doc.to_array("IDX").astype(np.int64)
    starts = np.asarray(sentence_starts(doc.text), dtype=np.int64)
    flags = np.full(n, -1, dtype=np.int64)
    flags[0] = 1
    if starts.size:
        ti = np.searchsorted(idx, starts)
        ok = ti < n
        ti = ti[ok]
        ti = ti[idx[ti] == starts[ok]]  # only offsets where a token starts
        flags[ti] = 1
    doc.from_array([SENT_START], flags.view(np.uint64).reshape(-1, 1))
    return doc


_NLP: Optional[Language] = None


def get_nlp() -> Language:
    """The shared blank English pipeline with the contract sentencizer (the rule patterns tokenize
    with it too: a blank pipeline costs about 0.1 s to build). Chunks stay under its ``max_length``."""
    global _NLP
    if _NLP is None:
        nlp = spacy.blank("en")
        nlp.add_pipe("contract_sentencizer")
        _NLP = nlp
    return _NLP


_CHUNK = 100_000
_BLANK_RE = re.compile(r"\n[ \t\r\f\v]*\n")


def _chunks(text: str) -> Iterable[tuple[int, str]]:
    """Pieces of ``text`` cut after blank lines, each at most ~_CHUNK chars."""
    n = len(text)
    pos = 0
    while n - pos > _CHUNK:
        cut = None
        for m in _BLANK_RE.finditer(text, pos + _CHUNK // 2, min(n, pos + _CHUNK)):
            cut = m.end()
        if cut is None:  # no blank line: cut at a newline, else hard cut
            nl = text.rfind("\n", pos + _CHUNK // 2, pos + _CHUNK)
            cut = nl + 1 if nl > 0 else pos + _CHUNK
        yield pos, text[pos:cut]
        pos = cut
    if pos < n:
        yield pos, text[pos:]


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character ``(start, end)`` spans of the sentences in ``text``.

    Spans are in order, do not overlap, have no leading or trailing
    whitespace, and together cover all non-whitespace characters.

    The spans are those of ``get_nlp()``'s ``doc.sents``, worked out from the
    character offsets alone: a sentence start counts only where a token starts,
    and every character after whitespace starts one, so the tokenizer runs only
    on a chunk with a start inside a word (a run-on "reports.The").
    """
    if not text or text.isspace():
        return []
    spans: list[tuple[int, int]] = []
    for off, chunk in _chunks(text):
        bounds = _token_sentence_starts(chunk)
        bounds.append(len(chunk))
        for s, e in zip(bounds, bounds[1:]):
            while s < e and chunk[s].isspace():
                s += 1
            while e > s and chunk[e - 1].isspace():
                e -= 1
            if s < e:
                spans.append((off + s, off + e))
    return spans


def _token_sentence_starts(chunk: str) -> list[int]:
    """0 and each of ``sentence_starts(chunk)`` where a token starts: what ``contract_sentencizer`` marks."""
    starts = [p for p in sentence_starts(chunk) if p > 0]
    inside = [p for p in starts if chunk[p].isspace() or not chunk[p - 1].isspace()]
    if inside:
        idx = set(get_nlp().make_doc(chunk).to_array("IDX").tolist())
        drop = {p for p in inside if p not in idx}
        starts = [p for p in starts if p not in drop]
    return [0] + starts
