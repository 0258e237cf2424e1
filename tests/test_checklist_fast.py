"""The checklist's shortcuts (one literal pass per document, units visited only where a mention can
match, facts found once per text, stopping at the third met unit) give the answers of the plain
evaluation: every unit, every pattern, facts found afresh for every item."""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from reviewer.checks import checklist as C
from reviewer.checks.facts import PRIORITY, find_facts
from reviewer.classify.train import load_dataset
from reviewer.literals import LiteralIndex

ROOT = Path(__file__).resolve().parents[1]


def _plain_mentions(item, unit) -> bool:
    if any(p.search(unit.text) for p in item.strong):
        return True
    if item.categories and not any(unit.clause.scores.get(c, 0.0) >= C.GATE or c in unit.clause.label_names
                                   for c in item.categories):
        return False
    return any(all(p.search(unit.text) for p in group) for group in item.mentions)


def _plain_measure(item, unit) -> str:
    if item.measure_scope == "clause":
        clause = unit.clause
        body = clause.table_text if clause.kind == C.TABLE_ROW else clause.text
        text = f"{clause.heading or ''}\n{clause.lead}\n{body}"
    else:
        text = unit.text
    text = C._PLACEHOLDER.sub(" ", text)
    if C._DISCRETION.search(text):
        return ""
    if item.min_distinct_priorities:
        if len({f.qualifier for f in find_facts(text, (PRIORITY,))}) < item.min_distinct_priorities:
            return ""
    if item.measure_facts:
        facts = find_facts(text, item.measure_facts)
        if item.not_after is not None:
            facts = [f for f in facts if not item.not_after.search(text[max(0, f.start - 60):f.start])]
        if facts:
            return facts[0].text
    for pattern in item.measure_patterns:
        m = pattern.search(text)
        if m:
            return m.group(0)
    return ""


def plain_evaluate(clauses, items) -> list[dict]:
    out = []
    for item in items:
        met, vague = [], []
        for unit in C._units(clauses):
            if _plain_mentions(item, unit):
                measure = _plain_measure(item, unit)
                evidence = C.Evidence(unit.clause.id, unit.clause.page, unit.evidence_text, unit.start, unit.end,
                                      measure)
                (met if measure else vague).append(evidence)
        status, evidence = (C.MET, met[:3]) if met else (C.VAGUE, vague[:3]) if vague else (C.MISSING, [])
        out.append(C.ItemResult(item.id, status, item.severity, item.area, item.question, evidence).to_dict())
    return out


def _training_documents():
    """Each training document as Markdown (headings and clauses), so segmentation builds real units."""
    docs = defaultdict(list)
    for row in load_dataset():
        docs[row["doc"]].append(row)
    for rows in docs.values():
        parts, last = [], None
        for row in rows:
            if row.get("heading") and row["heading"] != last:
                parts.append(f"## {row['heading']}")
                last = row["heading"]
            parts.append(row["text"])
        yield "\n\n".join(parts)


@pytest.fixture(scope="module")
def training_clauses():
    from reviewer.classify.labeler import Labeler
    from reviewer.extract.text import parse_markdown
    from reviewer.segment.clauses import segment
    labeler = Labeler.default()
    out = []
    for n, text in enumerate(_training_documents()):
        clauses = segment(parse_markdown(text, f"training-{n}.md"))
        labeler.label(clauses)
        out.append(clauses)
    assert len(out) > 20
    return out


def test_checklist_equals_the_plain_evaluation_on_training_documents(training_clauses):
    items = C.default_checklist()
    statuses = set()
    for clauses in training_clauses:
        fast = [r.to_dict() for r in C.evaluate(clauses, items)]
        assert fast == plain_evaluate(clauses, items)
        statuses.update(r["status"] for r in fast)
    assert statuses == {C.MET, C.VAGUE, C.MISSING}


def test_checklist_equals_the_plain_evaluation_on_samples():
    from reviewer.classify.labeler import Labeler
    from reviewer.extract import extract
    from reviewer.segment.clauses import segment
    labeler, items = Labeler.default(), C.default_checklist()
    for path in sorted((ROOT / "samples").glob("*.pdf")) + sorted((ROOT / "samples").glob("*.docx")):
        clauses = segment(extract(path))
        labeler.label(clauses)
        assert [r.to_dict() for r in C.evaluate(clauses, items)] == plain_evaluate(clauses, items), path.name


def _naive_candidates(index: LiteralIndex, text: str):
    if not text.isascii():
        return None
    low, out = text.lower(), set(index.always)
    for lit in index.literals:
        if lit in low:
            out |= index.by_literal[lit]
    return out


def _texts(training_clauses):
    texts = [u.text for clauses in training_clauses for u in C._units(clauses)]
    return texts + ["respond promptly \u2014 always", "", "P1 and p2 @ 24x7 out-of-scope", "service  credit",
                    "a service credit\tdue", "penetration\x1ftest", "SERVICE\nLEVEL", " ", "the following:"]


def _indexes():
    from reviewer.checks.vague import VagueLexicon
    lexicon = VagueLexicon.load()
    checklist_patterns = [p for item in C.default_checklist()
                          for p in (*item.strong, *(p for group in item.mentions for p in group))]
    overlapping = [re.compile(p, re.I) for p in ("abcd", "bcdef", "cd", "d", "xy+z", r"\d+")]
    return [LiteralIndex(rx for r in lexicon._rules for rx in r.compiled), LiteralIndex(checklist_patterns),
            LiteralIndex(overlapping)]


def test_candidates_equal_substring_tests(training_clauses):
    texts = _texts(training_clauses) + ["abcdef", "xabcdx", "bcdeg", "xyyz", "ABCD"]
    for index in _indexes():
        for text in texts:
            assert index.candidates(text) == _naive_candidates(index, text), text


def test_texts_by_pattern_equals_candidates_of_each_text(training_clauses):
    texts = _texts(training_clauses) + ["abcdef", "xabcdx", "bcdeg", "xyyz", "ABCD"]
    for index in _indexes():
        expected = defaultdict(set)
        every_pattern = index.always | {pid for pids in index.by_literal.values() for pid in pids}
        for i, text in enumerate(texts):
            for pid in index.candidates(text) if text.isascii() else every_pattern:
                expected[pid].add(i)
        found = index.texts_by_pattern(texts)
        assert set(found) == every_pattern
        assert {pid: where for pid, where in found.items() if where} == dict(expected)


def test_candidates_stay_exact_when_the_token_memory_is_emptied(training_clauses, monkeypatch):
    from reviewer import literals
    monkeypatch.setattr(literals._LiteralFinder, "_MAX_TOKENS", 50)
    texts = _texts(training_clauses)[:3000]
    for index in _indexes():
        for text in texts:
            assert index.candidates(text) == _naive_candidates(index, text), text


def _item(iid, *, categories=(), strong=(), mentions=(), scope="sentence", facts=(), patterns=()):
    compile_ = lambda p: re.compile(p, re.I)  # noqa: E731
    return C.ChecklistItem(
        id=iid, area="Test", question="?", doc="", severity="low", categories=tuple(categories),
        mentions=[[compile_(p) for p in group] for group in mentions], strong=[compile_(p) for p in strong],
        measure_scope=scope, measure_facts=tuple(facts), measure_patterns=[compile_(p) for p in patterns],
        min_distinct_priorities=0, not_after=None, rationale="", suggest="")


def test_unusual_items_equal_the_plain_evaluation(training_clauses):
    """Shapes the shipped checklist may not have: an empty 'all' group, no categories, only strong
    patterns, patterns with no required literal, several patterns that must all match."""
    items = [
        _item("EMPTY-GROUP", categories=("sla",), mentions=[[]], facts=("duration",)),
        _item("NO-CATEGORIES", mentions=[[r"\bservices?\b", r"\bwithin\b"]], facts=("duration", "percentage")),
        _item("STRONG-ONLY", strong=[r"\bterminat\w*"], patterns=[r"\bnotice\b"]),
        _item("NO-LITERAL", categories=("fees",), mentions=[[r"\d+"], [r"[$]"]], scope="clause", facts=("money",)),
        _item("NOTHING"),
    ]
    for clauses in training_clauses[:40]:
        assert [r.to_dict() for r in C.evaluate(clauses, items)] == plain_evaluate(clauses, items)
