"""Text rules for PDF extraction: character clean-up, clause numbers, hyphen rejoining."""
from __future__ import annotations

import re
from collections import Counter
from typing import Optional

# -- characters -------------------------------------------------------------------------

_LIGATURES = {
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\ufb05": "st", "\ufb06": "st",
}
_MAP = {
    **_LIGATURES,
    "\U0010019f": "ti",  # Calibri's "ti" ligature as exported by Word (private use)
    "\u00a0": " ", "\u2000": " ", "\u2001": " ", "\u2002": " ", "\u2003": " ", "\u2004": " ",
    "\u2005": " ", "\u2006": " ", "\u2007": " ", "\u2008": " ", "\u2009": " ", "\u200a": " ",
    "\u202f": " ", "\u205f": " ", "\u3000": " ", "\t": " ", "\u2028": " ", "\u2029": " ",
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
    "\u2010": "-", "\u2011": "-",
    "\ufffe": "-",  # PDFium's marker for a hyphen it saw at a line end
    "\x02": "-",  # the same marker as returned per character
    "\u037e": ";",  # GREEK QUESTION MARK, used for ';' by some HTML-to-PDF converters
}
for _c in range(0x20):
    if chr(_c) not in _MAP and chr(_c) not in "\n":
        _MAP[chr(_c)] = " "
_TRANS = str.maketrans(_MAP)
_SPACES = re.compile(r"[ ]{2,}")
# Private-use glyphs (Symbol/Wingdings fonts without a Unicode map) used as bullets.
_PUA_BULLET = re.compile(r"^[\uf000-\uf0ff](?=\s|$)")


# -- ligatures PDFs map to the wrong character -------------------------------------------------
#
# Fonts such as Calibri have a "ti" ligature glyph with no Unicode value of its own. Word's
# PDF export maps it to the private-use U+10019F (shown as U+019F "Ɵ" by 16-bit tools);
# other producers map it, per font subset, to an unrelated character: "Correc;ons",
# "Educa&on", "operaOons". The first two are fixed outright. For the rest, a character that
# sits inside lowercase words, again and again, exactly where "ti" fits ("-tion", "-tive",
# "-ties", "-ting") is taken to be that document's "ti" glyph.
_TI_FIXED = {"\U0010019f": "ti", "\u019f": "ti"}
_OBAR_TI = re.compile(r"(?<=[A-Za-z])\u019f(?=[a-z])")  # the same glyph cut to 16 bits
_TI_TAILS = ("on", "ons", "onal", "onally", "ve", "ves", "vely", "vity", "vities", "ng", "ngs",
             "me", "mes", "es", "c", "cs", "cal", "cally", "al", "ally", "fy", "fied", "ty",
             "ble", "st", "sts", "re", "red", "on's", "ate", "ated", "ates", "ation", "mely")
_INNER = re.compile(r"(?<=[a-z])([^a-z\s\-'\u2019.,/])(?=[a-z])")
_INNER_TAIL = re.compile(r"(?<=[a-z])([^a-z\s\-'\u2019.,/])([a-z']+)")


class LigatureRepair:
    """Per-document repair of a mis-mapped "ti" ligature (see above)."""

    def __init__(self, texts):
        self.map: dict[str, str] = {}
        text = "\n".join(texts)
        inner = Counter(_INNER.findall(text))
        fits: Counter = Counter()
        if any(n >= 3 for n in inner.values()):
            fits.update(ch for ch, tail in _INNER_TAIL.findall(text) if tail in _TI_TAILS)
        for ch, n in fits.items():
            if ch in _TI_FIXED:
                continue
            if n >= 3 and n >= 0.7 * inner[ch]:
                self.map[ch] = "ti"
        self._re = re.compile("(?<=[a-z])(" + "|".join(re.escape(c) for c in self.map) + ")(?=[a-z])") \
            if self.map else None

    def __bool__(self) -> bool:
        return bool(self.map)

    def apply(self, text: str) -> str:
        if self._re is None:
            return text
        return self._re.sub(lambda m: self.map[m.group(1)], text)


def clean(text: str) -> str:
    """Normalise one line: ligatures, odd spaces and hyphens, PDFium markers, PUA bullets."""
    if text.isascii() and text.isprintable():  # nothing to map: only spaces to tidy
        text = text.strip()
        return _SPACES.sub(" ", text) if "  " in text else text
    text = text.translate(_TRANS)
    if "\u019f" in text:
        text = _OBAR_TI.sub("ti", text)
    text = _PUA_BULLET.sub("\u2022", text.strip())
    return _SPACES.sub(" ", text)


def finish(text: str) -> str:
    """Last pass over a block's text: drop soft hyphens left inside lines."""
    return text.replace("\u00ad", "").strip()


# -- clause numbers -----------------------------------------------------------------------

_KEYWORDS = ("article", "section", "clause", "schedule", "appendix", "annex", "annexure",
             "exhibit", "attachment", "part", "chapter", "addendum")
_KEYWORD_RE = re.compile(
    r"^((?i:" + "|".join(_KEYWORDS) + r"))\s+(\d+(?:\.\d+)*[A-Za-z]?|[IVXLCDM]+|[A-Z])\.?"
    r"(?=$|\s*[-\u2013\u2014:(]|\.(?:\s|$)|\s+[A-Z\u201c\"'(])")
_LETTER_DOTTED = re.compile(r"^([A-Z](?:\.\d+)+)\.?(?=$|\s+[^a-z\s])")
_DOTTED = re.compile(r"^(\d{1,3}(?:\.\d{1,3})+)\.?(?=$|\s+[^a-z\s])")
_PAREN = re.compile(r"^(\((?:[a-z]|([a-z])\2|[ivxlc]{1,6}|[A-Z]|[IVXLC]{1,6}|\d{1,3})\))(?=\s|$)")
_CLOSE = re.compile(r"^((?:[a-z]|[ivx]{1,5}|\d{1,3})\))(?=\s)")
_SIMPLE = re.compile(r"^(\d{1,3})[.)](?=$|\s+[^a-z\s])")
_LETTER = re.compile(r"^([A-Za-z]|([A-Za-z])\2|[ivxlc]{1,5}|[IVXLC]{1,5})\.(?=\s+\S)")
_BULLETS = "\u2022\u25cf\u25aa\u25a0\u25e6\u25cb\u25c6\u2666\u27a2\u27a4\u25ba\u25b6\u2043\u2219\u00b7\u2013\u2014-*\u2023\u2713\u2714\u25a1\u2610\u2794\u2192"
_BULLET_RE = re.compile("^([" + re.escape(_BULLETS) + r"]|o(?=\s))\s+\S")


class Numbering:
    __slots__ = ("number", "kind", "depth")

    def __init__(self, number: str, kind: str, depth: int):
        self.number, self.kind, self.depth = number, kind, depth


# what every pattern above needs at the start: most lines fail this one test
_MAYBE_NUMBER = re.compile(r"[\d(]|[A-Za-z]{1,5}[.)]|(?i:" + "|".join(_KEYWORDS) + r")\s")


def _keyword(m) -> Numbering:
    ident = m.group(2)
    depth = 1 + ident.count(".") if ident[0].isdigit() else 1
    return Numbering(f"{m.group(1).capitalize()} {ident}", "keyword", depth)


def _dotted(m) -> Numbering:
    parts = m.group(1).split(".")
    while len(parts) > 1 and parts[-1].strip("0") == "":
        parts.pop()  # "1.0" is a top-level number
    return Numbering(m.group(1), "dotted", len(parts))


# (pattern, reading) in order of precedence; the first match wins. _MAYBE_NUMBER and the
# _BY_* groups restate what these can start with: keep them in step (tested)
_NUMBER_RULES = (
    (_KEYWORD_RE, _keyword),
    (_LETTER_DOTTED, lambda m: Numbering(m.group(1), "dotted", m.group(1).count(".") + 1)),
    (_DOTTED, _dotted),
    (_PAREN, lambda m: Numbering(m.group(1), "enum", 3)),
    (_CLOSE, lambda m: Numbering(m.group(1), "enum", 3)),
    (_SIMPLE, lambda m: Numbering(m.group(1), "simple", 1)),
    (_LETTER, lambda m: Numbering(m.group(1), "letter", 2)),
)
# the rules that can match at all, by the first character: a digit, "(", anything else
_BY_DIGIT = tuple(r for r in _NUMBER_RULES if r[0] in (_DOTTED, _CLOSE, _SIMPLE))
_BY_PAREN = tuple(r for r in _NUMBER_RULES if r[0] is _PAREN)
_BY_OTHER = tuple(r for r in _NUMBER_RULES if r[0] in (_KEYWORD_RE, _LETTER_DOTTED, _CLOSE, _LETTER))


def leading_number(text: str) -> Optional[Numbering]:
    """The clause number a block starts with, as printed (minus a trailing period)."""
    if not _MAYBE_NUMBER.match(text):
        return None
    first = text[0]
    rules = _BY_DIGIT if first.isdecimal() else _BY_PAREN if first == "(" else _BY_OTHER
    for pattern, reading in rules:
        m = pattern.match(text)
        if m:
            return reading(m)
    return None


def starts_bullet(text: str) -> bool:
    return bool(_BULLET_RE.match(text))


# -- hyphens ----------------------------------------------------------------------------

_HYPHENS = "-\u00ad"
_WORD_RE = re.compile(r"[a-z]+(?:-[a-z]+)*")
_TAIL_RE = re.compile(r"([A-Za-z0-9]+)([-\u00ad])$")
_HEAD_RE = re.compile(r"^([A-Za-z]+)")
# First halves and second halves that make real hyphenated compounds in contracts.
_COMPOUND_FIRST = {
    "on", "off", "self", "non", "well", "third", "co", "e", "x", "cross", "semi", "high",
    "long", "full", "half", "near", "best", "worst",
}
_COMPOUND_SECOND = {
    "site", "party", "parties", "based", "related", "level", "levels", "hour", "hours",
    "specific", "owned", "compliant", "critical", "facing", "hosted", "managed", "approved",
    "defined", "exclusive", "refundable", "priority", "severity", "tier", "free", "wide",
    "term", "friendly", "ready", "alone", "made",
}
_DASHES = "\u2013\u2014"


class Vocabulary:
    """Word counts of the whole document: evidence for 'e-mail' vs 'email' at a line end."""

    def __init__(self):
        self.words: Counter = Counter()

    def add(self, text: str) -> None:
        self.words.update(_WORD_RE.findall(text.lower()))

    def count(self, word: str) -> int:
        return self.words.get(word.lower(), 0)


def join_lines(left: str, right: str, vocab: Optional[Vocabulary] = None) -> str:
    """Join two lines of one paragraph, rejoining a word hyphenated at the line end."""
    if not left:
        return right
    if not right:
        return left
    if left.endswith("\u00ad"):
        return left[:-1] + right
    if left[-1] in "-" and len(left) >= 2 and left[-2] not in " " + _DASHES:
        m = _TAIL_RE.search(left)
        h = _HEAD_RE.match(right)
        if m and h:
            a, b = m.group(1), h.group(1)
            if keep_hyphen(a, b, right, vocab):
                return left + right
            return left[:-1] + right
        return left + right  # "24-" + "7", "(a)-" ...: keep as printed, no space
    return left + " " + right


def keep_hyphen(a: str, b: str, right: str, vocab: Optional[Vocabulary]) -> bool:
    """Is 'a-' + 'b...' at a line end a real hyphen (compound) rather than a word break?"""
    if right[0].isupper() or right[0].isdigit() or any(c.isdigit() for c in a):
        return True
    if vocab is not None:
        hyph = vocab.count(f"{a}-{b}")
        solid = vocab.count(a + b)
        if hyph or solid:
            return hyph > solid
    la, lb = a.lower(), b.lower()
    if len(a) == 1 or la in _COMPOUND_FIRST or lb in _COMPOUND_SECOND:
        return True
    return False
