"""The SLA matrix (priority x response x resolution) and availability in downtime terms."""
from __future__ import annotations

import re
from typing import Optional

from reviewer.checks.facts import DURATION, FREQUENCY, PERCENTAGE, PRIORITY, downtime_allowed, find_facts, format_minutes
from reviewer.segment.clauses import TABLE_ROW, Clause

_RESPONSE = re.compile(r"respon|acknowledg|reply|answer|react|attend|call[- ]?back", re.I)
_RESOLUTION = re.compile(r"resol|restor|fix|work-?around|repair|recover|close", re.I)
_UPDATE = re.compile(r"update|progress|status", re.I)
_THRESHOLD_BEFORE = re.compile(r"(?:less than|below|under|lower than|drops? to|falls? to|<|≤|but not|greater than|more than|at or above|between|exceeds?)\s*(?:or equal to\s*)?$", re.I)
_THRESHOLD_AFTER = re.compile(r"\s*\)?\s*(?:or (?:less|lower|below|under|more|greater|higher)|and below|to \d)", re.I)
_AVAILABILITY = re.compile(r"availab|uptime|up-?time|accessible", re.I)


def sla_matrix(clauses: list[Clause]) -> list[dict]:
    """One row per priority level: response and resolution targets with the clause that sets them."""
    rows: dict[str, dict] = {}
    for clause in clauses:  # tables first: where a contract has an SLA table, it is the authority
        if clause.kind == TABLE_ROW:
            _from_table_row(clause, rows)
    for clause in clauses:
        if clause.kind != TABLE_ROW and "sla" in clause.label_names:
            for sentence in clause.sentences:
                _from_sentence(clause, sentence.text, rows)
    order = sorted(rows, key=lambda k: (not k.startswith("P"), k))
    return [rows[k] for k in order]


def _entry(rows, level, clause):
    return rows.setdefault(level, {"priority": level, "names": [], "response": None, "resolution": None,
                                   "update": None, "clause": clause.id, "page": clause.page})


def _from_table_row(clause: Clause, rows: dict) -> None:
    header = [h.strip() for h in clause.context.split(" | ")] if clause.context else []
    cells = [c.strip() for c in clause.text.split(" | ")]
    levels = [f for f in find_facts(cells[0] if cells else "", (PRIORITY,))]
    if not levels:
        return
    entry = _entry(rows, levels[0].qualifier, clause)
    if cells[0] not in entry["names"]:
        entry["names"].append(cells[0])
    for i, cell in enumerate(cells[1:], start=1):
        title = header[i] if i < len(header) else ""
        slot = "response" if _RESPONSE.search(title) else "resolution" if _RESOLUTION.search(title) else \
            "update" if _UPDATE.search(title) else None
        if not slot or entry[slot] is not None:
            continue  # a column no target is read from, or one already read
        durations = find_facts(cell, (DURATION,))
        if durations:
            entry[slot] = {"text": durations[0].text, "minutes": durations[0].value,
                           "business": durations[0].qualifier in ("business", "working")}


def _from_sentence(clause: Clause, text: str, rows: dict) -> None:
    levels = find_facts(text, (PRIORITY,))
    if len({f.qualifier for f in levels}) != 1:
        return  # a sentence naming several levels cannot be split into cells safely
    durations = find_facts(text, (DURATION,))
    if not durations:
        return
    entry = _entry(rows, levels[0].qualifier, clause)
    if levels[0].text not in entry["names"]:
        entry["names"].append(levels[0].text)
    for duration in durations:
        before = text[max(0, duration.start - 60):duration.start]
        slot = None
        last_resp = max((m.end() for m in _RESPONSE.finditer(before)), default=-1)
        last_res = max((m.end() for m in _RESOLUTION.finditer(before)), default=-1)
        if last_resp > last_res:
            slot = "response"
        elif last_res > last_resp:
            slot = "resolution"
        if slot and entry[slot] is None:
            entry[slot] = {"text": duration.text, "minutes": duration.value,
                           "business": duration.qualifier in ("business", "working")}


def availability(clauses: list[Clause]) -> list[dict]:
    """Each availability percentage the contract promises, with the downtime it allows."""
    out, seen = [], set()
    for clause in clauses:
        labels = clause.label_names
        if "penalty" in labels and "sla" not in labels:
            continue  # percentages in a credit clause are triggers and amounts, not the promise
        units = [clause.text] if clause.kind == TABLE_ROW else [s.text for s in clause.sentences]
        for text in units:
            if not _mentions_availability(text):
                continue
            for fact in find_facts(text, (PERCENTAGE,)):
                if fact.value is None or not 90 <= fact.value < 100 or fact.value in seen:
                    continue
                if _THRESHOLD_BEFORE.search(text[max(0, fact.start - 40):fact.start]) or \
                        _THRESHOLD_AFTER.match(text, fact.end):
                    continue  # "falls below 99%", "99% or less": a credit trigger, not a promise
                nearby = text[max(0, fact.start - 120):fact.end + 120]
                if not _AVAILABILITY.search(nearby):
                    continue
                periods = [f.qualifier for f in find_facts(nearby, (FREQUENCY,))]
                period = next((p for p in periods if p in ("month", "quarter", "year", "week")), None) \
                    or _period_word(nearby) or "month"
                seen.add(fact.value)
                allowed = downtime_allowed(fact.value, period)
                out.append({
                    "percent": fact.value, "period": period, "clause": clause.id, "page": clause.page,
                    "downtime_minutes": allowed,
                    "downtime": {k: format_minutes(v) for k, v in allowed.items()},
                })
    return out


_AVAILABILITY_WORDS = ("availab", "uptime", "up-time", "accessible")  # what _AVAILABILITY matches, lower-cased


def _mentions_availability(text: str) -> bool:
    """``_AVAILABILITY.search(text)``, answered by substring tests where lower-casing is exact (ASCII)."""
    if text.isascii():
        low = text.lower()
        return any(word in low for word in _AVAILABILITY_WORDS)
    return _AVAILABILITY.search(text) is not None


def _period_word(text: str) -> Optional[str]:
    t = text.lower()
    for word, period in (("quarter", "quarter"), ("month", "month"), ("year", "year"), ("annual", "year"),
                         ("week", "week")):
        if word in t:
            return period
    return None
