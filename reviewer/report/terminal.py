"""Terminal renderings for people: the extracted document, and (later) the review summary."""
from __future__ import annotations

from reviewer.model import HEADING, TABLE, Document


def render_document(doc: Document) -> str:
    lines = [f"# {doc.source}  ({doc.format}, {doc.pages if doc.pages is not None else 'no'} pages, "
             f"{len(doc.blocks)} blocks)"]
    for note in doc.notes:
        lines.append(f"# note: {note}")
    page = None
    for block in doc.blocks:
        if block.page is not None and block.page != page:
            page = block.page
            lines.append(f"\n--- page {page} ---")
        if block.kind == HEADING:
            lines.append("\n" + "#" * min(block.level or 1, 6) + " " + block.text)
        elif block.kind == TABLE:
            lines.append("[table]")
            for row in block.rows or []:
                lines.append("  | " + " | ".join(c.text for c in row) + " |")
        else:
            indent = "  " * (block.level or 0)
            lines.append(f"{indent}{block.text}")
    return "\n".join(lines)


_STATUS_MARK = {"met": "✔ met", "vague": "~ vague", "missing": "✘ missing", "not_applicable": "- n/a"}
_STATUS_COLOR = {"met": "green", "vague": "yellow", "missing": "red", "not_applicable": "white"}
_SEV_COLOR = {"high": "red", "medium": "yellow", "low": "cyan"}


def _style(text: str, color: str, bold: bool = False) -> str:
    import os
    import sys

    import click
    if os.environ.get("NO_COLOR") or not sys.stdout.isatty():
        return text
    return click.style(text, fg=color, bold=bold)


def _where(item: dict) -> str:
    parts = []
    if item.get("page") is not None:
        parts.append(f"p.{item['page']}")
    if item.get("clause"):
        parts.append(f"§{item['clause']}")
    return " ".join(parts) or "-"


def render_review(result: dict, *, quiet: bool = False, verbose: bool = False) -> str:
    s = result["summary"]
    counts = s["checklist"]
    head = (f"{result['file']}: score {s['score']}/100 — {counts['met']} met, {counts['vague']} vague, "
            f"{counts['missing']} missing; {s['vague_terms']} vague terms")
    if quiet:
        return head
    lines = [_style(head, "white", bold=True), ""]
    lines.append(f"{'ITEM':22} {'STATUS':11} {'SEV':7} {'WHERE':12} EVIDENCE")
    for c in result["checklist"]:
        ev = c["evidence"][0] if c["evidence"] else {}
        text = (ev.get("text") or "").replace("\n", " ")
        text = text if len(text) <= 70 else text[:67] + "..."
        status = _style(f"{_STATUS_MARK[c['status']]:11}", _STATUS_COLOR[c["status"]])
        lines.append(f"{c['id']:22} {status} {c['severity']:7} {_where(ev):12} {text}")
    matrix = result.get("facts", {}).get("sla_matrix") or []
    if matrix:
        lines += ["", "SLA matrix:", f"  {'PRIORITY':10} {'RESPONSE':22} {'RESOLUTION':22} WHERE"]
        for row in matrix:
            resp = (row.get("response") or {}).get("text", "-")
            res = (row.get("resolution") or {}).get("text", "-")
            lines.append(f"  {row['priority']:10} {resp:22} {res:22} {_where(row)}")
    for a in result.get("facts", {}).get("availability") or []:
        lines.append(f"Availability {a['percent']}% per {a['period']}: up to {a['downtime']['month']} down a month, "
                     f"{a['downtime']['year']} a year ({_where(a)})")
    vague = [f for f in result["findings"] if f["kind"] == "vague_term"]
    other = [f for f in result["findings"] if f["kind"] == "playbook"]
    shown = vague if verbose else sorted(vague, key=lambda f: {"high": 0, "medium": 1, "low": 2}[f["severity"]])[:10]
    if other:
        lines += ["", "Playbook:"]
        lines += [f"  {_style(f['severity'], _SEV_COLOR[f['severity']]):7} {f['rule']:24} {f['message']} ({_where(f)})"
                  for f in other]
    if shown:
        lines += ["", f"Vague terms ({len(vague)}{'' if verbose or len(vague) <= 10 else ', top 10 shown'}):"]
        for f in shown:
            sentence = " ".join(f["sentence"].split())
            sentence = sentence if len(sentence) <= 110 else sentence[:107] + "..."
            lines.append(f"  {_style(f['severity'], _SEV_COLOR[f['severity']]):7} {f['rule']:20} "
                         f"'{f['text']}' {_where(f)}: {sentence}")
    if verbose:
        lines += ["", "Clauses:"]
        for c in result["clauses"]:
            labels = ", ".join(f"{k} {v:.2f}" for k, v in c["scores"].items()) or "other"
            lines.append(f"  {c['id']:12} {('p.' + str(c['page'])) if c['page'] else '':6} {labels}")
    return "\n".join(lines)
