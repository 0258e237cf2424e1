"""The SLA checks' shortcuts answer as the regular expressions they stand in for."""
from __future__ import annotations

import json
from pathlib import Path

from reviewer.checks import sla

ROOT = Path(__file__).resolve().parents[1]


def _training_texts():
    for path in sorted((ROOT / "training" / "clauses").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield json.loads(line)["text"]


def test_availability_words_answer_as_the_regex():
    texts = list(_training_texts()) + ["UPTIME", "Up-Time", "up--time", "Accessible\u2122", "availab\u00eflity", ""]
    answers = [sla._mentions_availability(t) for t in texts]
    assert answers == [sla._AVAILABILITY.search(t) is not None for t in texts]
    assert sum(answers) > 20
