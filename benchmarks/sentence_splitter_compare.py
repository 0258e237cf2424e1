"""One-off comparison of our contract sentence splitter with pySBD.

Prints boundary precision/recall/F1 (the metric of tests/test_sentences.py)
and sentence-level exact-match F1 for both splitters on
tests/fixtures/sentences_gold.jsonl, plus our throughput in characters/s.

pySBD is NOT a project dependency; install it by hand in the venv to run this:

    .venv/bin/pip install pysbd
    .venv/bin/python benchmarks/sentence_splitter_compare.py
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewer.segment.sentences import split_sentences  # noqa: E402

GOLD = ROOT / "tests" / "fixtures" / "sentences_gold.jsonl"


def load_gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def spans_from_strings(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    """Locate stripped sentence strings in order (robust to splitters' own offsets)."""
    spans, pos = [], 0
    for s in sentences:
        s = s.strip()
        if not s:
            continue
        i = text.find(s, pos)
        if i < 0:  # splitter altered the text; skip this sentence
            continue
        spans.append((i, i + len(s)))
        pos = i + len(s)
    return spans


def scores(gold: list[dict], splitter) -> dict:
    btp = bfp = bfn = 0
    stp = sfp = sfn = 0
    for item in gold:
        text = item["text"]
        g = spans_from_strings(text, item["sentences"])
        p = splitter(text)
        gb, pb = {e for _, e in g[:-1]}, {e for _, e in p[:-1]}
        btp += len(gb & pb)
        bfp += len(pb - gb)
        bfn += len(gb - pb)
        gs, ps = set(g), set(p)
        stp += len(gs & ps)
        sfp += len(ps - gs)
        sfn += len(gs - ps)

    def prf(tp, fp, fn):
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    return {"boundary": prf(btp, bfp, bfn), "sentence": prf(stp, sfp, sfn)}


def pysbd_splitter():
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False)

    def split(text: str) -> list[tuple[int, int]]:
        return spans_from_strings(text, seg.segment(text))

    return split


def throughput(gold: list[dict], repeat: int = 200) -> float:
    text = "\n\n".join(item["text"] for item in gold) * repeat
    split_sentences("warm up.")
    t0 = time.perf_counter()
    split_sentences(text)
    return len(text) / (time.perf_counter() - t0)


def main() -> None:
    gold = load_gold()
    n_sents = sum(len(g["sentences"]) for g in gold)
    print(f"gold set: {len(gold)} passages, {n_sents} sentences")
    rows = [("contract_sentencizer", split_sentences)]
    try:
        rows.append(("pySBD " + __import__("pysbd").__version__, pysbd_splitter()))
    except ImportError:
        print("pysbd not installed; skipping (pip install pysbd)")
    print(f"{'splitter':24} {'boundary P':>10} {'R':>6} {'F1':>6}   {'sentence F1':>11}")
    for name, fn in rows:
        s = scores(gold, fn)
        p, r, f = s["boundary"]
        print(f"{name:24} {p:10.3f} {r:6.3f} {f:6.3f}   {s['sentence'][2]:11.3f}")
    print(f"contract_sentencizer throughput: {throughput(gold):,.0f} chars/s")


if __name__ == "__main__":
    main()
