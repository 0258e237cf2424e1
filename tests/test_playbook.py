"""Playbooks: an organisation's bar for a contract (required items, severities, switched-off items,
thresholds on the SLA figures), and clear errors for a playbook that cannot be used."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewer.checks.playbook import DEFAULT_PLAYBOOK, PlaybookError, load_playbook
from reviewer.cli import main
from reviewer.pipeline import Reviewer, ReviewOptions

CONTRACT = """\
# Support Agreement

## 5. Service Levels

5.1 The Supplier shall respond to Priority 1 incidents within 8 hours and resolve them within 2 Business Days.

5.2 The Supplier shall respond to Priority 2 incidents within 1 Business Day.

## 6. Availability

The Service shall be available 99.5% of the time in each calendar month.

## 7. Service Credits

If Availability falls below 99.5%, the Supplier shall credit 2% of the monthly Charges.

## 8. Reporting

The Supplier shall provide a performance report each quarter.
"""

GOOD_CONTRACT = """\
# Support Agreement

## 5. Service Levels

5.1 The Supplier shall respond to Priority 1 incidents within 15 minutes and resolve them within 4 hours.

## 6. Availability

The Service shall be available 99.95% of the time in each calendar month.

## 7. Service Credits

If Availability falls below 99.95%, the Supplier shall credit 10% of the monthly Charges.

## 8. Reporting

The Supplier shall provide a performance report every month.
"""

STRICT = """\
name: Strict buyer
description: Tighter than market practice.
required: [SLA-UPTIME, FEES-INCLUDED]
severity: {REPORTING-METRICS: high, PLAYBOOK-CREDITS: low}
disabled: [MAINTENANCE-WINDOWS, PROACTIVE-MAINTENANCE]
thresholds:
  p1_response_max_minutes: 60
  p1_resolution_max_minutes: 480
  availability_min_percent: 99.9
  report_max_period: month
  credit_min_percent: 5
"""


@pytest.fixture
def contract(tmp_path):
    path = tmp_path / "contract.md"
    path.write_text(CONTRACT, encoding="utf-8")
    return path


@pytest.fixture
def strict(tmp_path):
    path = tmp_path / "strict.yml"
    path.write_text(STRICT, encoding="utf-8")
    return path


def review(path: Path, playbook: Path | None = None) -> dict:
    return Reviewer(ReviewOptions(playbook=playbook)).review_file(path)


def playbook_findings(result: dict) -> dict[str, dict]:
    return {f["rule"]: f for f in result["findings"] if f["kind"] == "playbook"}


def statuses(result: dict) -> dict[str, str]:
    return {c["id"]: c["status"] for c in result["checklist"]}


# --------------------------------------------------------------------------------------------- loading

def test_default_playbook_loads():
    playbook = load_playbook()
    assert playbook.name == "IT support market practice"
    assert load_playbook(DEFAULT_PLAYBOOK).thresholds == playbook.thresholds
    assert playbook.thresholds["p1_response_max_minutes"] == 60
    assert playbook.thresholds["availability_min_percent"] == 99.9
    assert {"SLA-RESPONSE", "SCOPE-SERVICES", "PENALTY-CREDITS"} <= set(playbook.required)
    assert playbook.off == ()


def test_default_playbook_names_only_real_items():
    from reviewer.checks.checklist import default_checklist
    ids = {item.id for item in default_checklist()}
    playbook = load_playbook()
    assert set(playbook.required) <= ids
    assert set(playbook.off) <= ids


def test_user_playbook_loads(strict):
    playbook = load_playbook(strict)
    assert playbook.name == "Strict buyer"
    assert playbook.off == ("MAINTENANCE-WINDOWS", "PROACTIVE-MAINTENANCE")
    assert playbook.severity_overrides == {"REPORTING-METRICS": "high", "PLAYBOOK-CREDITS": "low"}


# ------------------------------------------------------------------------------------------ thresholds

def test_thresholds_produce_findings_with_the_figures(contract, strict):
    found = playbook_findings(review(contract, strict))
    assert found["PLAYBOOK-P1-RESPONSE"]["message"] == "Priority 1 response 8 hours; playbook requires at most 1 hour"
    assert found["PLAYBOOK-P1-RESPONSE"]["severity"] == "high"
    assert found["PLAYBOOK-P1-RESPONSE"]["clause"] == "5.1"
    assert found["PLAYBOOK-P1-RESPONSE"]["text"] == "8 hours"
    assert found["PLAYBOOK-P1-RESOLUTION"]["message"] == \
        "Priority 1 resolution 2 Business Days; playbook requires at most 8 hours"
    availability = found["PLAYBOOK-AVAILABILITY"]["message"]
    assert availability.startswith("Availability 99.5% per month") and "at least 99.9%" in availability
    assert "3.7 hours" in availability  # 0.5% of a month
    assert found["PLAYBOOK-REPORTING"]["message"] == "Reports each quarter; playbook requires at least every month"
    credits = found["PLAYBOOK-CREDITS"]
    assert credits["message"].startswith("Largest service credit 2%") and "at least 5%" in credits["message"]
    assert credits["severity"] == "low"  # the playbook's own severity override
    assert "Strict buyer" in credits["why"]


def test_thresholds_met_give_no_findings(tmp_path, strict):
    path = tmp_path / "good.md"
    path.write_text(GOOD_CONTRACT, encoding="utf-8")
    assert playbook_findings(review(path, strict)) == {}


def test_looser_playbook_accepts_what_strict_one_flags(contract, tmp_path):
    loose = tmp_path / "loose.yml"
    loose.write_text("name: Loose\nthresholds:\n  p1_response_max_minutes: 480\n  p1_resolution_max_minutes: 2880\n"
                     "  availability_min_percent: 99.0\n  report_max_period: quarter\n  credit_min_percent: 1\n",
                     encoding="utf-8")
    assert playbook_findings(review(contract, loose)) == {}


def test_playbook_without_thresholds_checks_none(contract, tmp_path):
    bare = tmp_path / "bare.yml"
    bare.write_text("name: Items only\n", encoding="utf-8")
    result = review(contract, bare)
    assert playbook_findings(result) == {}
    assert "not_applicable" not in statuses(result).values()


def test_default_playbook_flags_the_slow_contract(contract):
    found = playbook_findings(review(contract))
    assert {"PLAYBOOK-P1-RESPONSE", "PLAYBOOK-P1-RESOLUTION", "PLAYBOOK-AVAILABILITY", "PLAYBOOK-REPORTING",
            "PLAYBOOK-CREDITS"} <= set(found)


# ---------------------------------------------------------------------------- disabled, required, severity

def test_disabled_items_become_not_applicable(contract, strict):
    result = review(contract, strict)
    status = statuses(result)
    assert status["MAINTENANCE-WINDOWS"] == "not_applicable"
    assert status["PROACTIVE-MAINTENANCE"] == "not_applicable"
    assert result["summary"]["checklist"]["not_applicable"] == 2
    assert not any(f["rule"] in ("MAINTENANCE-WINDOWS", "PROACTIVE-MAINTENANCE") for f in result["findings"])
    # without the playbook the same contract has them missing, with findings
    default = review(contract)
    assert statuses(default)["MAINTENANCE-WINDOWS"] == "missing"
    assert any(f["rule"] == "MAINTENANCE-WINDOWS" for f in default["findings"])


def test_disabled_items_do_not_lower_the_score(contract, strict, tmp_path):
    only_disabled = tmp_path / "only-disabled.yml"
    only_disabled.write_text("disabled: [MAINTENANCE-WINDOWS, PROACTIVE-MAINTENANCE]\n", encoding="utf-8")
    bare = tmp_path / "bare.yml"
    bare.write_text("name: bare\n", encoding="utf-8")
    assert review(contract, only_disabled)["summary"]["score"] > review(contract, bare)["summary"]["score"]


def test_required_and_severity_overrides(contract, strict, tmp_path):
    bare = tmp_path / "bare.yml"
    bare.write_text("name: bare\n", encoding="utf-8")
    plain = {c["id"]: c for c in review(contract, bare)["checklist"]}
    tuned = {c["id"]: c for c in review(contract, strict)["checklist"]}
    assert plain["FEES-INCLUDED"]["status"] == "missing" and plain["FEES-INCLUDED"]["severity"] == "medium"
    assert tuned["FEES-INCLUDED"]["severity"] == "high"  # required, and not met
    assert plain["REPORTING-METRICS"]["severity"] == "medium"
    assert tuned["REPORTING-METRICS"]["severity"] == "high"


# ------------------------------------------------------------------------------------------- bad playbooks

BAD = {
    "unknown-key": ("name: x\nthreshold:\n  p1_response_max_minutes: 60\n", "threshold"),
    "unknown-threshold": ("thresholds:\n  p1_response_minutes: 60\n", "p1_response_minutes"),
    "invalid-yaml": ("name: [unclosed\nthresholds: {\n", "YAML"),
    "bad-severity": ("severity: {SLA-UPTIME: critical}\n", "SLA-UPTIME"),
    "not-a-mapping": ("- SLA-UPTIME\n- SLA-HOURS\n", "playbook"),
    "non-numeric-threshold": ("thresholds:\n  p1_response_max_minutes: one hour\n", "p1_response_max_minutes"),
    "unknown-item-disabled": ("disabled: [SLA-UPTIMEE]\n", "SLA-UPTIMEE"),
    "disabled-not-a-list": ("disabled: SLA-UPTIME\n", "disabled"),
    "unknown-period": ("thresholds:\n  report_max_period: fortnightly\n", "fortnightly"),
    "unknown-severity-id": ("severity: {VAGUE-NOPE-999: low}\n", "VAGUE-NOPE-999"),
}
BAD_CASES = [pytest.param(name, text, needle, id=name) for name, (text, needle) in BAD.items()]


@pytest.mark.parametrize("name, text, needle", BAD_CASES)
def test_bad_playbook_is_a_clear_error(tmp_path, contract, name, text, needle):
    path = tmp_path / f"{name}.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlaybookError) as caught:
        load_playbook(path)
    assert str(path) in str(caught.value) and needle in str(caught.value)
    result = CliRunner().invoke(main, ["review", str(contract), "--playbook", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and isinstance(result.exception, (SystemExit, type(None)))
    assert result.stderr.startswith("error: ") and str(path) in result.stderr


def test_bad_playbook_stops_a_scan_before_it_starts(tmp_path, contract):
    bad = tmp_path / "bad.yml"
    bad.write_text("thresholds:\n  nonsense: 1\n", encoding="utf-8")
    out = tmp_path.parent / f"{tmp_path.name}-scan-out"
    result = CliRunner().invoke(main, ["scan", str(tmp_path), "--out", str(out), "--playbook", str(bad), "-q"])
    assert result.exit_code == 2 and "nonsense" in result.stderr
    assert not (out / "results.jsonl").exists()


def test_missing_playbook_file_is_a_usage_error(contract, tmp_path):
    result = CliRunner().invoke(main, ["review", str(contract), "--playbook", str(tmp_path / "nope.yml")])
    assert result.exit_code == 2 and "nope.yml" in result.output
    with pytest.raises(PlaybookError):
        load_playbook(tmp_path / "nope.yml")


def test_cli_review_uses_the_playbook(contract, strict):
    result = CliRunner().invoke(main, ["review", str(contract), "--playbook", str(strict), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert statuses(data)["MAINTENANCE-WINDOWS"] == "not_applicable"
    assert "PLAYBOOK-P1-RESPONSE" in playbook_findings(data)
