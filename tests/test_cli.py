"""The `contract-review` command line: every command, output formats, exit codes, --select/--ignore,
NO_COLOR, and the entry points."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewer.cli import EXIT_FINDINGS, EXIT_INPUT_ERROR, EXIT_OK, main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
ANSI = re.compile(r"\x1b\[[0-9;]*m")

CONTRACT = """\
# Managed Support Agreement

## 3. Services

3.1 The Supplier shall provide the following Services: (a) a service desk; (b) server monitoring; and
(c) patch management for the 40 laptops at the Customer's Leeds office.

## 5. Service Levels

5.1 The Supplier shall acknowledge Priority 1 incidents within 15 minutes and restore service within 4 hours.

5.2 The Supplier shall promptly notify the Customer of any outage.

5.3 Support is available 24x7 by telephone on 0161 496 0000 or by e-mail to support@supplier.example.

## 9. Reporting

The Supplier will provide regular reports on the performance of the Services.
"""


def run(*args, env=None, color=False):
    return CliRunner().invoke(main, [str(a) for a in args], env=env, color=color)


@pytest.fixture
def contract(tmp_path):
    path = tmp_path / "acme-support.md"
    path.write_text(CONTRACT, encoding="utf-8")
    return path


def review_json(*args) -> dict:
    result = run("review", *args, "--format", "json")
    assert result.exit_code == EXIT_OK, result.output
    return json.loads(result.stdout)


# ----------------------------------------------------------------------------------------- entry points

def test_exit_code_constants():
    assert (EXIT_OK, EXIT_FINDINGS, EXIT_INPUT_ERROR) == (0, 1, 2)


def test_console_script_help():
    script = Path(sys.executable).parent / "contract-review"
    if not script.exists():
        pytest.skip("the console script is not installed (pip install -e .)")
    proc = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    for command in ("extract", "review", "scan", "rules", "train", "eval"):
        assert re.search(rf"^\s+{command}\s", proc.stdout, re.M), command


def test_python_dash_m_help_and_version():
    proc = subprocess.run([sys.executable, "-m", "reviewer", "--help"], capture_output=True, text=True, timeout=60,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "Usage:" in proc.stdout and "review" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "reviewer", "--version"], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert proc.returncode == 0 and re.search(r"version \d+\.\d+", proc.stdout)


@pytest.mark.parametrize("command", ["extract", "review", "scan", "rules", "train", "eval"])
def test_every_command_has_help(command):
    result = run(command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output


def test_usage_errors_exit_2(contract):
    assert run("review", contract, "--format", "pdf").exit_code == EXIT_INPUT_ERROR
    assert run("review", contract, "--no-such-option").exit_code == EXIT_INPUT_ERROR
    assert run("review").exit_code == EXIT_INPUT_ERROR
    assert run("no-such-command").exit_code == EXIT_INPUT_ERROR


# ----------------------------------------------------------------------------------------------- extract

def test_extract_text_and_json(contract):
    result = run("extract", contract)
    assert result.exit_code == 0, result.output
    assert "(markdown, no pages" in result.output
    assert "## 3. Services" in result.output or "# 3. Services" in result.output
    data = json.loads(run("extract", contract, "--format", "json").stdout)
    assert data["format"] == "markdown" and data["pages"] is None and len(data["sha256"]) == 64
    for block in data["blocks"]:
        assert data["text"][block["start"]:block["end"]] == block["text"]
    assert [b["number"] for b in data["blocks"] if b.get("number")][:3] == ["3", "3.1", "5"]


def test_extract_pdf_has_pages():
    data = json.loads(run("extract", SAMPLES / "brightcloud-saas-sla.pdf", "--format", "json").stdout)
    assert data["format"] == "pdf" and data["pages"] == 6
    assert {b["page"] for b in data["blocks"]} == set(range(1, 7))


# ------------------------------------------------------------------------------------------------- review

def test_review_json_follows_the_output_schema(contract):
    data = review_json(contract)
    assert data["schema"] == "contract-review/1"
    assert data["file"] == str(contract) and data["status"] == "ok" and data["error"] is None
    assert data["sha256"] == hashlib.sha256(contract.read_bytes()).hexdigest()
    assert data["pages"] is None
    from reviewer.checks.checklist import default_checklist
    assert [c["id"] for c in data["checklist"]] == [i.id for i in default_checklist()]
    for item in data["checklist"]:
        assert item["status"] in ("met", "vague", "missing") and item["severity"] in ("high", "medium", "low")
        for ev in item["evidence"]:
            assert {"clause", "page", "text"} <= set(ev)
    status = {c["id"]: c["status"] for c in data["checklist"]}
    assert status["SLA-RESPONSE"] == "met" and status["SLA-HOURS"] == "met"
    assert status["REPORTING-FREQUENCY"] == "vague" and status["PENALTY-CREDITS"] == "missing"
    for finding in data["findings"]:
        assert {"rule", "kind", "severity", "message", "text", "sentence", "clause", "page", "start", "end"} <= set(finding)
    for clause in data["clauses"]:
        assert {"id", "heading", "page", "labels", "text"} <= set(clause)


def test_review_finding_offsets_point_into_the_extracted_text(contract):
    data = review_json(contract)
    text = json.loads(run("extract", contract, "--format", "json").stdout)["text"]
    vague = [f for f in data["findings"] if f["kind"] == "vague_term"]
    assert any(f["text"].lower() == "promptly" for f in vague), [f["text"] for f in vague]
    for f in vague:
        assert text[f["start"]:f["end"]] == f["text"]
        assert f["text"] in f["sentence"]


def test_review_pdf_pages_are_one_based():
    data = review_json(SAMPLES / "brightcloud-saas-sla.pdf")
    assert data["pages"] == 6
    pages = [ev["page"] for c in data["checklist"] for ev in c["evidence"]] + [f["page"] for f in data["findings"]
                                                                             if f["kind"] == "vague_term"]
    assert pages and all(isinstance(p, int) and 1 <= p <= 6 for p in pages)


def test_review_text_format(contract):
    result = run("review", contract)
    assert result.exit_code == 0
    assert f"{contract}: score" in result.output
    assert "SLA-RESPONSE" in result.output and "✔ met" in result.output and "✘ missing" in result.output
    quiet = run("review", contract, "-q")
    assert quiet.output.strip().count("\n") == 0 and "score" in quiet.output
    verbose = run("review", contract, "-v")
    assert "Clauses:" in verbose.output


def test_review_markdown_format(contract):
    result = run("review", contract, "--format", "md")
    assert result.exit_code == 0
    assert result.output.startswith("# Contract review:")
    assert "| SLA-RESPONSE | met |" in result.output
    assert "## SLA matrix" in result.output and "| P1 | 15 minutes | 4 hours |" in result.output


def test_review_html_format_to_file(contract, tmp_path):
    out = tmp_path / "reports" / "acme.html"
    result = run("review", contract, "--format", "html", "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"wrote {out}" in result.stderr
    html = out.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "acme-support.md" in html and "SLA-RESPONSE" in html
    assert "<script" not in html.lower()


@pytest.mark.parametrize("fmt, check", [
    ("json", lambda text: json.loads(text)["status"] == "ok"),
    ("md", lambda text: text.startswith("# Contract review")),
    ("text", lambda text: "score" in text),
])
def test_review_out_writes_each_format(contract, tmp_path, fmt, check):
    out = tmp_path / f"report.{fmt}"
    result = run("review", contract, "--format", fmt, "--out", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert check(out.read_text(encoding="utf-8"))


def test_html_escapes_contract_text(tmp_path):
    path = tmp_path / "evil.txt"
    path.write_text("1. SERVICES\n\n1.1 The Supplier shall respond <script>alert(1)</script> promptly to "
                    "Priority 1 incidents.\n", encoding="utf-8")
    html = run("review", path, "--format", "html").stdout
    assert "<script>alert(1)</script>" not in html


# ---------------------------------------------------------------------------------------------- exit codes

def test_fail_on_gates_by_severity(contract):
    assert run("review", contract, "-q").exit_code == EXIT_OK  # default --fail-on none
    assert run("review", contract, "-q", "--fail-on", "none").exit_code == EXIT_OK
    assert run("review", contract, "-q", "--fail-on", "high").exit_code == EXIT_FINDINGS  # PENALTY-CREDITS missing
    assert run("review", contract, "-q", "--fail-on", "low").exit_code == EXIT_FINDINGS


def test_fail_on_passes_when_selected_items_are_met(contract):
    assert run("review", contract, "-q", "--fail-on", "low", "--select", "SLA-RESPONSE").exit_code == EXIT_OK
    assert run("review", contract, "-q", "--fail-on", "high", "--select", "PENALTY-CREDITS").exit_code == \
        EXIT_FINDINGS


def test_fail_on_medium_ignores_low_findings(contract):
    # REVIEW-MEETINGS is low severity and missing: the only finding left after --select
    data = review_json(contract, "--select", "REVIEW-MEETINGS")
    assert [f["severity"] for f in data["findings"]] == ["low"]
    assert run("review", contract, "-q", "--select", "REVIEW-MEETINGS", "--fail-on", "medium").exit_code == EXIT_OK
    assert run("review", contract, "-q", "--select", "REVIEW-MEETINGS", "--fail-on", "low").exit_code == \
        EXIT_FINDINGS


# ------------------------------------------------------------------------------------- --select / --ignore

def test_select_by_prefix(contract):
    data = review_json(contract, "--select", "SLA-")
    ids = [c["id"] for c in data["checklist"]]
    assert ids and all(i.startswith("SLA-") for i in ids)
    assert "SLA-UPTIME" in ids and "SCOPE-SERVICES" not in ids
    assert all(f["rule"].startswith("SLA-") for f in data["findings"])


def test_select_is_case_insensitive_and_takes_lists(contract):
    data = review_json(contract, "--select", "penalty,escalation-path", "--select", "CHANNELS")
    ids = {c["id"] for c in data["checklist"]}
    assert ids == {"PENALTY-CREDITS", "PENALTY-PROCESS", "PENALTY-TERMINATION", "ESCALATION-PATH", "CHANNELS"}


def test_ignore_by_prefix(contract):
    full = review_json(contract)
    data = review_json(contract, "--ignore", "SLA,VAGUE")
    ids = [c["id"] for c in data["checklist"]]
    assert not any(i.startswith("SLA") for i in ids)
    assert len(ids) == len(full["checklist"]) - sum(c["id"].startswith("SLA") for c in full["checklist"])
    assert not any(f["rule"].startswith(("SLA", "VAGUE")) for f in data["findings"])
    assert any(f["rule"].startswith("VAGUE") for f in full["findings"])


def test_select_vague_rules_only(contract):
    data = review_json(contract, "--select", "VAGUE")
    assert data["checklist"] == []
    assert data["findings"] and all(f["kind"] == "vague_term" for f in data["findings"])


# ------------------------------------------------------------------------------------------------ colour

@pytest.fixture
def fake_tty(monkeypatch):
    """Make the CliRunner's captured stdout claim to be a terminal, so colour would be used."""
    import click.testing
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True, raising=False)


def test_colour_on_a_terminal(contract, fake_tty, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    result = run("review", contract, color=True)
    assert result.exit_code == 0
    assert ANSI.search(result.output)


def test_no_color_respected(contract, fake_tty):
    result = run("review", contract, env={"NO_COLOR": "1"}, color=True)
    assert result.exit_code == 0
    assert "SLA-RESPONSE" in result.output
    assert not ANSI.search(result.output)


def test_no_colour_when_piped(contract, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    result = run("review", contract, color=True)  # CliRunner's stdout is not a terminal
    assert not ANSI.search(result.output)


# -------------------------------------------------------------------------------------------------- rules

def test_rules_lists_every_checklist_item():
    from reviewer.checks.checklist import default_checklist
    result = run("rules")
    assert result.exit_code == 0
    listed = {line.split()[0] for line in result.output.splitlines() if line.strip()}
    assert {i.id for i in default_checklist()} <= listed
    assert any(i.startswith("VAGUE-") for i in listed) and "PLAYBOOK-P1-RESPONSE" in listed


def test_rules_json_and_select():
    rows = json.loads(run("rules", "--format", "json").stdout)
    assert all({"id", "kind", "severity", "doc"} <= set(r) for r in rows)
    assert len({r["id"] for r in rows}) == len(rows), "rule IDs must be unique"
    selected = json.loads(run("rules", "--format", "json", "--select", "sla-").stdout)
    assert selected and all(r["id"].startswith("SLA-") for r in selected)
    assert {r["id"] for r in selected} == {r["id"] for r in rows if r["id"].startswith("SLA-")}


# -------------------------------------------------------------------------------------------- train / eval

def _copy_dataset(tmp_path: Path, names: tuple[str, ...], folder: str = "clauses") -> Path:
    data = tmp_path / folder
    data.mkdir()
    for name in names:
        shutil.copy(ROOT / "training" / "clauses" / name, data / name)
    return data


@pytest.fixture
def small_dataset(tmp_path):
    """Nine project-written documents: enough to split by document and fit, small enough to be quick."""
    return _copy_dataset(tmp_path, ("b_01.jsonl", "b_02.jsonl", "b_03.jsonl"))


def _tree_digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def models_dir(tmp_path, monkeypatch):
    """`train` writes where reviewer.classify.classifier and reviewer.paths point: redirect both to tmp_path,
    and check afterwards that the committed model was not touched."""
    import reviewer.classify.classifier as classifier
    import reviewer.paths as paths
    committed = _tree_digest(ROOT / "models")
    models = tmp_path / "models"
    monkeypatch.setattr(classifier, "WEIGHTS_FILE", models / "clause_classifier.npz")
    monkeypatch.setattr(classifier, "META_FILE", models / "clause_classifier.json")
    monkeypatch.setattr(paths, "MODELS_DIR", models)
    yield models
    assert _tree_digest(ROOT / "models") == committed, "train must not touch the committed model"


def test_train_writes_into_a_redirected_models_dir(small_dataset, models_dir):
    import reviewer.classify.classifier as classifier
    result = run("train", "--skip-cv", "--data", small_dataset)
    assert result.exit_code == 0, result.output
    assert "held-out" in result.output and "macro" in result.output
    assert sorted(p.name for p in models_dir.iterdir()) == ["MODEL_CARD.md", "clause_classifier.json",
                                                             "clause_classifier.npz"]
    card = (models_dir / "MODEL_CARD.md").read_text(encoding="utf-8")
    n_records = sum(1 for f in small_dataset.glob("*.jsonl") for line in f.read_text().splitlines() if line.strip())
    assert f"{n_records} labelled clauses" in card
    model = classifier.load_classifier(models_dir / "clause_classifier.npz", models_dir / "clause_classifier.json")
    assert model.meta["training"]["clauses"] == n_records
    proba = model.predict_proba(["The Supplier shall respond to Priority 1 incidents within 15 minutes."])
    assert proba.shape == (1, len(model.labels))


def test_train_rejects_an_empty_dataset(tmp_path, models_dir):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("train", "--skip-cv", "--data", empty)
    assert result.exit_code == EXIT_INPUT_ERROR and "no *.jsonl" in result.stderr
    assert not models_dir.exists()


def test_train_on_too_little_data_is_a_clear_error(tmp_path, models_dir):
    tiny = _copy_dataset(tmp_path, ("b_01.jsonl",), "tiny")
    result = run("train", "--skip-cv", "--data", tiny)
    assert result.exit_code == EXIT_INPUT_ERROR, result.output
    assert "Traceback" not in result.output and result.stderr.startswith("error: ")
    assert not models_dir.exists(), "a failed training run must not write a model"


def test_train_rejects_a_bad_record(tmp_path, models_dir):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.jsonl").write_text('{"id": "1", "doc": "d", "text": "t", "labels": ["nonsense"]}\n', encoding="utf-8")
    result = run("train", "--skip-cv", "--data", bad)
    assert result.exit_code == EXIT_INPUT_ERROR and "x.jsonl:1" in result.stderr


def test_eval_on_a_small_dataset(small_dataset):
    result = run("eval", "--data", small_dataset)
    assert result.exit_code == 0, result.output
    assert "held-out split by document" in result.output
    for source in ("rules", "classifier", "combined"):
        assert source in result.output
    assert re.search(r"^macro\s+[\d.]", result.output, re.M)


def test_eval_rejects_an_empty_dataset(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("eval", "--data", empty)
    assert result.exit_code == EXIT_INPUT_ERROR and "Traceback" not in result.output


def test_eval_with_labelled_contracts(tmp_path):
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "helpdesk.json").write_text(json.dumps({
        "file": "helpdesk-outsourcing-schedule.docx",
        "checklist": {
            "SLA-RESPONSE": {"status": "met", "evidence": "", "confidence": "high"},
            "SLA-UPTIME": {"status": "missing", "evidence": "", "confidence": "high"},
            "CHANNELS": {"status": "missing", "evidence": "", "confidence": "high"},  # deliberately wrong
            "SCOPE-SERVICES": {"status": "vague", "evidence": "", "confidence": "low"},  # not scored
        },
        "vague": {"flag": [], "no_flag": [], "exhaustive": False},
    }), encoding="utf-8")
    result = run("eval", "--labels", labels, "--docs", SAMPLES)
    assert result.exit_code == 0, result.output
    assert "1 labelled contracts" in result.output
    assert "(2/3)" in result.output
    assert "CHANNELS labelled missing, got met" in result.output
