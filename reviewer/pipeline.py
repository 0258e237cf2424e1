"""The review pipeline: extract -> segment -> classify -> check -> one result object.

Each stage reads only what the stage before produced; no stage reaches back to the file.
"""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from reviewer.errors import ReviewError
from reviewer.extract import Limits

SCHEMA = "contract-review/1"
_LOWER = {"high": "medium", "medium": "low", "low": "low"}


@dataclass
class ReviewOptions:
    limits: Limits = field(default_factory=Limits)
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    playbook: Optional[Path] = None


class Reviewer:
    """Holds the loaded rules and model so a folder scan loads them once per process."""

    def __init__(self, options: ReviewOptions = ReviewOptions()):
        from reviewer.checks.checklist import default_checklist
        from reviewer.checks.playbook import load_playbook
        from reviewer.checks.vague import VagueLexicon
        from reviewer.classify.labeler import Labeler
        self.options = options
        self.labeler = Labeler.default()
        self.items = default_checklist()
        self.lexicon = VagueLexicon.load()
        self.playbook = load_playbook(options.playbook)
        # set to a dict to collect seconds per stage across calls (benchmarks/run.py); None costs nothing
        self.timings: Optional[dict[str, float]] = None
        _settle()

    @contextmanager
    def _stage(self, name: str):
        if self.timings is None:
            yield
            return
        t = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - t

    def review_file(self, path: Path | str, display_name: Optional[str] = None) -> dict:
        from reviewer.extract import extract
        name = display_name or str(path)
        try:
            with self._stage("extract"):
                doc = extract(Path(path), self.options.limits)
        except ReviewError as exc:
            return error_result(name, exc.message.replace(str(path), name, 1))
        result = self.review_document(doc)
        result["file"] = name
        return result

    def review_document(self, doc) -> dict:
        from reviewer.checks.checklist import evaluate
        from reviewer.checks.sla import availability, sla_matrix
        from reviewer.segment.clauses import segment

        with self._stage("segment"):
            clauses = segment(doc)
        with self._stage("classify"):
            self.labeler.label(clauses)
        with self._stage("check.checklist"):
            checklist = evaluate(clauses, self.items)
            checklist = self.playbook.apply_to_checklist(checklist)
        with self._stage("check.vague"):
            findings = self._vague_findings(clauses)
        with self._stage("check.sla"):
            matrix = sla_matrix(clauses)
            avail = availability(clauses)
            findings += self.playbook.threshold_findings(matrix, avail, clauses)
        findings += checklist_findings(checklist, self.items)
        findings = [f for f in findings if _selected(f["rule"], self.options)]
        checklist = [c for c in checklist if _selected(c.id, self.options)]
        findings.sort(key=lambda f: (f["start"] if f.get("start") is not None else -1, f["rule"]))
        with self._stage("result"):
            return self._result(doc, checklist, findings, matrix, avail, clauses)

    def _result(self, doc, checklist, findings, matrix, avail, clauses) -> dict:
        return {
            "schema": SCHEMA,
            "file": doc.source,
            "sha256": doc.sha256,
            "format": doc.format,
            "pages": doc.pages,
            "status": "ok",
            "error": None,
            "summary": summary(checklist, findings),
            "checklist": [c.to_dict() for c in checklist],
            "findings": findings,
            "facts": {"sla_matrix": matrix, "availability": avail},
            "clauses": [c.to_dict() for c in clauses],
            "notes": doc.notes,
        }

    def _vague_findings(self, clauses) -> list[dict]:
        from reviewer.checks.vague import SentenceInput
        from reviewer.segment.clauses import TABLE_ROW
        sentences = []
        for clause in clauses:
            if clause.kind == TABLE_ROW:
                sentences.append(SentenceInput(clause.text, clause.start, clause.end, clause.page, clause.id,
                                               clause.text))
                continue
            for s in clause.sentences:
                sentences.append(SentenceInput(s.text, s.start, s.end, s.page, clause.id, clause.text))
        found = self.lexicon.find(sentences)
        severity = self.playbook.severity_overrides
        out = []
        for f in found:
            out.append({
                "rule": f.rule, "kind": "vague_term", "vague_kind": f.vague_kind,
                "severity": severity.get(f.rule, f.severity), "message": f.message, "text": f.text,
                "sentence": f.sentence, "clause": f.clause, "page": f.page, "start": f.start, "end": f.end,
                "why": f.why, "suggest": f.suggest,
            })
        return out


def checklist_findings(checklist, items) -> list[dict]:
    """A finding for each item that is missing or only vague, so --fail-on can gate on them."""
    by_id = {i.id: i for i in items}
    out = []
    for result in checklist:
        if result.status not in ("missing", "vague"):
            continue
        item = by_id.get(result.id)
        first = result.evidence[0] if result.evidence else None
        severity = result.severity if result.status == "missing" else _LOWER[result.severity]
        what = "not addressed" if result.status == "missing" else "addressed only in unmeasured terms"
        out.append({
            "rule": result.id, "kind": f"checklist_{result.status}", "severity": severity,
            "message": f"{item.question if item else result.id} — {what}",
            "text": first.text if first else "", "sentence": first.text if first else "",
            "clause": first.clause if first else None, "page": first.page if first else None,
            "start": first.start if first else None, "end": first.end if first else None,
            "why": item.rationale if item else "", "suggest": item.suggest if item else "",
        })
    return out


def summary(checklist, findings) -> dict:
    from collections import Counter
    statuses = Counter(c.status for c in checklist)
    severities = Counter(f["severity"] for f in findings)
    weights = {"high": 3, "medium": 2, "low": 1}
    scored = [c for c in checklist if c.status != "not_applicable"]
    total = sum(weights[c.severity] for c in scored) or 1
    got = sum(weights[c.severity] * (1 if c.status == "met" else 0.4 if c.status == "vague" else 0) for c in scored)
    return {
        "score": round(100 * got / total),
        "checklist": {k: statuses.get(k, 0) for k in ("met", "vague", "missing", "not_applicable")},
        "findings": {k: severities.get(k, 0) for k in ("high", "medium", "low")},
        "vague_terms": sum(1 for f in findings if f["kind"] == "vague_term"),
    }


def _selected(rule_id: str, options: ReviewOptions) -> bool:
    if options.select and not rule_id.startswith(options.select):
        return False
    return not (options.ignore and rule_id.startswith(options.ignore))


def error_result(name: str, message: str) -> dict:
    return {"schema": SCHEMA, "file": name, "sha256": None, "pages": None, "status": "error", "error": message,
            "summary": None, "checklist": [], "findings": [], "facts": {}, "clauses": []}


def _settle() -> None:
    """Moves the objects alive once the first Reviewer is loaded (the ~100,000 of the rules, model
    and libraries, which live as long as the process) out of the cyclic garbage collector's sight:
    otherwise every full collection during a review walks them all again (about 0.1 s per 100
    pages). Garbage is collected first so none is frozen with them; forked scan workers inherit
    the state. Once per process: later Reviewers (other playbooks, tests) leave the collector be."""
    global _SETTLED
    if _SETTLED:
        return
    import gc
    gc.collect()
    gc.freeze()
    _SETTLED = True


_SETTLED = False
