"""spaCy token patterns run as regular expressions over a string of per-token codes.

spaCy's ``Matcher`` walks a document token by token in Python-visible steps; with ~100
patterns over a 100-page contract that was most of the review's time. The patterns we
use are linear: each token tests words (``LOWER``/``ORTH`` equal to, ``IN``, ``NOT_IN``,
``REGEX``) or lexical flags (``LIKE_NUM`` ...) and carries a count (``?``, ``*``, ``+``,
``{n,m}``). So:

* every distinct test of every pattern is a *condition* with its own character (from
  Unicode's private use area);
* a token is written as ``\\x1f`` then the characters of the conditions it satisfies;
  what a word satisfies is computed once per word (spaCy's own lexeme values, so the
  tests are exactly spaCy's);
* a token pattern becomes a regex over that code string, one ``(?:...)`` per token with
  the token's count as the regex quantifier.

``re`` then finds, at each token where a pattern can start, its greedy match, which for
such linear patterns is the longest one (checked against spaCy's ``Matcher`` in the
tests). ``longest_non_overlapping`` applies spaCy's ``greedy="LONGEST"`` filter. A token
pattern outside this subset (``OP: "!"``, ``LENGTH``, comparison operators ...) is not
compiled: ``compile_pattern`` returns ``None`` and the caller keeps spaCy's ``Matcher``.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

SEPARATOR = "\x1f"
FIRST_CODE = 0xE000
_LAST_CODE = 0xF8FF
_ANY = f"[^{SEPARATOR}]*"

FLAGS = ("LIKE_NUM", "LIKE_EMAIL", "LIKE_URL", "IS_DIGIT", "IS_ALPHA", "IS_PUNCT", "IS_UPPER", "IS_TITLE")
_WORD_ATTRS = {"LOWER": "LOWER", "ORTH": "ORTH", "TEXT": "ORTH"}
_COUNT = re.compile(r"\{(\d*)(,?)(\d*)\}")


class Unsupported(Exception):
    """The pattern uses something this compiler does not translate (spaCy's Matcher runs it)."""


class TokenTests:
    """The conditions of all compiled patterns, and the code of each word that meets some."""

    def __init__(self, vocab):
        self.vocab = vocab
        self._ids: dict[tuple, int] = {}
        self._words: dict[tuple[str, str], list[int]] = {}  # (attr, word) -> conditions it meets
        self._regexes: list[tuple[int, str, object]] = []  # (condition, attr, compiled search)
        self._flags: list[tuple[int, str]] = []
        self._codes = ComputedDict(self._compute_code)  # orth id -> code
        self._code_chars = ComputedDict(frozenset)  # code -> its condition characters

    def condition(self, attr: str, kind: str, value) -> int:
        """The id of one test (created on first use); raises ``re.error`` for a bad REGEX."""
        key = (attr, kind, value)
        cid = self._ids.get(key)
        if cid is not None:
            return cid
        if FIRST_CODE + len(self._ids) > _LAST_CODE:
            raise Unsupported("too many distinct token tests")
        search = re.compile(value).search if kind == "regex" else None
        cid = self._ids[key] = len(self._ids)
        if kind == "words":
            for word in value:
                self._words.setdefault((attr, word), []).append(cid)
        elif kind == "regex":
            self._regexes.append((cid, attr, search))
        else:
            self._flags.append((cid, attr.lower()))
        self._codes.clear()
        return cid

    def codes(self, orths: list[int]) -> list[str]:
        """Per word, the characters of the conditions it meets, in condition order (looked up
        without a Python call per known word)."""
        if len(self._codes) > 200_000:
            self._codes.clear()
        return list(map(self._codes.__getitem__, orths))

    def conditions(self, codes: list[str]) -> frozenset[str]:
        """The characters of the conditions some word of ``codes`` meets (distinct codes are few)."""
        if len(self._code_chars) > 100_000:
            self._code_chars.clear()
        return frozenset().union(*map(self._code_chars.__getitem__, set(codes)))

    def _compute_code(self, orth: int) -> str:
        lex = self.vocab[orth]
        strings = {"LOWER": lex.lower_, "ORTH": lex.orth_}
        met = list(self._words.get(("LOWER", strings["LOWER"]), ()))
        met += self._words.get(("ORTH", strings["ORTH"]), ())
        met += [cid for cid, attr, search in self._regexes if search(strings[attr]) is not None]
        met += [cid for cid, flag in self._flags if getattr(lex, flag)]
        return "".join(chr(FIRST_CODE + c) for c in sorted(set(met)))


class ComputedDict(dict):
    """A dict whose missing values are computed and kept on first lookup (also tfidf's word cache)."""

    def __init__(self, compute):
        super().__init__()
        self._compute = compute

    def __missing__(self, key):
        value = self[key] = self._compute(key)
        return value


def char(cid: int) -> str:
    return chr(FIRST_CODE + cid)


class CompiledPattern:
    """One alternative of one token pattern: its regex and the conditions a string must meet."""

    __slots__ = ("regex", "required", "required_chars")

    def __init__(self, regex: "re.Pattern", required: frozenset[int]):
        self.regex = regex
        self.required = required
        self.required_chars = frozenset(map(char, required))  # as they appear in a code string


def compile_pattern(pattern: list[dict], tests: TokenTests) -> Optional[CompiledPattern]:
    """The regex form of one spaCy token pattern, or ``None`` if it uses anything else."""
    parts = []
    required: set[int] = set()
    try:
        for token in pattern:
            low, high = _count(token.get("OP", "1"))
            positive, negative = _token_conditions(token, tests)
            if low >= 1:
                required.update(positive)
            parts.append(_token_regex(positive, negative) + _quantifier(low, high))
    except Unsupported:
        return None
    body = "".join(parts)
    regex = re.compile(f"{SEPARATOR}(?=({body}))")
    return CompiledPattern(regex, frozenset(required))


def _count(op) -> tuple[int, Optional[int]]:
    if not isinstance(op, str):
        raise Unsupported(f"OP {op!r}")
    fixed = {"1": (1, 1), "?": (0, 1), "*": (0, None), "+": (1, None)}
    if op in fixed:
        return fixed[op]
    m = _COUNT.fullmatch(op)
    if not m or (not m.group(1) and not m.group(3)):
        raise Unsupported(f"OP {op!r}")
    low = int(m.group(1)) if m.group(1) else 0
    if not m.group(2):
        return low, low
    high = int(m.group(3)) if m.group(3) else None
    if high is not None and high < low:
        raise Unsupported(f"OP {op!r}")
    return low, high


def _token_conditions(token: dict, tests: TokenTests) -> tuple[list[int], list[int]]:
    positive: list[int] = []
    negative: list[int] = []
    for key, value in token.items():
        if key == "OP":
            continue
        if key in _WORD_ATTRS:
            attr = _WORD_ATTRS[key]
            if isinstance(value, str):
                positive.append(tests.condition(attr, "words", frozenset([value])))
            elif isinstance(value, dict) and len(value) == 1:
                (op, arg), = value.items()
                if op in ("IN", "NOT_IN") and isinstance(arg, list) and arg and all(isinstance(v, str) for v in arg):
                    cid = tests.condition(attr, "words", frozenset(arg))
                    (positive if op == "IN" else negative).append(cid)
                elif op == "REGEX" and isinstance(arg, str):
                    positive.append(tests.condition(attr, "regex", arg))
                else:
                    raise Unsupported(f"{key}: {value!r}")
            else:
                raise Unsupported(f"{key}: {value!r}")
        elif key in FLAGS and isinstance(value, bool):
            cid = tests.condition(key, "flag", True)
            (positive if value else negative).append(cid)
        else:
            raise Unsupported(key)
    return positive, negative


def _token_regex(positive: Iterable[int], negative: Iterable[int]) -> str:
    guard = ""
    negative = sorted(set(negative))
    if negative:
        guard = f"(?!{_ANY}[{''.join(char(c) for c in negative)}])"
    body = _ANY + "".join(char(c) + _ANY for c in sorted(set(positive)))
    return f"(?:{guard}{body}{SEPARATOR})"


def _quantifier(low: int, high: Optional[int]) -> str:
    if (low, high) == (1, 1):
        return ""
    if high is None:
        return "*" if low == 0 else ("+" if low == 1 else f"{{{low},}}")
    return "?" if (low, high) == (0, 1) else f"{{{low},{high}}}"


def code_string(codes: list[str]) -> str:
    """Word codes with ``SEPARATOR`` before each and after the last: a pattern's regex starts
    with the separator, so ``re`` jumps from word to word instead of trying every character."""
    return SEPARATOR + SEPARATOR.join(codes) + SEPARATOR


def longest_at_each_start(alternatives: Iterable[CompiledPattern], string: str) -> dict[int, int]:
    """Token start -> end of the longest match there, over ``alternatives``.

    ``string`` is ``code_string`` of the document's words.
    """
    ends: dict[int, int] = {}
    count = string.count
    for alt in alternatives:
        for m in alt.regex.finditer(string):
            start, end = m.span(1)
            if end > start:
                first = count(SEPARATOR, 0, start) - 1
                last = first + count(SEPARATOR, start, end)
                if ends.get(first, -1) < last:
                    ends[first] = last
    return ends


def longest_non_overlapping(ends: dict[int, int]) -> Optional[list[tuple[int, int]]]:
    """spaCy's ``greedy="LONGEST"`` filter over the longest match at each start.

    Returns ``None`` where that is not enough to know spaCy's answer: a match dropped for
    overlapping a longer one that starts inside it, where spaCy would also have tried the
    shorter matches at the same start (the caller then asks spaCy).
    """
    if len(ends) == 1:
        return list(ends.items())
    pairs = sorted(ends.items(), key=lambda p: (p[1] - p[0], -p[0]), reverse=True)
    taken: set[int] = set()
    kept = []
    for start, end in pairs:
        if taken.isdisjoint(range(start, end)):
            kept.append((start, end))
            taken.update(range(start, end))
        elif start not in taken:
            return None
    return kept
