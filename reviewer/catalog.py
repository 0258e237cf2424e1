"""The rule catalog: every checklist item, vague-term rule and clause pattern, with a stable ID."""
from __future__ import annotations


def catalog(select: tuple[str, ...] = ()) -> list[dict]:
    from reviewer.checks.checklist import default_checklist
    from reviewer.checks.vague import VagueLexicon
    from reviewer.classify.rules import default_patterns

    rows = [{"id": i.id, "kind": "checklist", "severity": i.severity, "doc": i.doc} for i in default_checklist()]
    for rule in VagueLexicon.load().rules():
        rows.append({"id": rule["id"], "kind": f"vague:{rule.get('kind', '')}", "severity": rule.get("severity", ""),
                     "doc": rule.get("doc") or rule.get("message", "")})
    rows += [
        {"id": "PLAYBOOK-P1-RESPONSE", "kind": "playbook", "severity": "high", "doc": "Priority 1 response slower than the playbook allows."},
        {"id": "PLAYBOOK-P1-RESOLUTION", "kind": "playbook", "severity": "high", "doc": "Priority 1 resolution slower than the playbook allows."},
        {"id": "PLAYBOOK-AVAILABILITY", "kind": "playbook", "severity": "high", "doc": "Availability below the playbook's minimum."},
        {"id": "PLAYBOOK-REPORTING", "kind": "playbook", "severity": "medium", "doc": "Reports less often than the playbook requires."},
        {"id": "PLAYBOOK-CREDITS", "kind": "playbook", "severity": "medium", "doc": "Service credits smaller than the playbook's minimum."},
    ]
    for rule in default_patterns().rules():
        rows.append({"id": rule["id"], "kind": f"pattern:{rule['category']}", "severity": "-",
                     "doc": rule.get("doc", "")})
    if select:
        rows = [r for r in rows if r["id"].upper().startswith(select)]
    return rows
