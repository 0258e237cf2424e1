"""Markdown report: for pasting into a ticket, a wiki page or an e-mail."""
from __future__ import annotations


def _cell(text) -> str:
    return " ".join(str(text or "").split()).replace("|", "\\|")


def render_markdown(result: dict) -> str:
    s = result["summary"]
    lines = [f"# Contract review: {_cell(result['file'])}", "",
             f"Score **{s['score']}/100** — {s['checklist']['met']} met, {s['checklist']['vague']} vague, "
             f"{s['checklist']['missing']} missing; {s['vague_terms']} vague terms.", "",
             "## Checklist", "", "| Item | Status | Severity | Evidence | Where |", "| --- | --- | --- | --- | --- |"]
    for c in result["checklist"]:
        ev = c["evidence"][0] if c["evidence"] else {}
        where = ", ".join(x for x in (f"p.{ev['page']}" if ev.get("page") else "",
                                      f"§{ev['clause']}" if ev.get("clause") else "") if x)
        lines.append(f"| {c['id']} | {c['status']} | {c['severity']} | {_cell(ev.get('text', ''))[:200]} | {where} |")
    matrix = result.get("facts", {}).get("sla_matrix") or []
    if matrix:
        lines += ["", "## SLA matrix", "", "| Priority | Response | Resolution |", "| --- | --- | --- |"]
        for m in matrix:
            lines.append(f"| {m['priority']} | {_cell((m.get('response') or {}).get('text', '—'))} | "
                         f"{_cell((m.get('resolution') or {}).get('text', '—'))} |")
    lines += ["", "## Findings", ""]
    for f in result["findings"]:
        where = ", ".join(x for x in (f"p.{f['page']}" if f.get("page") else "",
                                      f"§{f['clause']}" if f.get("clause") else "") if x)
        lines.append(f"- **{f['severity']}** `{f['rule']}` {_cell(f['message'])}"
                     + (f" ({where})" if where else "") + (f" — “{_cell(f['sentence'])[:240]}”" if f.get("sentence") else ""))
    return "\n".join(lines) + "\n"
