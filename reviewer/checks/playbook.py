"""Playbooks: an organisation's bar for a contract (required items, severities, thresholds)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import yaml

from reviewer.checks.facts import FREQUENCY, PERCENTAGE, find_facts, format_minutes
from reviewer.paths import RULES_DIR

DEFAULT_PLAYBOOK = RULES_DIR / "playbooks" / "default.yml"
_KEYS = {"name", "description", "required", "severity", "disabled", "thresholds"}
_THRESHOLDS = {"p1_response_max_minutes", "p1_resolution_max_minutes", "availability_min_percent",
               "report_max_period", "credit_min_percent"}
_PERIOD_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 31, "two months": 62, "quarter": 92, "year": 366}
_P1_NAMES = ("P1", "Critical", "Urgent", "Emergency")


class PlaybookError(ValueError):
    pass


@dataclass
class Playbook:
    name: str = "none"
    required: tuple[str, ...] = ()
    severity_overrides: dict = field(default_factory=dict)
    off: tuple[str, ...] = ()
    thresholds: dict = field(default_factory=dict)

    def apply_to_checklist(self, checklist):
        for result in checklist:
            if result.id in self.off:
                result.status = "not_applicable"
            if result.id in self.severity_overrides:
                result.severity = self.severity_overrides[result.id]
            if result.id in self.required and result.status in ("missing", "vague"):
                result.severity = "high"
        return checklist

    def threshold_findings(self, matrix: list[dict], availability: list[dict], clauses) -> list[dict]:
        t, out = self.thresholds, []
        p1 = next((row for row in matrix if row["priority"] in _P1_NAMES), None)
        for slot, key in (("response", "p1_response_max_minutes"), ("resolution", "p1_resolution_max_minutes")):
            if p1 and key in t and p1.get(slot) and p1[slot]["minutes"] is not None and p1[slot]["minutes"] > t[key]:
                out.append(self._finding(
                    f"PLAYBOOK-P1-{slot.upper()}", "high",
                    f"Priority 1 {slot} {p1[slot]['text']}; playbook requires at most {format_minutes(t[key])}",
                    p1[slot]["text"], p1["clause"], p1["page"]))
        if "availability_min_percent" in t:
            for a in availability:
                if a["percent"] < t["availability_min_percent"]:
                    out.append(self._finding(
                        "PLAYBOOK-AVAILABILITY", "high",
                        f"Availability {a['percent']}% per {a['period']} (about {a['downtime']['month']} of downtime "
                        f"a month); playbook requires at least {t['availability_min_percent']}%",
                        f"{a['percent']}%", a["clause"], a["page"]))
        labelled = [c for c in clauses if "reporting" in c.label_names] if "report_max_period" in t else []
        if labelled:
            limit = _PERIOD_DAYS.get(t["report_max_period"], 31)
            periods = [(f, c) for c in labelled for f in find_facts(c.text, (FREQUENCY,))]
            if periods and all(_PERIOD_DAYS.get(f.qualifier, 0) > limit for f, _ in periods):
                f, c = min(periods, key=lambda fc: _PERIOD_DAYS.get(fc[0].qualifier, 999))
                out.append(self._finding(
                    "PLAYBOOK-REPORTING", "medium",
                    f"Reports {f.text}; playbook requires at least every {t['report_max_period']}", f.text, c.id, c.page))
        credit_clauses = [c for c in clauses if "penalty" in c.label_names] if "credit_min_percent" in t else []
        if credit_clauses:
            found = [(f, c) for c in credit_clauses for f in find_facts(c.text, (PERCENTAGE,))
                     if f.value is not None and f.value < 90]
            if found:
                best, clause = max(found, key=lambda fc: fc[0].value)
                if best.value < t["credit_min_percent"]:
                    out.append(self._finding(
                        "PLAYBOOK-CREDITS", "medium",
                        f"Largest service credit {best.text}; playbook requires at least {t['credit_min_percent']}% "
                        "of the monthly fee", best.text, clause.id, clause.page))
        return out

    def _finding(self, rule, severity, message, text, clause, page) -> dict:
        return {"rule": rule, "kind": "playbook", "severity": self.severity_overrides.get(rule, severity),
                "message": message, "text": text, "sentence": text, "clause": clause, "page": page,
                "start": None, "end": None, "why": f"Set by the playbook '{self.name}'.", "suggest": ""}


def load_playbook(path: Optional[Path] = None) -> Playbook:
    """The user's playbook, or the bundled default (market practice for IT support)."""
    path = Path(path) if path else DEFAULT_PLAYBOOK
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise PlaybookError(f"{path}: cannot read playbook ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise PlaybookError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise PlaybookError(f"{path}: a playbook is a YAML mapping (name, required, severity, disabled, thresholds)")
    if set(data) - _KEYS:
        raise PlaybookError(f"{path}: unknown playbook keys {sorted(set(data) - _KEYS)}")
    thresholds = data.get("thresholds") or {}
    if not isinstance(thresholds, dict):
        raise PlaybookError(f"{path}: thresholds must be a mapping")
    if set(thresholds) - _THRESHOLDS:
        raise PlaybookError(f"{path}: unknown thresholds {sorted(set(thresholds) - _THRESHOLDS)}")
    for key, value in thresholds.items():
        if key == "report_max_period":
            if value not in _PERIOD_DAYS:
                raise PlaybookError(f"{path}: report_max_period must be one of {sorted(_PERIOD_DAYS)}, not {value!r}")
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            raise PlaybookError(f"{path}: threshold {key} must be a number, not {value!r}")
    items = _known_items()
    lists = {}
    for key in ("required", "disabled"):
        value = data.get(key) or []
        if not isinstance(value, list):
            raise PlaybookError(f"{path}: {key} must be a list of checklist item IDs")
        unknown = [v for v in value if v not in items]
        if unknown:
            raise PlaybookError(f"{path}: {key} names unknown checklist items {unknown}")
        lists[key] = tuple(value)
    severity = data.get("severity") or {}
    if not isinstance(severity, dict):
        raise PlaybookError(f"{path}: severity must be a mapping of ID to high, medium or low")
    for key, value in severity.items():
        if value not in ("high", "medium", "low"):
            raise PlaybookError(f"{path}: severity of {key} must be high, medium or low")
        if key not in items and not _is_rule_id(key):
            raise PlaybookError(f"{path}: severity names an unknown ID {key!r} (see `contract-review rules`)")
    return Playbook(
        name=str(data.get("name", path.stem)), required=lists["required"], severity_overrides=dict(severity),
        off=lists["disabled"], thresholds=thresholds,
    )


def _known_items() -> set[str]:
    from reviewer.checks.checklist import default_checklist
    return {item.id for item in default_checklist()}


def _is_rule_id(rule_id: str) -> bool:
    if rule_id.startswith("PLAYBOOK-"):
        return rule_id in {"PLAYBOOK-P1-RESPONSE", "PLAYBOOK-P1-RESOLUTION", "PLAYBOOK-AVAILABILITY",
                           "PLAYBOOK-REPORTING", "PLAYBOOK-CREDITS"}
    from reviewer.checks.vague import VagueLexicon
    return rule_id in {rule["id"] for rule in VagueLexicon.load().rules()}
