"""View models for the HTML templates: all logic here, so templates only lay out."""
from __future__ import annotations

from collections import OrderedDict


def _where(item: dict) -> str:
    parts = []
    if item.get("page") is not None:
        parts.append(f"page {item['page']}")
    if item.get("clause"):
        parts.append(f"clause {item['clause']}")
    return ", ".join(parts)


def report_view(result: dict) -> dict:
    from reviewer.checks.checklist import default_checklist
    items = {i.id: i for i in default_checklist()}
    areas: "OrderedDict[str, list]" = OrderedDict()
    for c in result["checklist"]:
        item = items.get(c["id"])
        areas.setdefault(c.get("area") or "Other", []).append({
            **c, "doc": item.doc if item else "", "rationale": item.rationale if item else "",
            "suggest": item.suggest if item else "",
            "evidence": [{**e, "where": _where(e), "anchor": _anchor(e.get("clause"))} for e in c["evidence"]],
        })
    coverage = []
    for area, rows in areas.items():
        n = len(rows) or 1
        coverage.append({"area": area, "met": 100 * sum(r["status"] == "met" for r in rows) / n,
                         "vague": 100 * sum(r["status"] == "vague" for r in rows) / n,
                         "missing": 100 * sum(r["status"] == "missing" for r in rows) / n})
    findings = []
    for f in result["findings"]:
        if f["kind"] == "vague_term" and f.get("start") is not None:
            sentence = f.get("sentence") or ""
            idx = sentence.find(f["text"])
            parts = (sentence[:idx], f["text"], sentence[idx + len(f["text"]):]) if idx >= 0 else (sentence, "", "")
        else:
            parts = (f.get("sentence") or "", "", "")
        findings.append({**f, "before": parts[0], "match": parts[1], "after": parts[2], "where": _where(f),
                         "anchor": _anchor(f.get("clause"))})
    order = {"high": 0, "medium": 1, "low": 2}
    findings.sort(key=lambda f: (f["kind"] == "vague_term", order.get(f["severity"], 3)))
    clauses = [{**c, "anchor": _anchor(c["id"])} for c in result.get("clauses", [])]
    return {"r": result, "areas": areas, "coverage": coverage, "findings": findings, "clauses": clauses,
            "matrix": result.get("facts", {}).get("sla_matrix") or [],
            "availability": result.get("facts", {}).get("availability") or []}


def _anchor(clause_id) -> str:
    if not clause_id:
        return ""
    return "c-" + "".join(ch if ch.isalnum() else "-" for ch in str(clause_id))


def index_view(results: list[dict], item_ids: list[str]) -> dict:
    rows = []
    for r in results:
        statuses = {c["id"]: c["status"] for c in r.get("checklist", [])}
        rows.append({"r": r, "cells": [statuses.get(i, "") for i in item_ids],
                     "score": (r.get("summary") or {}).get("score")})
    return {"rows": rows, "ids": item_ids, "total": len(results),
            "errors": sum(1 for r in results if r["status"] == "error")}
