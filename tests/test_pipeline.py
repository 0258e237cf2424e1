"""The Reviewer as a long-lived object: what loading it leaves behind in the process."""
from __future__ import annotations

import subprocess
import sys

CHECK = """
import gc
gc.disable()  # so the cycles below wait for the Reviewer instead of an automatic collection


class Cycle:
    pass


for _ in range(1000):
    c = Cycle()
    c.me = c
del c
from reviewer.pipeline import Reviewer
before = gc.get_freeze_count()
Reviewer()
first = gc.get_freeze_count()
Reviewer()
second = gc.get_freeze_count()
gc.unfreeze()
print(before, first, second, gc.collect())
"""


def test_loaded_rules_and_model_are_frozen_once_without_garbage():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True).stdout.split()
    before, first, second, unreachable = map(int, out)
    assert before == 0
    assert first > 10_000  # the rules, model and libraries: kept out of the collector's walks
    assert second == first  # once per process
    assert unreachable < 1000  # the 1,000 cycles made before loading were collected, not frozen
