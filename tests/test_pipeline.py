"""The Reviewer as a long-lived object: what loading it leaves behind in the process."""
from __future__ import annotations

import subprocess
import sys

CHECK = """
import gc
from reviewer.pipeline import Reviewer
before = gc.get_freeze_count()
Reviewer()
print(before, gc.get_freeze_count(), len(gc.garbage))
"""


def test_loaded_rules_and_model_are_kept_out_of_the_collectors_walks():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True).stdout.split()
    before, after, garbage = map(int, out)
    assert before == 0
    assert after > 10_000  # the rules, model and libraries, frozen once loaded
    assert garbage == 0
