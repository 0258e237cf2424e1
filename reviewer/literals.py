"""Which of many regular expressions could match a text, found with substring tests instead of regex runs.

Most rule patterns match nowhere in most sentences, yet running hundreds of case-insensitive
patterns over every sentence is where a review spends its time. The checklist's mention patterns use
this module; the vague terms have their own, finer prefilter in ``checks/vague.py`` (every literal
a pattern needs, not one of a set; exact on non-ASCII text too), which this one could adopt. Each
pattern is read once (Python's own regex parser) for a *requirement*: a set of literal strings at
least one of which appears in anything the pattern can match: "\\b(?:take[sn]?|taking|took)\\s+steps"
requires "steps" (or one of "take", "taking", "took"; the longer literals are kept, as rarer). A pattern whose requirement is absent from a text cannot match it and is not run: the answer is the
same as running it, only sooner. The literals of all patterns are looked for together, token by
token, each distinct token of a process searched once (``_LiteralFinder``).

Exact by construction, within these limits:
- the test is on the lower-cased text and lower-cased literals, which equals IGNORECASE matching
  only for ASCII, so a text with any non-ASCII character runs every pattern;
- a pattern with no requirement (every path optional), with a non-ASCII literal, or that the parser
  cannot read is always run.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

try:  # Python 3.11+
    from re import _constants as _C
    from re import _parser as _P
except ImportError:  # Python 3.10
    import sre_constants as _C  # type: ignore[no-redef]
    import sre_parse as _P  # type: ignore[no-redef]

_REPEATS = tuple(op for op in (getattr(_C, "MAX_REPEAT", None), getattr(_C, "MIN_REPEAT", None),
                               getattr(_C, "POSSESSIVE_REPEAT", None)) if op is not None)
_ATOMIC = getattr(_C, "ATOMIC_GROUP", None)


def requirement(pattern: re.Pattern) -> Optional[frozenset[str]]:
    """Lower-cased literals one of which occurs in every match of ``pattern``; None when unknown."""
    try:
        found = _sequence(_P.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 - an unreadable pattern is simply always run
        return None
    if not found or not all(lit.isascii() and lit for lit in found):
        return None
    return frozenset(found)


def _best(candidates: list) -> Optional[set[str]]:
    """Any one necessary set will do; prefer long literals (rarer), then fewer of them."""
    candidates = [c for c in candidates if c]
    if not candidates:
        return None
    return max(candidates, key=lambda s: (min(len(x) for x in s), -len(s)))


def _sequence(items) -> Optional[set[str]]:
    candidates: list = []
    run: list[str] = []
    for op, av in items:
        if op is _C.LITERAL:
            run.append(chr(av))
            continue
        if run:
            candidates.append({"".join(run).lower()})
            run = []
        if op is _C.SUBPATTERN:
            candidates.append(_sequence(av[-1]))
        elif _ATOMIC is not None and op is _ATOMIC:
            candidates.append(_sequence(av))
        elif op is _C.BRANCH:
            alternatives = [_sequence(b) for b in av[1]]
            if alternatives and all(alternatives):
                candidates.append(set().union(*alternatives))
        elif op in _REPEATS:
            low, _high, body = av
            if low >= 1:
                candidates.append(_sequence(body))
        # anything else (classes, anchors, look-arounds, back-references) requires nothing and ends a run
    if run:
        candidates.append({"".join(run).lower()})
    return _best(candidates)


class LiteralIndex:
    """The requirements of a fixed list of patterns, answering "which could match this text?"."""

    def __init__(self, patterns: Iterable[re.Pattern]):
        self.always: set[int] = set()
        by_literal: dict[str, set[int]] = {}
        for p in patterns:
            need = requirement(p)
            if need is None:
                self.always.add(id(p))
                continue
            for lit in need:
                by_literal.setdefault(lit, set()).add(id(p))
        self.by_literal = by_literal
        self.literals = tuple(sorted(by_literal))
        self._finder = _LiteralFinder(self.literals)

    def candidates(self, text: str) -> Optional[set[int]]:
        """``id()``s of the patterns that could match ``text``; None means "run them all" (non-ASCII text)."""
        if not text.isascii():
            return None
        out = set(self.always)
        by_literal = self.by_literal
        for lit in self._finder.found(text.lower()):
            out |= by_literal[lit]
        return out

    def texts_by_pattern(self, texts: list[str]) -> dict[int, set[int]]:
        """For each pattern's ``id()``, the positions in ``texts`` where it could match: the same answer
        as ``candidates`` on each text."""
        everywhere = {i for i, text in enumerate(texts) if not text.isascii()}
        texts_with: dict[str, set[int]] = {lit: set(everywhere) for lit in self.literals}
        found = self._finder.found
        for i, text in enumerate(texts):
            if i not in everywhere:
                for lit in found(text.lower()):
                    texts_with[lit].add(i)
        by_pattern: dict[int, set[int]] = {pid: set(range(len(texts))) for pid in self.always}
        for lit, pids in self.by_literal.items():
            for pid in pids:
                by_pattern.setdefault(pid, set()).update(texts_with[lit])
        return by_pattern


_NOTHING: frozenset = frozenset()


class _LiteralFinder:
    """Which of a set of lower-case literals occur in a lower-cased text, read by its whitespace-separated
    tokens. A literal without whitespace lies inside one token, and tokens repeat (within a document
    and across documents), so each distinct token is searched once and remembered. A literal with
    whitespace is tested with ``in``, only in texts holding its longest whitespace-free piece."""

    _MAX_TOKENS = 200_000  # remembered tokens, a bound on memory for long-running processes

    def __init__(self, literals: tuple[str, ...]):
        self.literals = frozenset(literals)
        self._spanning: dict[str, list[str]] = {}  # longest piece -> the literals with whitespace holding it
        self._blank: list[str] = []  # literals of whitespace only
        words = set()
        for lit in literals:
            pieces = lit.split()
            if pieces == [lit]:
                words.add(lit)
            elif pieces:
                piece = max(pieces, key=len)
                self._spanning.setdefault(piece, []).append(lit)
                words.add(piece)
            else:
                self._blank.append(lit)
        self._pieces = frozenset(self._spanning)
        self._regex = _longest_literal_finder(tuple(sorted(words)))
        # the longest word found at a position implies every word inside it
        self._implied = {w: frozenset(x for x in words if x in w) for w in words}
        self._tokens: dict[str, frozenset[str]] = {}  # token -> the words inside it (often none)

    def found(self, low: str) -> set[str]:
        known = self._tokens
        if len(known) > self._MAX_TOKENS:
            known.clear()
        tokens = set(low.split())
        for token in tokens.difference(known):
            self._learn(token)
        words = set().union(*map(known.__getitem__, tokens))
        out = words & self.literals
        for piece in words & self._pieces:
            out.update(lit for lit in self._spanning[piece] if lit in low)
        out.update(lit for lit in self._blank if lit in low)
        return out

    def _learn(self, token: str) -> None:
        found = set(self._regex.findall(token)) if self._regex is not None else ()
        # most tokens hold no literal: they share one empty set (a new one each is ~200 bytes)
        self._tokens[token] = frozenset().union(*[self._implied[w] for w in found]) if found else _NOTHING


def _longest_literal_finder(literals: tuple[str, ...]) -> Optional[re.Pattern]:
    """A regex whose ``findall`` gives, at each position of a text where one of ``literals`` starts,
    the longest one starting there: a trie, so each position costs one character test per level."""
    if not literals:
        return None
    trie: dict = {}
    for lit in literals:
        node = trie
        for ch in lit:
            node = node.setdefault(ch, {})
        node[""] = {}
    return re.compile(f"(?=({_trie_regex(trie)}))", re.S)


_COMMON_FIRST = {ch: rank for rank, ch in enumerate(" etaoinsrhldcumfpgwybvkxjqz")}


def _trie_regex(node: dict) -> str:
    """Branches in order of how common their character is in English text: the regex engine tries
    them in turn, so the likely ones are tested first."""
    chars = sorted((ch for ch in node if ch), key=lambda ch: (_COMMON_FIRST.get(ch, len(_COMMON_FIRST)), ch))
    branches = [re.escape(ch) + _trie_regex(node[ch]) for ch in chars]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if "" in node else body  # greedy: the longer literal wins, the shorter is implied
