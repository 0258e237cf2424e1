"""The literal prefilter (reviewer/literals.py) only ever skips patterns that could not have matched."""
import re
from pathlib import Path

import pytest
import yaml

from reviewer.checks import checklist as checklist_module
from reviewer.checks.checklist import default_checklist, evaluate
from reviewer.checks.vague import VagueLexicon
from reviewer.literals import LiteralIndex, requirement

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "checklist"


def test_requirements_of_simple_patterns():
    I = re.I  # noqa: E741
    # Python's parser factors "(?:bar|baz)" into "ba[rz]": "fooba" must occur
    assert requirement(re.compile(r"\bfoo(?:bar|baz)\b", I)) == frozenset({"fooba"})
    assert requirement(re.compile(r"\b(?:take[sn]?|taking|took)\s+steps\b", I)) == frozenset({"steps"})
    assert requirement(re.compile(r"\b(?:Quick|slow)ly\b", I)) == frozenset({"quick", "slow"})
    assert requirement(re.compile(r"(?:abc)?\d+", I)) is None  # nothing is required
    assert requirement(re.compile(r"a|\d", I)) is None  # one branch requires nothing
    assert requirement(re.compile(r"(?:ab){2,}c?", I)) == frozenset({"ab"})
    assert requirement(re.compile(r"caf\u00e9", I)) is None  # non-ASCII literal: always run


def test_candidates_run_everything_on_non_ascii_text():
    p, q = re.compile(r"\bdeadline\b", re.I), re.compile(r"\bpromptly\b", re.I)
    index = LiteralIndex([p, q])
    assert index.candidates("Respond PROMPTLY.") == {id(q)}
    assert index.candidates("nothing here") == set()
    assert index.candidates("respond promptly \u2014 always") is None


def _vague_examples(lexicon):
    for rule in lexicon._rules:
        for kind in ("fail", "pass"):
            yield from rule.examples.get(kind, [])


def _checklist_snippets():
    for path in sorted(FIXTURES.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for status in ("met", "vague", "missing"):
            for case in data.get(status) or []:
                yield case["text"] if isinstance(case, dict) else case


def test_every_pattern_match_has_its_required_literal():
    """On every rule example and checklist snippet: a pattern that matches passes the prefilter."""
    lexicon = VagueLexicon.load()
    patterns = [rx for r in lexicon._rules for rx in r.compiled]
    patterns += [p for item in default_checklist()
                 for p in (*item.strong, *(p for group in item.mentions for p in group))]
    texts = [t for t in list(_vague_examples(lexicon)) + list(_checklist_snippets()) if t.isascii()]
    assert len(texts) > 300
    needs = [(p, requirement(p)) for p in patterns]
    for text in texts:
        low = text.lower()
        for p, need in needs:
            if need is not None and p.search(text):
                assert any(lit in low for lit in need), (p.pattern, text)


def _sentences(path):
    from reviewer.checks.vague import SentenceInput
    from reviewer.extract import extract
    from reviewer.segment.clauses import TABLE_ROW, segment
    clauses = segment(extract(path))
    out = []
    for c in clauses:
        if c.kind == TABLE_ROW:
            out.append(SentenceInput(c.text, c.start, c.end, c.page, c.id, c.text))
        else:
            out += [SentenceInput(s.text, s.start, s.end, s.page, c.id, c.text) for s in c.sentences]
    return clauses, out


@pytest.fixture(scope="module")
def sample_docs():
    from reviewer.classify.labeler import Labeler
    labeler = Labeler.default()
    docs = []
    for path in sorted((ROOT / "samples").glob("*.pdf")) + sorted((ROOT / "samples").glob("*.docx")):
        clauses, sentences = _sentences(path)
        labeler.label(clauses)
        docs.append((clauses, sentences))
    return docs


def test_checklist_results_are_the_same_without_the_prefilter(sample_docs, monkeypatch):
    items = default_checklist()
    fast = [[r.to_dict() for r in evaluate(clauses, items)] for clauses, _ in sample_docs]
    monkeypatch.setattr(LiteralIndex, "texts_by_pattern", _every_text_for_every_pattern)
    checklist_module._INDEXES.clear()
    slow = [[r.to_dict() for r in evaluate(clauses, items)] for clauses, _ in sample_docs]
    assert fast == slow


def _every_text_for_every_pattern(self, texts):
    everywhere = set(range(len(texts)))
    return {pid: set(everywhere) for pid in self.always | {p for ps in self.by_literal.values() for p in ps}}
