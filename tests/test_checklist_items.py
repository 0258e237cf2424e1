"""Every checklist item against short contract snippets, the way Vale and SQLFluff test their rules.

Each item in ``rules/checklist.yml`` has ``tests/fixtures/checklist/<ITEM-ID>.yml`` with three lists of
snippets, ``met``, ``vague`` and ``missing``, written as a careful reviewer would judge them by
``/work/shared/spec/checklist.md``. A snippet is either a string or a mapping ``{text: ..., xfail: "<why the
rule gets it wrong>"}``; an ``xfail`` case is a known rule defect and is strict, so it fails as soon as the
rule is fixed (then drop the key).

Each snippet runs through the real pipeline: Markdown extraction, clause segmentation, the default labeller
(rules and classifier) and the checklist engine.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from reviewer.paths import RULES_DIR

FIXTURES = Path(__file__).parent / "fixtures" / "checklist"
STATUSES = ("met", "vague", "missing")


def _item_ids() -> list[str]:
    data = yaml.safe_load((RULES_DIR / "checklist.yml").read_text(encoding="utf-8"))
    return [item["id"] for item in data["items"]]


def _cases():
    """One case per snippet; a missing fixture file or list becomes a case that fails and says so."""
    cases = []
    for item_id in _item_ids():
        path = FIXTURES / f"{item_id}.yml"
        if not path.exists():
            cases.append(pytest.param(item_id, "fixture", None, None, id=f"{item_id}-no-fixture"))
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for status in STATUSES:
            snippets = data.get(status)
            if not snippets:
                cases.append(pytest.param(item_id, status, None, None, id=f"{item_id}-{status}-no-cases"))
                continue
            for n, snippet in enumerate(snippets, 1):
                text, reason = (snippet, None) if isinstance(snippet, str) else (snippet["text"], snippet.get("xfail"))
                marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
                cases.append(pytest.param(item_id, status, text, path.name, id=f"{item_id}-{status}-{n}", marks=marks))
    return cases


@lru_cache(maxsize=1)
def _labeler():
    from reviewer.classify.labeler import Labeler
    return Labeler.default()


def review_snippet(item_id: str, text: str):
    from reviewer.checks.checklist import default_checklist, evaluate
    from reviewer.extract.text import parse_markdown
    from reviewer.segment.clauses import segment

    doc = parse_markdown(text, "snippet.md")
    clauses = segment(doc)
    _labeler().label(clauses)
    items = [item for item in default_checklist() if item.id == item_id]
    assert items, f"{item_id} is not in rules/checklist.yml"
    (result,) = evaluate(clauses, items)
    return result, clauses, doc


@pytest.mark.parametrize("item_id, expected, text, fixture", _cases())
def test_checklist_item(item_id, expected, text, fixture):
    assert expected != "fixture", f"{item_id} has no fixture: add tests/fixtures/checklist/{item_id}.yml"
    assert text is not None, f"{item_id}: the fixture has no '{expected}' cases; each of {STATUSES} needs some"
    result, clauses, doc = review_snippet(item_id, text)
    labels = {c.id: c.label_names for c in clauses}
    assert result.status == expected, (
        f"{item_id} ({fixture}): expected {expected}, got {result.status}\n"
        f"evidence: {[(e.clause, e.text, e.measure) for e in result.evidence]}\nclause labels: {labels}\n"
        f"snippet:\n{text}")
    if expected == "missing":
        assert result.evidence == []
    else:
        assert result.evidence, f"{item_id}: a {expected} status must come with evidence"
        for e in result.evidence:  # evidence quotes the document at its own offsets
            assert doc.text[e.start:e.end] == e.text


def test_fixtures_name_known_items():
    """A fixture for an item that no longer exists (or whose id differs from its file name) is stale."""
    ids = set(_item_ids())
    for path in sorted(FIXTURES.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        assert path.stem in ids, f"{path.name}: no checklist item {path.stem} in rules/checklist.yml"
        assert data.get("id", path.stem) == path.stem, f"{path.name}: id {data.get('id')} differs from the file name"
        unknown = set(data) - {"id", *STATUSES}
        assert not unknown, f"{path.name}: unknown keys {sorted(unknown)}"
        for status in STATUSES:
            for snippet in data.get(status) or []:
                if isinstance(snippet, dict):
                    assert set(snippet) <= {"text", "xfail"} and "text" in snippet, f"{path.name}: bad case {snippet}"
