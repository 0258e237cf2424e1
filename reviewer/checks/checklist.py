"""The checklist engine: each item in rules/checklist.yml gets met / vague / missing, with evidence.

An item is decided per unit: a sentence of a clause, or a whole table row read with its header row.
A unit "mentions" an item when one of its mention patterns matches (in a clause carrying one of
the item's categories, unless the pattern is `strong`); it "measures" it when the item's facts or
measure patterns are found in the same unit (or the same clause, for items scoped to clauses).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

from reviewer import yamlfile
from reviewer.checks.facts import PRIORITY, find_facts
from reviewer.paths import RULES_DIR
from reviewer.segment.clauses import TABLE_ROW, Clause

MET, VAGUE, MISSING, NOT_APPLICABLE = "met", "vague", "missing", "not_applicable"
SEVERITIES = ("high", "medium", "low")
_ITEM_KEYS = {"id", "area", "question", "doc", "severity", "categories", "mentions", "strong", "measures",
              "rationale", "suggest"}
_MEASURE_KEYS = {"scope", "facts", "patterns", "min_distinct_priorities", "not_after"}
_DISCRETION = re.compile(
    r"\b(?:in|at) (?:its|their|our|his|her|[A-Z][\w&.-]*(?:'s|’s)) (?:sole |absolute |own |reasonable )?discretion\b"
    r"|\bas (?:it|we|they|\w+) (?:may )?(?:considers?|deems?|sees? fit|determines?|thinks? fit)\b"
    r"|\b(?:amount|manner|time|extent|form)s? (?:as )?(?:determined|decided|chosen|set) by\b"
    r"|\busing its own (?:\w+ )?(?:tools|methods)\b|\bwhich [\w ]{1,30} may change from time to time\b"
    r"|\b(?:on terms |at rates |at a price )?(?:to be|as may be|yet to be) agreed\b|\bas agreed (?:between the parties )?(?:in writing )?from time to time\b", re.I)
GATE = 0.3  # a clause is looked in for an item when one of the item's categories scores at least this
_PLACEHOLDER = re.compile(r"\[\s*(?:[xX#•_.\s]+|\w{0,3}|insert[^\]]*|tbc|tbd)\s*\]|_{3,}|\bTB[CD]\b")


@dataclass(frozen=True)
class Evidence:
    clause: str
    page: Optional[int]
    text: str
    start: int
    end: int
    measure: str = ""  # the words that made it measurable, where it is met

    def to_dict(self) -> dict:
        d = {"clause": self.clause, "page": self.page, "text": self.text, "start": self.start, "end": self.end}
        if self.measure:
            d["measure"] = self.measure
        return d


@dataclass
class ItemResult:
    id: str
    status: str
    severity: str
    area: str
    question: str
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"id": self.id, "status": self.status, "severity": self.severity, "area": self.area,
                "question": self.question, "evidence": [e.to_dict() for e in self.evidence]}


@dataclass
class ChecklistItem:
    id: str
    area: str
    question: str
    doc: str
    severity: str
    categories: tuple[str, ...]
    mentions: list[list[re.Pattern]]  # alternatives; each a list of patterns that must all match
    strong: list[re.Pattern]
    measure_scope: str
    measure_facts: tuple[str, ...]
    measure_patterns: list[re.Pattern]
    min_distinct_priorities: int
    not_after: Optional[re.Pattern]  # a fact right after these words does not count (a cap, not an amount)
    rationale: str
    suggest: str

    def to_dict(self) -> dict:
        return {"id": self.id, "area": self.area, "question": self.question, "doc": self.doc,
                "severity": self.severity, "categories": list(self.categories), "rationale": self.rationale,
                "suggest": self.suggest}


def _compile(pattern: str, where: str) -> re.Pattern:
    try:
        return re.compile(pattern, re.I)
    except re.error as exc:
        raise ValueError(f"{where}: bad regular expression {pattern!r}: {exc}") from None


def load_checklist(path: Path = RULES_DIR / "checklist.yml") -> list[ChecklistItem]:
    data = yamlfile.load(path.read_text(encoding="utf-8"))
    items, seen = [], set()
    for raw in data.get("items", []):
        iid = raw.get("id", "?")
        where = f"{path}: item {iid}"
        unknown = set(raw) - _ITEM_KEYS
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
        if iid in seen:
            raise ValueError(f"{where}: duplicate id")
        seen.add(iid)
        if raw.get("severity") not in SEVERITIES:
            raise ValueError(f"{where}: severity must be one of {SEVERITIES}")
        measures = raw.get("measures") or {}
        if set(measures) - _MEASURE_KEYS:
            raise ValueError(f"{where}: unknown measure keys {sorted(set(measures) - _MEASURE_KEYS)}")
        mentions = []
        for m in raw.get("mentions", []):
            group = m["all"] if isinstance(m, dict) else [m]
            mentions.append([_compile(p, where) for p in group])
        items.append(ChecklistItem(
            id=iid, area=raw["area"], question=raw["question"], doc=raw["doc"], severity=raw["severity"],
            categories=tuple(raw.get("categories", ())), mentions=mentions,
            strong=[_compile(p, where) for p in raw.get("strong", [])],
            measure_scope=measures.get("scope", "sentence"), measure_facts=tuple(measures.get("facts", ())),
            measure_patterns=[_compile(p, where) for p in measures.get("patterns", [])],
            min_distinct_priorities=int(measures.get("min_distinct_priorities", 0)),
            not_after=_compile(measures["not_after"], where) if measures.get("not_after") else None,
            rationale=raw["rationale"].strip(), suggest=raw["suggest"].strip(),
        ))
    return items


@lru_cache(maxsize=1)
def default_checklist() -> tuple[ChecklistItem, ...]:
    return tuple(load_checklist())


@dataclass(slots=True)
class _Unit:
    clause: Clause
    text: str  # what is matched: the sentence, or a table row with its header
    evidence_text: str
    start: int
    end: int


def _units(clauses: list[Clause]):
    """Sentences read with their heading and the sentence they complete; table cells read with the
    row's first cell and their column's header, so a duration in the Response column is not read as
    a resolution time."""
    for clause in clauses:
        heading = f"{clause.heading}: " if clause.heading and clause.heading not in clause.text else ""
        if clause.kind == TABLE_ROW:
            cells = clause.cells or [clause.text]
            first = cells[0]
            for i, cell in enumerate(cells):
                if not cell:
                    continue
                title = clause.header[i] if i < len(clause.header) else ""
                label = f"{title}: " if title else ""
                text = f"{heading}\n{label}{cell}" if i == 0 else f"{heading}\n{first}\n{label}{cell}"
                yield _Unit(clause, text, clause.text, clause.start, clause.end)
            continue
        lead = f"{clause.lead}\n" if clause.lead else ""
        for sentence in clause.sentences or []:
            yield _Unit(clause, heading + lead + sentence.text, sentence.text, sentence.start, sentence.end)


def evaluate(clauses: list[Clause], items=None, *, select=(), ignore=()) -> list[ItemResult]:
    items = items if items is not None else default_checklist()
    document = _Document(list(_units(clauses)), _mention_index(items))
    results = []
    for item in items:
        if (select and not item.id.startswith(tuple(select))) or (ignore and item.id.startswith(tuple(ignore))):
            continue
        results.append(_evaluate_item(item, document))
    return results


_INDEXES: dict = {}


def _mention_index(items):
    """A LiteralIndex over the items' strong and mention patterns (reviewer/literals.py), built once."""
    from reviewer.literals import LiteralIndex
    patterns = [p for item in items for p in (*item.strong, *(p for group in item.mentions for p in group))]
    key = tuple(id(p) for p in patterns)
    entry = _INDEXES.get(key)
    if entry is None:
        if len(_INDEXES) > 8:
            _INDEXES.clear()
        entry = _INDEXES[key] = (patterns, LiteralIndex(patterns))  # the list keeps the ids valid
    return entry[1]


class _Document:
    """What every item reads, worked out once per document rather than once per item: the units each
    mention pattern could match (one pass over the units for all patterns' required literals), the
    categories each unit's clause is looked in for, and each measured text's placeholders, discretion and facts."""

    def __init__(self, units: list[_Unit], index):
        self.units = units
        self.could_match: dict[int, set[int]] = index.texts_by_pattern([u.text for u in units])
        self._measured: dict[str, _Measured] = {}
        self.unit_categories = self._categories_of_units()

    def units_to_visit(self, item: ChecklistItem) -> list[int]:
        """Positions of the units that can mention ``item``, in document order: those where one of its
        strong patterns could match, and those in a gated clause where every pattern of one of its
        mention groups could."""
        could, everywhere = self.could_match, range(len(self.units))
        found = set().union(*(could[id(p)] for p in item.strong))
        by_mention: set[int] = set()
        for group in item.mentions:
            by_mention |= set.intersection(*(could[id(p)] for p in group)) if group else set(everywhere)
        by_mention -= found
        if by_mention and item.categories:
            categories = self.unit_categories
            by_mention = {i for i in by_mention if not categories[i].isdisjoint(item.categories)}
        return sorted(found | by_mention)

    def _categories_of_units(self) -> list[frozenset]:
        out, clause, categories = [], None, frozenset()
        for unit in self.units:  # a clause's units come together
            if unit.clause is not clause:
                clause, categories = unit.clause, _gate_categories(unit.clause)
            out.append(categories)
        return out

    def mentions(self, item: ChecklistItem, i: int) -> bool:
        """Whether unit ``i`` mentions ``item``: the patterns' own answer, run only where they could match."""
        could, text = self.could_match, self.units[i].text
        if any(i in could[id(p)] and p.search(text) for p in item.strong):
            return True
        if item.categories and self.unit_categories[i].isdisjoint(item.categories):
            return False
        return any(all(i in could[id(p)] and p.search(text) for p in group) for group in item.mentions)

    def measured(self, text: str) -> "_Measured":
        entry = self._measured.get(text)
        if entry is None:
            entry = self._measured[text] = _Measured(text)
        return entry


def _gate_categories(clause: Clause) -> frozenset:
    """The categories a clause is looked in for: those it scores at least GATE on, or is labelled with."""
    return frozenset(c for c, score in clause.scores.items() if score >= GATE).union(clause.label_names)


class _Measured:
    """A text as measures read it (placeholders blanked), with what does not depend on the item
    found once for all items: whether a party may set the measure at will, and its facts."""

    __slots__ = ("text", "discretion", "_facts")

    def __init__(self, text: str):
        self.text = _PLACEHOLDER.sub(" ", text)
        self.discretion = bool(_DISCRETION.search(self.text))
        self._facts: dict[tuple[str, ...], list] = {}

    def facts(self, kinds: tuple[str, ...]) -> list:
        """``find_facts(self.text, kinds)``, found once per set of kinds (items ask for a few)."""
        found = self._facts.get(kinds)
        if found is None:
            found = self._facts[kinds] = find_facts(self.text, kinds)
        return found


def _measure(item: ChecklistItem, unit: _Unit, document: _Document, memo: dict) -> str:
    """The words that make the unit's statement measurable, or '' when there are none."""
    if item.measure_scope == "clause":
        clause = unit.clause
        body = clause.table_text if clause.kind == TABLE_ROW else clause.text
        text = f"{clause.heading or ''}\n{clause.lead}\n{body}"
    else:
        text = unit.text
    if text not in memo:  # the sentences of one clause share its text when the scope is the clause
        memo[text] = _measure_text(item, document.measured(text))
    return memo[text]


def _measure_text(item: ChecklistItem, measured: _Measured) -> str:
    if measured.discretion:
        return ""  # a measure one party may set or change at will measures nothing
    text = measured.text
    if item.min_distinct_priorities:
        levels = {f.qualifier for f in measured.facts((PRIORITY,))}
        if len(levels) < item.min_distinct_priorities:
            return ""
    if item.measure_facts:
        facts = measured.facts(item.measure_facts)
        if item.not_after is not None:
            facts = [f for f in facts if not item.not_after.search(text[max(0, f.start - 60):f.start])]
        if facts:
            return facts[0].text
    for pattern in item.measure_patterns:
        m = pattern.search(text)
        if m:
            return m.group(0)
    return ""


_EVIDENCE_KEPT = 3


def _evaluate_item(item: ChecklistItem, document: _Document) -> ItemResult:
    """Units in document order; once enough met evidence is found, no later unit can change the result."""
    met, vague, memo = [], [], {}
    for i in document.units_to_visit(item):
        if not document.mentions(item, i):
            continue
        unit = document.units[i]
        measure = _measure(item, unit, document, memo)
        evidence = Evidence(unit.clause.id, unit.clause.page, unit.evidence_text, unit.start, unit.end, measure)
        (met if measure else vague).append(evidence)
        if len(met) == _EVIDENCE_KEPT:
            break
    if met:
        status, evidence = MET, met[:_EVIDENCE_KEPT]
    elif vague:
        status, evidence = VAGUE, vague[:_EVIDENCE_KEPT]
    else:
        status, evidence = MISSING, []
    return ItemResult(item.id, status, item.severity, item.area, item.question, evidence)
