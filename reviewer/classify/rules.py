"""Rule half of the clause labeller: category patterns kept as YAML data, matched with spaCy.

Each file ``rules/patterns/<category>.yml`` holds the patterns of one clause
category (see ``spec/checklist.md``). A pattern is either a list of phrases
(``PhraseMatcher`` on ``LOWER``, whole tokens) or a spaCy ``Matcher`` token
pattern, and it looks either at a clause's heading or at its text. Every
pattern carries examples that must and must not match, which the test suite
runs, so a pattern is documented and checked by its own data.

A pattern file::

    category: sla
    patterns:
      - id: SLA-HEAD-001          # <PREFIX>-HEAD-nnn (heading) or <PREFIX>-TEXT-nnn (text)
        doc: "Heading names service levels"
        where: heading            # heading | text
        weight: 0.9               # 0..1: how strongly a hit alone suggests the category
        phrases: ["service levels", "sla"]
        # or tokens: [{"LOWER": "response"}, {"LOWER": "time"}]
        # or tokens: [[...one pattern...], [...an alternative...]]
        examples:
          match: ["Service Levels"]
          no_match: ["Definitions"]

The pipeline is ``spacy.blank("en")``: there is no tagger or lemmatizer, so
token patterns use ``LOWER`` (with ``IN`` lists for inflections), ``REGEX``,
``LIKE_NUM`` and the like; attributes that need a trained pipeline (``LEMMA``,
``POS`` ...) are refused at load time. Token patterns are written in spaCy's
``Matcher`` syntax and mean what spaCy's ``Matcher`` means by them; for speed they
run compiled to regexes (``token_regex``), which the tests hold to spaCy's answers.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any, Iterable

import yaml
from spacy.attrs import IDX, LENGTH, ORTH
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from reviewer import yamlfile
from reviewer.classify import token_regex
from reviewer.paths import RULES_DIR
from reviewer.segment.sentences import get_nlp

#: The clause categories of spec/checklist.md, in the spec's order.
CATEGORIES: tuple[str, ...] = (
    "scope",
    "sla",
    "penalty",
    "escalation",
    "reporting",
    "support_channels",
    "maintenance",
    "fees",
    "term",
    "liability",
    "data_security",
)

#: The prefix of each category's rule ids (the checklist's own prefixes where it has one).
ID_PREFIXES: dict[str, str] = {
    "scope": "SCOPE",
    "sla": "SLA",
    "penalty": "PENALTY",
    "escalation": "ESCALATION",
    "reporting": "REPORTING",
    "support_channels": "CHANNELS",
    "maintenance": "MAINTENANCE",
    "fees": "FEES",
    "term": "TERM",
    "liability": "LIABILITY",
    "data_security": "DATA",
}

WHERE = ("heading", "text")
WARM_WORDS = 100_000  # words kept in the tokenizer's cache (spaCy's default keeps 10,000)
_WHERE_CODE = {"heading": "HEAD", "text": "TEXT"}

_FILE_KEYS = {"category", "doc", "patterns"}
_REQUIRED_KEYS = {"id", "doc", "where", "weight", "examples"}
_PATTERN_KEYS = _REQUIRED_KEYS | {"phrases", "tokens"}
_EXAMPLE_KEYS = {"match", "no_match"}
_ID_RE = re.compile(r"^([A-Z]+)-(HEAD|TEXT)-(\d{3})$")

#: Token attributes a blank pipeline cannot fill in: a pattern using them would never match
#: (or raise at match time), so they are refused when the patterns are loaded.
_NEEDS_TRAINED_PIPELINE = {
    "LEMMA", "POS", "TAG", "MORPH", "DEP", "HEAD", "ENT_TYPE", "ENT_IOB", "ENT_ID",
    "ENT_KB_ID", "SENT_START", "IS_SENT_START", "_",
}


@dataclass(frozen=True)
class RuleHit:
    """One match of one pattern: offsets are characters into the string that was matched."""

    rule_id: str
    category: str
    weight: float
    where: str  # "heading" | "text"
    start: int
    end: int
    matched: str


@dataclass(frozen=True)
class Rule:
    """One loaded pattern, as written in its file."""

    id: str
    category: str
    where: str
    weight: float
    doc: str
    file: str
    phrases: tuple[str, ...] = ()
    tokens: tuple[tuple[dict, ...], ...] = ()
    match_examples: tuple[str, ...] = ()
    no_match_examples: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "category": self.category,
            "where": self.where,
            "weight": self.weight,
            "doc": self.doc,
        }


def _fail(file: Path, pid: str, detail: str) -> ValueError:
    return ValueError(f"{file}: pattern {pid}: {detail}")


class _Side:
    """The matchers of one side (heading or text).

    Phrase patterns share one ``PhraseMatcher`` (fast whatever its size). Token patterns
    run as regexes over per-token condition codes (``token_regex``), each alternative only
    when the string holds a word meeting each condition of its required tokens. Its hits are exactly those of spaCy's ``Matcher`` with
    ``greedy="LONGEST"`` (the tests compare the two on every training clause); where the
    regex form cannot tell (see ``longest_non_overlapping``) the rule's own ``Matcher``
    answers. A token pattern the compiler does not translate keeps a ``Matcher``.
    """

    #: strings whose conditions are counted before each alternative is re-anchored on its rarest one
    ANCHOR_SAMPLE = 400

    def __init__(self, vocab):
        self.vocab = vocab
        self.phrases = PhraseMatcher(vocab, attr="LOWER")
        self.has_phrases = False
        self.tests = token_regex.TokenTests(vocab)
        self.compiled: list[tuple[int, list[token_regex.CompiledPattern], list]] = []  # key, alts, patterns
        self.alternatives: list[tuple[int, token_regex.CompiledPattern]] = []  # (rule index, alternative)
        self.by_anchor: dict[str, list[int]] = {}  # condition character -> alternatives anchored on it
        self.unanchored: list[int] = []  # alternatives that require nothing
        self.spacy_rules: list[Matcher] = []
        self._reference: dict[int, Matcher] = {}
        self._frequency: Counter = Counter()
        self._sampled = 0

    def add_tokens(self, rule: "Rule") -> None:
        patterns = [list(p) for p in rule.tokens]
        alternatives = [token_regex.compile_pattern(p, self.tests) for p in patterns]
        if any(a is None for a in alternatives):
            matcher = Matcher(self.vocab, validate=True)
            matcher.add(rule.id, patterns, greedy="LONGEST")
            self.spacy_rules.append(matcher)
            return
        index = len(self.compiled)
        self.compiled.append((self.vocab.strings.add(rule.id), alternatives, patterns))
        self.alternatives.extend((index, alt) for alt in alternatives)
        self._anchor()

    def _anchor(self) -> None:
        """Index each alternative under one required condition, the rarest seen so far: a string
        is tried against an alternative only where that condition occurs (then all are checked)."""
        self.by_anchor, self.unanchored = {}, []
        for n, (_, alt) in enumerate(self.alternatives):
            if alt.required:
                anchor = min(alt.required, key=lambda cid: (self._frequency[cid], cid))
                self.by_anchor.setdefault(token_regex.char(anchor), []).append(n)
            else:
                self.unanchored.append(n)

    def __call__(self, doc: Doc, orths: list[int]) -> list[tuple[int, int, int]]:
        """(match key, start token, end token) of every hit; ``orths``: the doc's ORTH values."""
        spans: list[tuple[int, int, int]] = []
        if self.has_phrases:
            spans.extend(self.phrases(doc))
        for matcher in self.spacy_rules:
            spans.extend(matcher(doc))
        if self.compiled and len(doc):
            self._match_compiled(doc, spans, orths)
        return spans

    def _match_compiled(self, doc: Doc, spans: list, orths: list[int]) -> None:
        codes = self.tests.codes(orths)
        present = self.tests.conditions(codes)
        if self._sampled < self.ANCHOR_SAMPLE:
            self._count_conditions(present)
        live: dict[int, list[token_regex.CompiledPattern]] = {}
        alternatives = self.alternatives
        by_anchor = self.by_anchor
        candidates = [n for c in present & by_anchor.keys() for n in by_anchor[c]] + self.unanchored
        for n in candidates:
            index, alt = alternatives[n]
            if alt.required_chars <= present:
                live.setdefault(index, []).append(alt)
        string = token_regex.code_string(codes) if live else ""
        for index in live:
            ends = token_regex.longest_at_each_start(live[index], string)
            if not ends:
                continue
            kept = token_regex.longest_non_overlapping(ends)
            if kept is None:
                spans.extend(self._reference_matcher(index)(doc))
            else:
                key = self.compiled[index][0]
                spans.extend((key, start, end) for start, end in kept)

    def _count_conditions(self, present: frozenset[str]) -> None:
        self._frequency.update(ord(c) - token_regex.FIRST_CODE for c in present)
        self._sampled += 1
        if self._sampled == self.ANCHOR_SAMPLE:
            self._anchor()

    def _reference_matcher(self, index: int) -> Matcher:
        matcher = self._reference.get(index)
        if matcher is None:
            key, _, patterns = self.compiled[index]
            matcher = self._reference[index] = Matcher(self.vocab)
            matcher.add(key, patterns, greedy="LONGEST")
        return matcher


class RulePatterns:
    """The loaded category patterns and their matchers."""

    def __init__(self, rules: Iterable[Rule]):
        self.nlp = get_nlp()  # the sentence splitter's pipeline: make_doc runs no component
        self._rules: dict[str, Rule] = {}
        vocab = self.nlp.vocab
        self._sides = {w: _Side(vocab) for w in WHERE}
        for rule in rules:
            if rule.id in self._rules:
                other = self._rules[rule.id].file
                raise _fail(Path(rule.file), rule.id, f"duplicate id (also in {other})")
            self._add(rule)
            self._rules[rule.id] = rule
        self._key_to_rule = {vocab.strings[r.id]: r for r in self._rules.values()}
        present = {r.category for r in self._rules.values()}
        self._categories = tuple(c for c in CATEGORIES if c in present)
        self._heading_hits: dict[str, tuple[RuleHit, ...]] = {}  # clauses under one heading share it
        self._warm_words: set[str] = set()
        tokenizer = self.nlp.tokenizer
        tokenizer.max_cache_size = max(tokenizer.max_cache_size, WARM_WORDS)

    # -- loading -------------------------------------------------------------------------

    @classmethod
    def load(cls, folder: Path = RULES_DIR / "patterns") -> "RulePatterns":
        """Load every ``*.yml`` file of ``folder``; a bad file raises ``ValueError`` naming it."""
        folder = Path(folder)
        if not folder.is_dir():
            raise ValueError(f"{folder}: not a folder of rule patterns")
        rules: list[Rule] = []
        for path in sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml")):
            rules.extend(_read_file(path))
        return cls(rules)

    def _add(self, rule: Rule) -> None:
        file = Path(rule.file)
        side = self._sides[rule.where]
        if rule.phrases:
            docs = [self.nlp.make_doc(p) for p in rule.phrases]
            for phrase, doc in zip(rule.phrases, docs):
                if len(doc) == 0:
                    raise _fail(file, rule.id, f"phrase {phrase!r} has no tokens")
            side.phrases.add(rule.id, docs)
            side.has_phrases = True
        else:
            try:
                side.add_tokens(rule)
            except re.error as exc:
                raise _fail(file, rule.id, f"bad token pattern: bad REGEX: {exc}") from None
            except Exception as exc:  # spaCy's MatchPatternError (a ValueError) and the like
                detail = " ".join(str(exc).split())
                raise _fail(file, rule.id, f"bad token pattern: {detail}") from None

    # -- matching ------------------------------------------------------------------------

    def match(self, heading: str | None, text: str) -> list[RuleHit]:
        """Every pattern hit in ``heading`` (heading patterns) and ``text`` (text patterns).

        Hits come heading first, then by position. Where one pattern matches overlapping
        stretches, only the longest is kept.
        """
        hits: list[RuleHit] = []
        if heading:
            hits.extend(self._match_heading(heading))
        if text:
            hits.extend(self._match_string(text, "text"))
        return hits

    def warm(self, texts: Iterable[str]) -> None:
        """Put each new word of ``texts`` in the tokenizer's cache before ``match`` sees them.

        spaCy caches a word's tokens only while the Doc being made has met no special case
        ("a.m.", "Ltd."); after one, every further word of that Doc goes through the prefix,
        suffix and infix rules again. Tokenized alone first, a word is cached (its tokens are
        the same: the tokenizer splits each whitespace-separated word on its own).

        spaCy's cache only grows, up to its size, and then takes no more words: past WARM_WORDS
        (a long folder scan) a word tokenized here would not be kept, so warming stops."""
        if len(self._warm_words) >= WARM_WORDS:
            return
        words = set(chain.from_iterable(map(str.split, texts))) - self._warm_words
        tokenizer = self.nlp.tokenizer
        for word in words:
            tokenizer(word)
        self._warm_words |= words

    def _match_heading(self, heading: str) -> tuple[RuleHit, ...]:
        hits = self._heading_hits.get(heading)
        if hits is None:
            if len(self._heading_hits) > 10_000:
                self._heading_hits.clear()
            hits = self._heading_hits[heading] = tuple(self._match_string(heading, "heading"))
        return hits

    def _match_string(self, string: str, where: str) -> list[RuleHit]:
        doc: Doc = self.nlp.make_doc(string)
        tokens = doc.to_array([ORTH, IDX, LENGTH])
        spans = self._sides[where](doc, tokens[:, 0].tolist())
        if not spans:
            return []
        # longest first at each start, so a contained hit of the same rule can be dropped
        spans.sort(key=lambda m: (m[1], -m[2], m[0]))
        kept_end: dict[int, int] = {}
        hits: list[RuleHit] = []
        starts, lengths = tokens[:, 1].tolist(), tokens[:, 2].tolist()
        for key, start, end in spans:
            if kept_end.get(key, -1) >= end:
                continue
            kept_end[key] = end
            rule = self._key_to_rule[key]
            start_char = starts[start]
            end_char = starts[end - 1] + lengths[end - 1]
            hits.append(RuleHit(rule.id, rule.category, rule.weight, where, start_char, end_char,
                                string[start_char:end_char]))
        return hits

    def score(self, hits: Iterable[RuleHit]) -> dict[str, float]:
        """Per-category score in [0, 1]: noisy-OR, ``1 - prod(1 - weight)``, over distinct rule ids.

        Every loaded category is in the result; one without hits scores 0.0.
        """
        best: dict[str, tuple[str, float]] = {}
        for hit in hits:
            if hit.rule_id not in best or hit.weight > best[hit.rule_id][1]:
                best[hit.rule_id] = (hit.category, hit.weight)
        miss = dict.fromkeys(self._categories, 1.0)
        for category, weight in best.values():
            miss[category] = miss.get(category, 1.0) * (1.0 - weight)
        return {c: min(1.0, max(0.0, 1.0 - m)) for c, m in miss.items()}

    # -- catalog -------------------------------------------------------------------------

    def categories(self) -> list[str]:
        """The categories that have patterns, in the spec's order."""
        return list(self._categories)

    def rules(self) -> list[dict]:
        """One dict per pattern (id, category, where, weight, doc), for a rule catalog."""
        return [r.as_dict() for r in self._sorted()]

    def get(self, rule_id: str) -> Rule:
        """The loaded pattern with this id (its examples, phrases or tokens)."""
        return self._rules[rule_id]

    def __len__(self) -> int:
        return len(self._rules)

    def __iter__(self):
        return iter(self._sorted())

    def _sorted(self) -> list[Rule]:
        order = {c: i for i, c in enumerate(CATEGORIES)}
        return sorted(self._rules.values(), key=lambda r: (order[r.category], r.id))


@lru_cache(maxsize=1)
def default_patterns() -> RulePatterns:
    """The project's own patterns (``rules/patterns``), loaded once per process."""
    return RulePatterns.load()


# -- reading and checking one file ---------------------------------------------------------


def _read_file(path: Path) -> list[Rule]:
    try:
        data = yamlfile.load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping with 'category' and 'patterns'")
    unknown = set(data) - _FILE_KEYS
    if unknown:
        raise ValueError(f"{path}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_FILE_KEYS)}")
    category = data.get("category")
    if category not in CATEGORIES:
        raise ValueError(f"{path}: unknown category {category!r}; known: {', '.join(CATEGORIES)}")
    if path.stem != category:
        raise ValueError(f"{path}: category {category!r} must live in {category}.yml")
    patterns = data.get("patterns")
    if not isinstance(patterns, list) or not patterns:
        raise ValueError(f"{path}: 'patterns' must be a non-empty list")
    rules = []
    seen: set[str] = set()
    for n, item in enumerate(patterns, 1):
        rule = _read_pattern(path, category, n, item)
        if rule.id in seen:
            raise _fail(path, rule.id, "duplicate id")
        seen.add(rule.id)
        rules.append(rule)
    return rules


def _read_pattern(path: Path, category: str, n: int, item: Any) -> Rule:
    if not isinstance(item, dict):
        raise _fail(path, f"#{n}", "expected a mapping")
    pid = item.get("id")
    if not isinstance(pid, str) or not pid:
        raise _fail(path, f"#{n}", "has no 'id'")

    def fail(detail: str) -> ValueError:
        return _fail(path, pid, detail)

    unknown = set(item) - _PATTERN_KEYS
    if unknown:
        raise fail(f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_PATTERN_KEYS)}")
    missing = _REQUIRED_KEYS - set(item)
    if missing:
        raise fail(f"missing key(s) {sorted(missing)}")

    where = item["where"]
    if where not in WHERE:
        raise fail(f"'where' must be one of {list(WHERE)}, not {where!r}")
    m = _ID_RE.match(pid)
    prefix = ID_PREFIXES[category]
    if not m or m.group(1) != prefix:
        raise fail(f"id must look like {prefix}-HEAD-nnn or {prefix}-TEXT-nnn")
    if m.group(2) != _WHERE_CODE[where]:
        raise fail(f"id says {m.group(2)} but 'where' is {where!r}")

    doc = item["doc"]
    if not isinstance(doc, str) or not doc.strip() or "\n" in doc.strip():
        raise fail("'doc' must be one non-empty line")
    weight = item["weight"]
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= 1:
        raise fail(f"'weight' must be a number from 0 to 1, not {weight!r}")

    has_phrases, has_tokens = "phrases" in item, "tokens" in item
    if has_phrases == has_tokens:
        raise fail("needs exactly one of 'phrases' or 'tokens'")
    phrases: tuple[str, ...] = ()
    tokens: tuple[tuple[dict, ...], ...] = ()
    if has_phrases:
        raw = item["phrases"]
        if not isinstance(raw, list) or not raw or not all(isinstance(p, str) and p.strip() for p in raw):
            raise fail("'phrases' must be a non-empty list of non-empty strings")
        phrases = tuple(raw)
    else:
        tokens = _read_tokens(item["tokens"], fail)

    examples = item["examples"]
    if not isinstance(examples, dict):
        raise fail("'examples' must be a mapping with 'match' and 'no_match'")
    unknown = set(examples) - _EXAMPLE_KEYS
    if unknown:
        raise fail(f"unknown example key(s) {sorted(unknown)}; allowed: match, no_match")
    lists = {}
    for key in ("match", "no_match"):
        value = examples.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(s, str) and s.strip() for s in value):
            raise fail(f"needs at least one '{key}' example (a list of strings)")
        lists[key] = tuple(value)

    return Rule(
        id=pid,
        category=category,
        where=where,
        weight=float(weight),
        doc=doc.strip(),
        file=str(path),
        phrases=phrases,
        tokens=tokens,
        match_examples=lists["match"],
        no_match_examples=lists["no_match"],
    )


def _read_tokens(raw: Any, fail) -> tuple[tuple[dict, ...], ...]:
    """One token pattern (a list of dicts) or several alternatives (a list of such lists)."""
    if not isinstance(raw, list) or not raw:
        raise fail("'tokens' must be a non-empty list of token dicts (or a list of such lists)")
    alternatives = raw if all(isinstance(t, list) for t in raw) else [raw]
    out = []
    for alt in alternatives:
        if not isinstance(alt, list) or not alt or not all(isinstance(t, dict) for t in alt):
            raise fail("bad token pattern: each token must be a mapping such as {LOWER: word}")
        for token in alt:
            bad = {k for k in token if str(k).upper() in _NEEDS_TRAINED_PIPELINE}
            if bad:
                raise fail(
                    f"bad token pattern: {sorted(bad)} need(s) a trained pipeline;"
                    " the matcher runs on spacy.blank('en'): use LOWER, REGEX, LIKE_NUM ..."
                )
        if all(set(t) <= {"OP"} for t in alt):
            raise fail("bad token pattern: it has only wildcard tokens")
        out.append(tuple(alt))
    return tuple(out)
