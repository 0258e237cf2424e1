"""Golden files: the JSON review of each sample contract, compared field by field.

`tests/golden/<sample>.json` is what `contract-review review samples/<sample> --format json`
prints, normalised so that it does not depend on the machine:

- `file` stays as given on the command line, relative to the repository (`samples/<sample>`);
  any absolute path to the repository in any string becomes `<repo>`;
- `clauses[].scores` and `clauses[].reasons` are dropped: they are the classifier's
  probabilities, which move in the last digits between BLAS builds and on every retrain (the
  `labels` they produce are kept);
- other floats are rounded to 4 decimals.

A change to the rules, the classifier or the extractors changes these files on purpose. Look at
the diff, then regenerate and commit them:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

One test also runs the real command line on one sample, to show the in-process review used
here is what the CLI prints.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLES = sorted(p.name for p in (ROOT / "samples").iterdir() if p.suffix.lower() in (".pdf", ".docx"))
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
DROP_CLAUSE_KEYS = ("scores", "reasons")


def normalise(result: dict) -> dict:
    root = str(ROOT)

    def walk(value):
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, float):
            return round(value, 4)
        if isinstance(value, str) and root in value:
            return value.replace(root, "<repo>")
        return value

    out = walk(result)
    for clause in out.get("clauses") or []:
        for key in DROP_CLAUSE_KEYS:
            clause.pop(key, None)
    return out


@pytest.fixture(scope="module")
def reviewer():
    from reviewer.pipeline import Reviewer
    return Reviewer()


def _review(reviewer, sample: str) -> dict:
    # the CLI passes the path as typed; with `samples/<x>` typed in the repository, that is the display name
    result = reviewer.review_file(ROOT / "samples" / sample, display_name=f"samples/{sample}")
    return normalise(json.loads(json.dumps(result, ensure_ascii=False)))


def _diff(expected, actual, path="$", out=None, limit=15):
    """The first few paths where two JSON values differ, for a readable failure."""
    out = [] if out is None else out
    if len(out) >= limit:
        return out
    if isinstance(expected, dict) and isinstance(actual, dict):
        for k in list(expected) + [k for k in actual if k not in expected]:
            if k not in actual:
                out.append(f"{path}.{k}: missing (expected {json.dumps(expected[k])[:120]})")
            elif k not in expected:
                out.append(f"{path}.{k}: unexpected {json.dumps(actual[k])[:120]}")
            else:
                _diff(expected[k], actual[k], f"{path}.{k}", out, limit)
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            out.append(f"{path}: length {len(actual)}, expected {len(expected)}")
        for i, (e, a) in enumerate(zip(expected, actual)):
            _diff(e, a, f"{path}[{i}]", out, limit)
    elif expected != actual:
        out.append(f"{path}: {json.dumps(actual)[:120]} != expected {json.dumps(expected)[:120]}")
    return out


@pytest.mark.parametrize("sample", SAMPLES)
def test_review_json_matches_golden(reviewer, sample):
    actual = _review(reviewer, sample)
    golden = GOLDEN / f"{sample}.json"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return
    if not golden.exists():
        pytest.fail(f"{golden.name} is missing: run UPDATE_GOLDEN=1 pytest tests/test_golden.py")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    diffs = _diff(expected, actual)
    assert not diffs, (f"{sample} differs from {golden.relative_to(ROOT)} (if the change is intended, "
                       "regenerate with UPDATE_GOLDEN=1 pytest tests/test_golden.py):\n  " + "\n  ".join(diffs))


def test_golden_files_are_relative_and_complete():
    for sample in SAMPLES:
        golden = GOLDEN / f"{sample}.json"
        if not golden.exists():
            pytest.skip("golden files not generated yet") if UPDATE else pytest.fail(f"{golden.name} missing")
        data = json.loads(golden.read_text(encoding="utf-8"))
        assert data["file"] == f"samples/{sample}"
        assert data["schema"] == "contract-review/1" and data["status"] == "ok"
        assert str(ROOT) not in golden.read_text(encoding="utf-8")
    stale = {p.name for p in GOLDEN.glob("*.json")} - {f"{s}.json" for s in SAMPLES}
    assert not stale, f"golden files without a sample: {sorted(stale)}"


def test_cli_prints_what_the_golden_file_holds():
    sample = "helpdesk-outsourcing-schedule.docx"
    golden = GOLDEN / f"{sample}.json"
    if UPDATE or not golden.exists():
        pytest.skip("golden files are being regenerated")
    exe = Path(sys.executable).with_name("contract-review")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "reviewer"]
    proc = subprocess.run(cmd + ["review", f"samples/{sample}", "--format", "json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    actual = normalise(json.loads(proc.stdout))
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert not _diff(expected, actual)
