"""Fast paths in pdf_text give exactly what the full rules give."""
from __future__ import annotations

import json
from pathlib import Path

import reviewer.extract.pdf_text as pdf_text
from reviewer.extract.pdf_text import clean, leading_number

ROOT = Path(__file__).resolve().parent.parent


def _texts() -> list[str]:
    """Every line of every training clause and heading, plus starts that almost number."""
    out = []
    for f in sorted((ROOT / "training" / "clauses").glob("*.jsonl")):
        for row in f.read_text(encoding="utf-8").splitlines():
            rec = json.loads(row)
            for field in ("text", "heading"):
                if rec.get(field):
                    out.extend(rec[field].splitlines())
                    out.extend(w for w in rec[field].split(". ")[:3])
    out += ["1.", "1.2", "1.0 Scope", "(a) x", "iv) x", "A.1 Scope", "B. Terms", "Schedule 2",
            "SCHEDULE 2 - Fees", "Annexure A", "annexure 1", "Part IV", "clause 7.1 Fees",
            "x. y", "abcdef. g", "a) b", "(iv)", "\u0661. Arabic digit", "\u212a", "Ss. 3",
            "\u017fection 4 Term", "Article\u00a0IV Term", "12) Scope", "123. Big", "e.g. this",
            "", " ", "-", "\u2022 bullet", "ii. Second", "IIII. four", "vi) six"]
    return out


def test_leading_number_shortcuts_are_exact():
    """The prefilter and the first-character dispatch against all seven rules in order."""

    def every_rule(text: str):
        for pattern, reading in pdf_text._NUMBER_RULES:
            m = pattern.match(text)
            if m:
                return reading(m)
        return None

    texts = _texts()
    key = lambda n: None if n is None else (n.number, n.kind, n.depth)  # noqa: E731
    full = [key(every_rule(t)) for t in texts]
    assert [key(leading_number(t)) for t in texts] == full
    assert sum(n is not None for n in full) > 100


def test_clean_ascii_fast_path_is_exact():
    texts = _texts() + ["a  b", "  a\tb ", "x\x7fy", "tab\there", "\x02end", "a \u00a0 b", "ﬁne"]

    def slow(text: str) -> str:
        text = text.translate(pdf_text._TRANS)
        if "\u019f" in text:
            text = pdf_text._OBAR_TI.sub("ti", text)
        text = pdf_text._PUA_BULLET.sub("\u2022", text.strip())
        return pdf_text._SPACES.sub(" ", text)

    assert [clean(t) for t in texts] == [slow(t) for t in texts]
