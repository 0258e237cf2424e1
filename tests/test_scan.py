"""Folder scan: one report per contract, the portfolio files, a read-only input folder, re-runs that skip
unchanged files, include/exclude globs, and the same answers whatever the number of workers."""
from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewer.cli import main
from reviewer.scan import find_contracts, report_stem

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

GOOD_MD = """\
# Support Agreement

## 5. Service Levels

5.1 The Supplier shall acknowledge Priority 1 incidents within 15 minutes and restore service within 4 hours.

5.2 Support is available 24x7 by telephone and through the support portal.
"""

GOOD_TXT = """\
1. SERVICES

1.1 The Supplier shall provide a service desk and server monitoring.

2. REPORTING

2.1 The Supplier shall send a monthly service report showing response and resolution times.
"""


@pytest.fixture
def folder(tmp_path):
    """Three readable contracts (one in a subfolder), one truncated PDF, and a file that is not a contract."""
    root = tmp_path / "contracts"
    (root / "suppliers").mkdir(parents=True)
    (root / "acme-sla.md").write_text(GOOD_MD, encoding="utf-8")
    (root / "suppliers" / "zeta-msa.txt").write_text(GOOD_TXT, encoding="utf-8")
    shutil.copy(SAMPLES / "helpdesk-outsourcing-schedule.docx", root / "helpdesk.docx")
    raw = (SAMPLES / "brightcloud-saas-sla.pdf").read_bytes()
    (root / "broken.pdf").write_bytes(raw[: len(raw) // 3])
    (root / "notes.rtf").write_text("{\\rtf1 not a contract}", encoding="utf-8")
    return root


EXPECTED = ["acme-sla.md", "broken.pdf", "helpdesk.docx", "suppliers/zeta-msa.txt"]


def scan(folder: Path, out: Path, *args):
    return CliRunner().invoke(main, ["scan", str(folder), "--out", str(out), "-q", *map(str, args)])


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file and folder under `folder` with its content hash and mtime."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_dir():
            out[rel + "/"] = ("dir", 0)
        else:
            out[rel] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    return out


def results(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]


def report_mtimes(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in sorted((out / "reports").iterdir())}


@pytest.fixture
def scanned(folder, tmp_path):
    before = snapshot(folder)
    out = tmp_path / "review-out"
    result = scan(folder, out, "--workers", "1")
    return folder, out, result, before


# ----------------------------------------------------------------------------------------- the outputs

def test_scan_writes_one_report_per_contract(scanned):
    folder, out, result, _ = scanned
    assert result.exit_code == 0, result.output
    assert "reviewed 3 contracts, 1 errors" in result.stderr
    reports = out / "reports"
    for rel in EXPECTED:
        stem = report_stem(rel)
        data = json.loads((reports / f"{stem}.json").read_text(encoding="utf-8"))
        assert data["file"] == rel
        assert (reports / f"{stem}.html").exists() == (rel != "broken.pdf")
    assert len(list(reports.glob("*.json"))) == 4
    assert not list(reports.glob(".*.tmp")), "no temporary files left behind"


def test_results_jsonl_one_object_per_contract_sorted_with_error_row(scanned):
    _, out, _, _ = scanned
    rows = results(out)
    assert [r["file"] for r in rows] == EXPECTED
    by_file = {r["file"]: r for r in rows}
    broken = by_file["broken.pdf"]
    assert broken["status"] == "error"
    assert "broken.pdf" in broken["error"] and "\n" not in broken["error"]
    assert broken["checklist"] == [] and broken["findings"] == []
    assert broken["report"] is None  # no HTML report is written for a file that could not be read
    for rel in ("acme-sla.md", "helpdesk.docx", "suppliers/zeta-msa.txt"):
        row = by_file[rel]
        assert row["status"] == "ok" and row["error"] is None and row["schema"] == "contract-review/1"
        assert len(row["checklist"]) == 21
        assert (out / row["report"]).exists()
    assert {c["id"]: c["status"] for c in by_file["acme-sla.md"]["checklist"]}["SLA-RESPONSE"] == "met"
    assert by_file["helpdesk.docx"]["format"] == "docx"


def test_summary_csv_and_index(scanned):
    _, out, _, _ = scanned
    with open(out / "summary.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["file"] for r in rows] == EXPECTED
    assert [r["status"] for r in rows] == ["ok", "error", "ok", "ok"]
    assert rows[1]["error"] and rows[1]["score"] == ""
    assert rows[0]["SLA-RESPONSE"] == "met"
    assert all(r["score"].isdigit() for r in rows if r["status"] == "ok")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.lstrip().lower().startswith("<!doctype html>")
    for rel in EXPECTED:
        assert rel in index
    for row in results(out):
        if row["status"] == "ok":
            assert f'href="{row["report"]}"' in index


def test_input_folder_is_left_unchanged(scanned):
    folder, _, _, before = scanned
    assert snapshot(folder) == before


def test_not_a_contract_is_not_scanned(scanned):
    _, out, _, _ = scanned
    assert "notes.rtf" not in [r["file"] for r in results(out)]


# ----------------------------------------------------------------------------------- output placement

@pytest.mark.parametrize("where", [".", "reports", "suppliers/out"])
def test_output_inside_input_folder_rejected(folder, where):
    before = snapshot(folder)
    out = folder / where
    result = scan(folder, out, "--workers", "1")
    assert result.exit_code == 2
    assert "outside the input folder" in result.stderr and "Traceback" not in result.output
    assert snapshot(folder) == before


def test_output_beside_input_with_shared_prefix_is_allowed(folder):
    out = folder.parent / (folder.name + "-reports")  # "contracts-reports" is not inside "contracts"
    result = scan(folder, out, "--workers", "1", "--include", "*.md")
    assert result.exit_code == 0, result.output
    assert [r["file"] for r in results(out)] == ["acme-sla.md"]


# ------------------------------------------------------------------------------------------------ re-runs

def test_rerun_skips_unchanged_and_rereviews_changed(folder, tmp_path):
    out = tmp_path / "out"
    assert scan(folder, out, "--workers", "1").exit_code == 0
    first = report_mtimes(out)
    first_rows = {r["file"]: r for r in results(out)}

    assert scan(folder, out, "--workers", "1").exit_code == 0
    assert report_mtimes(out) == first, "unchanged files must not be reviewed again"
    assert {r["file"]: r for r in results(out)} == first_rows

    (folder / "acme-sla.md").write_text(GOOD_MD + "\n## 9. Reporting\n\nThe Supplier shall send a service report "
                                        "every month.\n", encoding="utf-8")
    assert scan(folder, out, "--workers", "1").exit_code == 0
    third = report_mtimes(out)
    changed = {name for name in first if third[name] != first[name]}
    stem = report_stem("acme-sla.md")
    assert changed == {f"{stem}.json", f"{stem}.html"}
    row = {r["file"]: r for r in results(out)}["acme-sla.md"]
    assert row["sha256"] != first_rows["acme-sla.md"]["sha256"]
    assert {c["id"]: c["status"] for c in row["checklist"]}["REPORTING-FREQUENCY"] == "met"


def test_rerun_with_other_settings_reviews_again(folder, tmp_path):
    out = tmp_path / "out"
    assert scan(folder, out, "--workers", "1", "--include", "*.md").exit_code == 0
    first = report_mtimes(out)
    assert scan(folder, out, "--workers", "1", "--include", "*.md", "--select", "SLA").exit_code == 0
    assert all(report_mtimes(out)[name] != first[name] for name in first)
    (row,) = results(out)
    assert row["checklist"] and all(c["id"].startswith("SLA") for c in row["checklist"])


def test_rerun_after_a_rules_change_reviews_again(folder, tmp_path, monkeypatch):
    """The cache key covers the rules: an edited rule file must not be answered from old reports."""
    import reviewer.paths as paths
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    monkeypatch.setattr(paths, "RULES_DIR", rules)
    out = tmp_path / "out"
    assert scan(folder, out, "--workers", "1", "--include", "*.md").exit_code == 0
    first = report_mtimes(out)
    assert scan(folder, out, "--workers", "1", "--include", "*.md").exit_code == 0
    assert report_mtimes(out) == first
    checklist = rules / "checklist.yml"
    checklist.write_text(checklist.read_text(encoding="utf-8") + "\n# a user's edit\n", encoding="utf-8")
    assert scan(folder, out, "--workers", "1", "--include", "*.md").exit_code == 0
    assert all(report_mtimes(out)[name] != first[name] for name in first)


# ------------------------------------------------------------------------------------- include / exclude

def test_include_and_exclude_globs(folder, tmp_path):
    out = tmp_path / "out"
    result = scan(folder, out, "--workers", "1", "--include", "*.txt", "--include", "*.md")
    assert result.exit_code == 0
    assert [r["file"] for r in results(out)] == ["acme-sla.md", "suppliers/zeta-msa.txt"]
    out2 = tmp_path / "out2"
    result = scan(folder, out2, "--workers", "1", "--exclude", "suppliers/*", "--exclude", "*.PDF")
    assert result.exit_code == 0
    assert [r["file"] for r in results(out2)] == ["acme-sla.md", "helpdesk.docx"]


def test_find_contracts_skips_hidden_lock_and_linked_files(folder):
    (folder / ".hidden.md").write_text(GOOD_MD, encoding="utf-8")
    (folder / "~$helpdesk.docx").write_bytes(b"lock")
    (folder / ".git").mkdir()
    (folder / ".git" / "x.md").write_text(GOOD_MD, encoding="utf-8")
    (folder / "UPPER.MD").write_text(GOOD_MD, encoding="utf-8")
    os.symlink(folder / "acme-sla.md", folder / "link.md")
    found = [p.relative_to(folder).as_posix() for p in find_contracts(folder)]
    assert found == ["UPPER.MD", "acme-sla.md", "broken.pdf", "helpdesk.docx", "suppliers/zeta-msa.txt"]


def test_empty_selection_still_writes_the_portfolio(folder, tmp_path):
    out = tmp_path / "out"
    result = scan(folder, out, "--workers", "1", "--include", "*.nothing")
    assert result.exit_code == 0
    assert (out / "results.jsonl").read_text(encoding="utf-8") == ""
    assert (out / "index.html").exists() and (out / "summary.csv").exists()


# ---------------------------------------------------------------------------------- workers and gating

def test_one_and_two_workers_give_identical_results(folder, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    assert scan(folder, one, "--workers", "1").exit_code == 0
    assert scan(folder, two, "--workers", "2").exit_code == 0
    assert (one / "results.jsonl").read_bytes() == (two / "results.jsonl").read_bytes()
    assert (one / "summary.csv").read_bytes() == (two / "summary.csv").read_bytes()
    assert sorted(p.name for p in (one / "reports").iterdir()) == sorted(p.name for p in (two / "reports").iterdir())


def test_scan_fail_on(folder, tmp_path):
    out = tmp_path / "out"
    assert scan(folder, out, "--workers", "1", "--fail-on", "high").exit_code == 1
    # acme-sla.md states its response times; zeta-msa.txt has none (SLA-RESPONSE is required: high)
    assert scan(folder, out, "--workers", "1", "--fail-on", "high", "--select", "SLA-RESPONSE",
                "--include", "*.md").exit_code == 0
    assert scan(folder, out, "--workers", "1", "--fail-on", "high", "--select", "SLA-RESPONSE",
                "--include", "*.txt").exit_code == 1
