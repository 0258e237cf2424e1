"""The JSON report is json.dumps(result, ensure_ascii=False, indent=2), character for character."""
import json
from pathlib import Path

import pytest

from reviewer.report import to_json

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("value", [
    {}, [], {"a": {}, "b": [], "c": [{}], "d": [[]]}, [1, 2.5, -0.0, 1e300, 10 ** 30, True, False, None],
    {"text": "quote \" backslash \\ tab \t newline \n nul \x00 \u2028 é ✓ 😀"}, "plain", 3, 0.1, None,
    {"nan": float("nan")}, {"inf": [float("inf")]}, {1: "int key"}, {"t": (1, 2)}, {None: 1}, [{"x": 1.0, "y": [0.5, {}]}],
])
def test_values_are_written_as_json_dumps_writes_them(value):
    assert to_json(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_a_review_is_written_as_json_dumps_writes_it():
    from reviewer.pipeline import Reviewer
    result = Reviewer().review_file(next(p for p in sorted((ROOT / "samples").iterdir()) if p.suffix == ".pdf"))
    assert result["clauses"]
    assert to_json(result) == json.dumps(result, ensure_ascii=False, indent=2)
