"""The SLA checks' shortcuts answer as the regular expressions they stand in for."""
from __future__ import annotations

from reviewer.checks import sla
from reviewer.classify.train import load_dataset


def _training_texts():
    return [row["text"] for row in load_dataset()]


def test_availability_words_answer_as_the_regex():
    texts = list(_training_texts()) + ["UPTIME", "Up-Time", "up--time", "Accessible\u2122", "availab\u00eflity", ""]
    answers = [sla._mentions_availability(t) for t in texts]
    assert answers == [sla._AVAILABILITY.search(t) is not None for t in texts]
    assert sum(answers) > 20
