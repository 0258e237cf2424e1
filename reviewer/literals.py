"""Which of many regular expressions could match a text, found with substring tests instead of regex runs.

Most rule patterns (vague terms, checklist mentions) match nowhere in most sentences, yet running
hundreds of case-insensitive patterns over every sentence is where a review spends its time. Each
pattern is read once (Python's own regex parser) for a *requirement*: a set of literal strings at
least one of which appears in anything the pattern can match: "\\b(?:take[sn]?|taking|took)\\s+steps"
requires "steps" (or one of "take", "taking", "took"; the longer literals are kept, as rarer). A pattern whose requirement is absent from a text cannot match it and is not run: the answer is the
same as running it, only sooner.

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
        self._finder = _longest_literal_finder(self.literals)
        # a literal found at a position implies every literal inside it (the shorter ones starting there)
        self._implied = {lit: frozenset(x for x in self.literals if x in lit) for lit in self.literals}
        self._ids_implied = {lit: frozenset().union(*(by_literal[x] for x in inner))
                             for lit, inner in self._implied.items()}

    def candidates(self, text: str) -> Optional[set[int]]:
        """``id()``s of the patterns that could match ``text``; None means "run them all" (non-ASCII text)."""
        if not text.isascii():
            return None
        out = set(self.always)
        if self._finder is not None:
            ids = self._ids_implied
            for lit in set(self._finder.findall(text.lower())):
                out |= ids[lit]
        return out

    def texts_by_pattern(self, texts: list[str]) -> dict[int, set[int]]:
        """For each pattern's ``id()``, the positions in ``texts`` where it could match: the same answer
        as ``candidates`` on each text (a pattern missing from the dict can match none of them)."""
        everywhere = {i for i, text in enumerate(texts) if not text.isascii()}
        everywhere_or_always = set(range(len(texts)))
        by_pattern: dict[int, set[int]] = {pid: set(everywhere_or_always) for pid in self.always}
        if self._finder is None:
            return by_pattern
        found: dict[str, list[int]] = {}
        findall = self._finder.findall
        for i, text in enumerate(texts):
            if i not in everywhere:
                for lit in set(findall(text.lower())):
                    found.setdefault(lit, []).append(i)
        texts_with: dict[str, set[int]] = {lit: set(everywhere) for lit in self.literals}
        for lit, where in found.items():
            for inner in self._implied[lit]:
                texts_with[inner].update(where)
        for lit, pids in self.by_literal.items():
            for pid in pids:
                by_pattern.setdefault(pid, set()).update(texts_with[lit])
        return by_pattern


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
