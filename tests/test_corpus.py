"""Real public contracts in ../shared/corpus (read-only, not part of the project): every file must
extract and review cleanly, and the labelled figures must not regress. Skipped where the folder is absent."""
import re
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FILES = sorted(p for p in CORPUS.glob("*") if p.is_file() and p.suffix in (".pdf", ".md")) if CORPUS.is_dir() else []
pytestmark = pytest.mark.skipif(not FILES, reason="../shared/corpus is not here")


@pytest.fixture(scope="module")
def reviewer():
    from reviewer.pipeline import Reviewer
    return Reviewer()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name[:60])
def test_corpus_file_extracts_cleanly(path):
    from reviewer.extract import extract
    doc = extract(path)
    assert len(doc.text) > 1000
    assert all(doc.text[b.start:b.end] == b.text for b in doc.blocks)
    lines = [ln.strip() for ln in doc.text.splitlines()]
    assert not [ln for ln in lines if re.fullmatch(r"(?i)page \d+( of \d+)?", ln)], "page-number lines left in"
    assert "\ufffd" not in doc.text, "undecodable characters"
    if doc.format == "pdf":
        assert all(b.page and 1 <= b.page <= doc.pages for b in doc.blocks)
    else:
        assert "<span" not in doc.text and "](" not in doc.text, "markup left in Markdown text"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name[:60])
def test_corpus_file_reviews(reviewer, path):
    from reviewer.checks.checklist import default_checklist
    result = reviewer.review_file(path)
    assert result["status"] == "ok", result["error"]
    assert [c["id"] for c in result["checklist"]] == [i.id for i in default_checklist()]
    for finding in result["findings"]:
        if finding["kind"] == "vague_term":
            assert finding["text"].lower() in finding["sentence"].lower()


def test_labelled_corpus_figures_do_not_regress(reviewer):
    """The corpus labels are one careful reading; these bars sit just under today's figures."""
    from reviewer.evaluate import evaluate_contracts
    report = evaluate_contracts(reviewer, CORPUS / "expected", CORPUS)
    assert not report["errors"], report["errors"]
    assert report["accuracy"] >= 0.95, report["disagreements"]
    assert report["precision"] >= 0.92 and report["recall"] >= 0.92, report["disagreements"]
