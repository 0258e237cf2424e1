"""View models for the HTML templates: all logic here, so templates only lay out.

Everything that comes from the contract (its text, its file name, clause ids) stays a plain
string here and is escaped by jinja2's autoescape in the template; nothing in this module marks
contract text safe. Numbers that go into inline SVG or style attributes are computed here.
"""
from __future__ import annotations

import math
import re
from collections import Counter, OrderedDict
from typing import Iterable, Optional

STATUS_LABEL = {"met": "met", "vague": "vague", "missing": "missing", "not_applicable": "not applicable"}
STATUS_SYMBOL = {"met": "\u2714", "vague": "~", "missing": "\u2718", "not_applicable": "\u2013"}
STATUS_RANK = {"missing": 0, "vague": 1, "met": 2, "not_applicable": 3}  # for sorting: worst first
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
FORMAT_LABEL = {"pdf": "PDF", "docx": "Word (DOCX)", "md": "Markdown", "markdown": "Markdown", "txt": "plain text",
                "text": "plain text"}
FINDING_GROUPS = [
    ("playbook", "Deviations from your playbook",
     "Service levels that the contract states, but outside the limits your playbook sets."),
    ("vague_term", "Vague wording",
     "Words that set an obligation without a measure a third party could check."),
    ("other", "Other findings", ""),
    ("checklist", "Checklist gaps",
     "The checklist items above that are missing or only vaguely worded, as findings."),
]
_NUMERIC = re.compile(r"^\d+(?:\.\d+)*\.?$")
_SUB = re.compile(r"^\([0-9A-Za-z]{1,4}\)$")
_NOT_ASCII_ALNUM = re.compile(r"[^0-9A-Za-z]")
_DUPLICATE_SUFFIX = re.compile(r"#\d+$")
_TABLE_ROW_ID = re.compile(r"^(?:(?P<p>.*?)\.)?T(?P<t>\d+)\.r(?P<r>\d+)$")


# ---------------------------------------------------------------------------------------------
# clause ids, anchors and "where" labels

class ClauseIndex:
    """Maps the pipeline's clause ids to unique HTML anchors and to labels a lawyer would cite."""

    def __init__(self, clauses: Iterable[dict]):
        self.anchor: dict[str, str] = {}
        self.label: dict[str, str] = {}
        self.start: dict[str, int] = {}
        self.text: dict[str, str] = {}
        used: set[str] = set()
        parent = None  # the last fully numbered clause ("3.3.1"), for citing "(a)" as "3.3.1(a)"
        for i, c in enumerate(clauses):
            cid = str(c.get("id") or f"#{i}")
            slug = "c-" + (_NOT_ASCII_ALNUM.sub("-", cid).strip("-") or str(i))
            anchor, n = slug, 2
            while anchor in used:
                anchor, n = f"{slug}-{n}", n + 1
            used.add(anchor)
            self.anchor[cid] = anchor
            base = _DUPLICATE_SUFFIX.sub("", cid)
            if _NUMERIC.match(base):
                parent = base.rstrip(".")
            self.label[cid] = _clause_label(base, parent)
            if c.get("start") is not None:
                self.start[cid] = c["start"]
            self.text[cid] = c.get("text") or ""

    def where(self, item: dict) -> str:
        parts = []
        if item.get("page") is not None:
            parts.append(f"p. {item['page']}")
        cid = item.get("clause")
        if cid:
            label = self.label.get(str(cid))
            parts.append(label if label is not None else _clause_label(_DUPLICATE_SUFFIX.sub("", str(cid)), None))
        return " \u00b7 ".join(parts)

    def href(self, clause_id) -> str:
        if not clause_id:
            return ""
        anchor = self.anchor.get(str(clause_id))
        return f"#{anchor}" if anchor else ""


def _clause_label(base: str, parent: Optional[str]) -> str:
    m = _TABLE_ROW_ID.match(base)
    if m:
        where = f"clause {m.group('p')}, " if m.group("p") else ""
        return f"{where}table {m.group('t')}, row {m.group('r')}"
    if "\u00b6" in base:
        head, _, n = base.partition("\u00b6")
        return f"clause {head}, \u00b6{n}" if head else f"\u00b6{n}"
    if _SUB.match(base) and parent:
        return f"clause {parent}{base}"
    return f"clause {base}"


# ---------------------------------------------------------------------------------------------
# highlighting

def split_highlight(text: str, needle: str, hint: Optional[int] = None) -> tuple[str, str, str]:
    """(before, match, after) around `needle` in `text`: the occurrence nearest `hint`, case-insensitive.

    Returns (text, "", "") when the needle is absent, so the sentence is still shown.
    """
    if not text or not needle:
        return (text or "", "", "")
    low, nlow = text.lower(), needle.lower()
    hits = [m.start() for m in re.finditer(re.escape(nlow), low)]
    if not hits:
        return (text, "", "")
    idx = min(hits, key=lambda h: abs(h - hint)) if hint is not None else hits[0]
    return (text[:idx], text[idx:idx + len(needle)], text[idx + len(needle):])


# ---------------------------------------------------------------------------------------------
# the report

def report_view(result: dict) -> dict:
    from reviewer.checks.checklist import default_checklist
    from reviewer.checks.parties import find_parties
    try:
        items = {i.id: i for i in default_checklist()}
    except Exception:  # a broken rules file must not stop a report of a finished review
        items = {}
    clauses_in = result.get("clauses") or []
    cx = ClauseIndex(clauses_in)
    summary = result.get("summary") or {}
    checklist = result.get("checklist") or []
    findings_in = result.get("findings") or []

    vague_terms = [f for f in findings_in if f.get("kind") == "vague_term" and f.get("start") is not None]
    # checklist, grouped by area in rule order
    areas: "OrderedDict[str, dict]" = OrderedDict()
    for c in checklist:
        item = items.get(c["id"])
        area = c.get("area") or (item.area if item else "") or "Other"
        group = areas.setdefault(area, {"name": area, "slug": "area-" + _slug(area), "items": []})
        evidence = []
        for e in c.get("evidence") or []:
            text = e.get("text") or ""
            if c["status"] == "met":
                before, match, after = split_highlight(text, e.get("measure") or "")
                kind = "measure"
            else:  # show the vague words that made it vague, where a finding lies inside the quote
                term = _vague_term_in(e, vague_terms)
                before, match, after = split_highlight(text, term[0], term[1]) if term else (text, "", "")
                kind = "vague"
            evidence.append({"before": before, "match": match, "after": after, "kind": kind,
                             "where": cx.where(e), "href": cx.href(e.get("clause"))})
        group["items"].append({
            "id": c["id"], "status": c["status"], "status_label": STATUS_LABEL.get(c["status"], c["status"]),
            "severity": c.get("severity") or "", "question": c.get("question") or (item.question if item else c["id"]),
            "doc": item.doc if item else "", "why": item.rationale if item else "",
            "suggest": item.suggest if item else "", "evidence": evidence,
            "show_advice": c["status"] in ("vague", "missing"), "anchor": f"item-{c['id']}",
        })
    for group in areas.values():
        n = Counter(i["status"] for i in group["items"])
        scored = len(group["items"]) - n.get("not_applicable", 0)
        group["met"] = n.get("met", 0)
        group["scored"] = scored
        group["counts"] = [{"status": s, "label": STATUS_LABEL[s], "n": n[s]} for s in STATUS_LABEL if n.get(s)]

    # findings, with the flagged words highlighted in their sentence
    findings = []
    clause_flags: dict[str, list[str]] = {}
    for f in findings_in:
        kind = f.get("kind") or ""
        group = "checklist" if kind.startswith("checklist") else kind if kind in ("playbook", "vague_term") else "other"
        sentence = f.get("sentence") or ""
        hint = None
        cid = str(f.get("clause") or "")
        if sentence and sentence == f.get("text") and cx.text.get(cid):
            sentence = _excerpt(cx.text[cid], f["text"])  # a bare value ("24 hours"): show it in its clause
        if f.get("start") is not None and cid in cx.start:
            ctext = cx.text.get(cid, "")
            pos_in_clause = f["start"] - cx.start[cid]
            spos = ctext.find(sentence) if sentence else -1
            hint = pos_in_clause - spos if spos >= 0 else None
        if group == "checklist":
            before, match, after = sentence, "", ""
        else:
            before, match, after = split_highlight(sentence, f.get("text") or "", hint)
        findings.append({
            "rule": f.get("rule") or "", "kind": kind, "group": group, "severity": f.get("severity") or "low",
            "message": f.get("message") or "", "text": f.get("text") or "", "before": before, "match": match,
            "after": after, "has_sentence": bool(sentence) and group != "checklist", "where": cx.where(f),
            "href": cx.href(f.get("clause")), "why": f.get("why") or "", "suggest": f.get("suggest") or "",
            "item_href": f"#item-{f['rule']}" if group == "checklist" else "",
            "start": f.get("start") if f.get("start") is not None else -1,
        })
    findings.sort(key=lambda f: (SEVERITY_RANK.get(f["severity"], 3), f["start"], f["rule"]))
    for n, f in enumerate(findings, 1):
        f["anchor"] = f"f-{n}"
        if f["has_sentence"] and f["href"]:
            clause_flags.setdefault(f["href"][1:], []).append(f["anchor"])
    groups = []
    for key, title, blurb in FINDING_GROUPS:
        rows = [f for f in findings if f["group"] == key]
        if rows:
            groups.append({"key": key, "title": title, "blurb": blurb, "n": len(rows), "cards": _cards(rows),
                           "counts": _severity_counts(rows)})

    clauses = []
    for c in clauses_in:
        cid = str(c.get("id"))
        anchor = cx.anchor.get(cid, "")
        flags = clause_flags.get(anchor, [])
        clauses.append({"id": cid, "label": cx.label.get(cid, cid), "anchor": anchor, "page": c.get("page"),
                        "labels": [lab.replace("_", " ") for lab in c.get("labels") or []],
                        "text": c.get("text") or "", "flags": flags, "flag_href": f"#{flags[0]}-q" if flags else "",
                        "table_row": c.get("kind") == "table_row"})

    facts = result.get("facts") or {}
    matrix = []
    for m in facts.get("sla_matrix") or []:
        matrix.append({"priority": m.get("priority") or "",
                       "name": _priority_name(m),
                       "response": (m.get("response") or {}).get("text") or "",
                       "resolution": (m.get("resolution") or {}).get("text") or "",
                       "updates": (m.get("update") or {}).get("text") or "",
                       "where": cx.where(m), "href": cx.href(m.get("clause"))})
    show_update = any(r["updates"] for r in matrix)
    availability = []
    for a in facts.get("availability") or []:
        dt = a.get("downtime") or {}
        availability.append({"percent": _pct(a.get("percent")), "period": a.get("period") or "month",
                             "month": dt.get("month") or "", "year": dt.get("year") or "",
                             "week": _week(a), "where": cx.where(a), "href": cx.href(a.get("clause"))})

    parties = [p.to_dict() | {"href": cx.href(p.clause)} for p in find_parties(clauses_in)]
    status_counts = summary.get("checklist") or {}
    severity_counts = summary.get("findings") or {}
    gaps = [{"id": i["id"], "severity": i["severity"], "status": i["status"], "status_label": i["status_label"],
             "question": i["question"], "anchor": i["anchor"]}
            for g in areas.values() for i in g["items"] if i["status"] in ("missing", "vague")]
    for g in groups:  # a service level outside the playbook's limits is a negotiation point too
        if g["key"] == "playbook":
            gaps += [{"id": c["rule"], "severity": c["severity"], "status": "playbook", "status_label": "playbook",
                      "question": c["message"], "anchor": c["anchor"]} for c in g["cards"]]
    gaps.sort(key=lambda i: (SEVERITY_RANK.get(i["severity"], 3), STATUS_RANK.get(i["status"], 1.5)))
    file = result.get("file") or ""
    the_verdict = verdict(checklist, findings_in, summary)
    from reviewer import __version__
    return {
        "r": result, "version": __version__,
        "file": file, "name": file.replace("\\", "/").rsplit("/", 1)[-1] or file,
        "format": FORMAT_LABEL.get((result.get("format") or "").lower(), result.get("format") or ""),
        "pages": result.get("pages"), "sha": (result.get("sha256") or "")[:12], "sha256": result.get("sha256") or "",
        "parties": parties,
        "score": summary.get("score"),
        "gauge": _gauge(summary.get("score"), the_verdict["level"]),
        "verdict": the_verdict,
        "status_counts": [{"status": s, "label": STATUS_LABEL[s], "n": status_counts.get(s, 0)}
                          for s in STATUS_LABEL if s != "not_applicable" or status_counts.get(s)],
        "severity_counts": [{"severity": s, "n": severity_counts.get(s, 0)} for s in ("high", "medium", "low")],
        "vague_terms": summary.get("vague_terms", 0),
        "n_findings": len(findings),
        "gaps": gaps,
        "areas": list(areas.values()),
        "chart": coverage_chart(list(areas.values())),
        "groups": groups,
        "matrix": matrix, "show_update": show_update,
        "availability": availability,
        "clauses": clauses,
        "notes": [str(n) for n in result.get("notes") or []],
    }


def verdict(checklist: list[dict], findings: list[dict], summary: dict) -> dict:
    """One line a reader can act on: sign, negotiate, or do not sign as written."""
    missing_high = [c for c in checklist if c["status"] == "missing" and c.get("severity") == "high"]
    not_met = [c for c in checklist if c["status"] in ("missing", "vague")]
    high_findings = [f for f in findings if f.get("severity") == "high"]
    score = summary.get("score")
    if not checklist:
        return {"level": "none", "headline": "Nothing to assess",
                "detail": "No checklist items were evaluated for this contract."}
    if missing_high or (score is not None and score < 60):
        n_missing = sum(1 for c in not_met if c["status"] == "missing")
        detail = (f"{_n(len(missing_high), 'high-severity item')} missing" if missing_high
                  else f"{_n(n_missing, 'checklist item')} missing and {len(not_met) - n_missing} only vaguely worded")
        if missing_high:
            detail += ": " + "; ".join(c["question"].rstrip("?").lower() for c in missing_high[:3])
            detail += f" and {len(missing_high) - 3} more" if len(missing_high) > 3 else ""
        return {"level": "bad", "headline": "Significant gaps: do not sign as written", "detail": detail + "."}
    if not_met or high_findings:
        parts = []
        if not_met:
            parts.append(f"{_n(len(not_met), 'checklist item')} to tighten")
        if high_findings:
            parts.append(f"{_n(len(high_findings), 'high-severity finding')}")
        return {"level": "warn", "headline": "Negotiate before signing", "detail": " and ".join(parts) + "."}
    detail = "Every checklist item is stated measurably"
    detail += (f"; read the {_n(len(findings), 'finding')} below before signing." if findings
               else " and no wording was flagged.")
    return {"level": "good", "headline": "No gaps found", "detail": detail}


def coverage_chart(areas: list[dict]) -> dict:
    """An inline SVG: one row per area, one segment per checklist item coloured by its status."""
    label_w, bar_w, count_w, row_h, gap = 150, 420, 90, 26, 3
    rows = []
    for i, area in enumerate(areas):
        y = i * row_h
        n = len(area["items"]) or 1
        seg = (bar_w - gap * (n - 1)) / n
        cells = []
        for j, item in enumerate(area["items"]):
            cells.append({"x": round(label_w + j * (seg + gap), 2), "w": round(seg, 2), "status": item["status"],
                          "href": f"#{item['anchor']}",
                          "title": f"{item['id']}: {item['status_label']} \u2013 {item['question']}"})
        rows.append({"name": area["name"], "y": y, "ty": y + 17, "cells": cells,
                     "count": f"{area['met']} of {area['scored']} met"})
    width = label_w + bar_w + count_w
    return {"rows": rows, "width": width, "height": max(1, len(areas) * row_h), "bar_h": row_h - 8,
            "count_x": label_w + bar_w + 10}


def _gauge(score, level: str) -> dict:
    r = 40
    circ = 2 * math.pi * r
    value = max(0, min(100, score or 0))
    return {"r": r, "circ": round(circ, 2), "dash": round(circ * value / 100, 2),
            "gap": round(circ * (1 - value / 100), 2), "level": level}


def _cards(rows: list[dict]) -> list[dict]:
    """Findings of one rule on the same words become one card with each place quoted, so the
    reader gets the reason and the suggested wording once."""
    cards: "OrderedDict[tuple, dict]" = OrderedDict()
    for f in rows:
        key = (f["rule"], f["message"]) if f["group"] == "checklist" else (f["rule"], f["text"].lower())
        card = cards.get(key)
        if card is None:
            card = cards[key] = {"rule": f["rule"], "severity": f["severity"], "message": f["message"],
                                 "why": f["why"], "suggest": f["suggest"], "item_href": f["item_href"],
                                 "anchor": f["anchor"], "places": [], "advice": f["group"] != "checklist"}
        elif SEVERITY_RANK.get(f["severity"], 3) < SEVERITY_RANK.get(card["severity"], 3):
            card["severity"] = f["severity"]
        if f["has_sentence"]:
            card["places"].append({k: f[k] for k in ("anchor", "before", "match", "after", "where", "href")})
    for card in cards.values():
        card["n"] = len(card["places"])
    return sorted(cards.values(), key=lambda c: SEVERITY_RANK.get(c["severity"], 3))


def _vague_term_in(evidence: dict, vague_terms: list[dict]) -> Optional[tuple[str, int]]:
    """The first vague-term finding inside an evidence quote, as (words, offset in the quote)."""
    start, end = evidence.get("start"), evidence.get("end")
    if start is None or end is None:
        return None
    for f in vague_terms:
        if start <= f["start"] and f["end"] <= end and f.get("text"):
            return f["text"], f["start"] - start
    return None


def _excerpt(text: str, needle: str, width: int = 360) -> str:
    """The clause text around `needle`, cut at word boundaries when it is long."""
    if len(text) <= width:
        return text
    idx = max(0, text.lower().find(needle.lower()))
    lo = max(0, idx - width // 2)
    hi = min(len(text), lo + width)
    lo = text.rfind(" ", 0, lo) + 1 if lo else 0
    cut = text[lo:hi]
    if hi < len(text):
        cut = cut[:cut.rfind(" ")] if " " in cut else cut
    return ("\u2026" if lo else "") + cut + ("\u2026" if hi < len(text) else "")


def _severity_counts(rows: list[dict]) -> list[dict]:
    n = Counter(r["severity"] for r in rows)
    return [{"severity": s, "n": n[s]} for s in ("high", "medium", "low") if n.get(s)]


def _priority_name(m: dict) -> str:
    """The contract's own name for a priority, less the key shown beside it: "P1 Critical" -> "Critical"."""
    key = m.get("priority") or ""
    names = [n for n in m.get("names") or [] if n and n != key]
    if not names:
        return ""
    name = max(names, key=len)
    if key and name.lower().startswith(key.lower()):
        name = name[len(key):].strip(" -\u2013:")
    return name


def _pct(value) -> str:
    if value is None:
        return ""
    return f"{value:g}"


def _week(a: dict) -> str:
    minutes = (a.get("downtime_minutes") or {}).get("year")
    if minutes is None:
        return ""
    return _duration(minutes / 52.18)


def _duration(minutes: float) -> str:
    if minutes < 1:
        return f"{minutes * 60:.0f} seconds"
    if minutes < 90:
        return f"{minutes:.1f} minutes"
    return f"{minutes / 60:.1f} hours"


_REPORT_LINK = re.compile(r"^(?:[A-Za-z0-9._-]+/)*[A-Za-z0-9][A-Za-z0-9._-]*\.html$")


def _safe_report_link(link) -> str:
    """Only a relative link to a report file the scan wrote; anything else (a tampered cache
    entry with 'javascript:' or an absolute URL) gets no link."""
    link = str(link or "")
    return link if _REPORT_LINK.match(link) and ".." not in link.split("/") else ""


def _short_error(error: str, file: str) -> str:
    """'/abs/path/x.pdf: is corrupted' -> 'is corrupted': the row already names the file, and a
    report that is passed on should not show where it sat on the reviewer's disk."""
    head, sep, rest = error.partition(": ")
    if sep and file and head.replace("\\", "/").endswith(file.replace("\\", "/")):
        return rest
    return error


def _n(k: int, noun: str) -> str:
    return f"{k} {noun}{'' if k == 1 else 's'}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


# ---------------------------------------------------------------------------------------------
# the portfolio index

def index_view(results: list[dict], item_ids: list[str]) -> dict:
    from reviewer.checks.parties import find_parties
    try:
        from reviewer.checks.checklist import default_checklist
        items = {i.id: i for i in default_checklist()}
    except Exception:
        items = {}
    # columns grouped by area, in the order given
    columns = []
    for n, i in enumerate(item_ids):
        item = items.get(i)
        columns.append({"id": i, "area": item.area if item else "",
                        "title": f"{i}: {item.question}" if item else i, "col": 6 + n})
    area_heads: list[dict] = []
    for c in columns:
        c["first"] = not area_heads or area_heads[-1]["name"] != c["area"]
        if c["first"]:
            area_heads.append({"name": c["area"], "span": 1})
        else:
            area_heads[-1]["span"] += 1
    rows = []
    gaps = Counter()
    scores = []
    for r in results:
        statuses = {c["id"]: c["status"] for c in r.get("checklist") or []}
        s = r.get("summary") or {}
        counts = s.get("checklist") or {}
        ok = r.get("status") == "ok"
        if ok and s.get("score") is not None:
            scores.append(s["score"])
        cells = []
        for c in columns:
            st = statuses.get(c["id"], "")
            if st in ("missing", "vague"):
                gaps[(c["id"], st)] += 1
            cells.append({"first": c["first"], "status": st, "symbol": STATUS_SYMBOL.get(st, ""), "rank": STATUS_RANK.get(st, -1),
                          "title": f"{c['id']}: {STATUS_LABEL.get(st, 'not reviewed')}"})
        parties = find_parties(r.get("clauses") or []) if ok else []
        score = s.get("score")
        file = r.get("file") or ""
        rows.append({
            "file": file, "ok": ok, "error": _short_error(r.get("error") or "", file),
            "report": _safe_report_link(r.get("report")),
            "parties": " \u00b7 ".join(p.name for p in parties[:2]),
            "score": score, "score_v": score if score is not None else -1,
            "gauge": (score or 0) if ok else 0,
            "level": ("good" if score >= 85 else "warn" if score >= 60 else "bad") if score is not None else "none",
            "pages": r.get("pages"), "pages_v": r.get("pages") or 0,
            "met": counts.get("met", 0), "vague": counts.get("vague", 0), "missing": counts.get("missing", 0),
            "high": (s.get("findings") or {}).get("high", 0), "cells": cells,
        })
    totals = []
    for c in columns:
        m, v = gaps[(c["id"], "missing")], gaps[(c["id"], "vague")]
        totals.append({"first": c["first"], "missing": m, "vague": v, "title": f"{c['id']}: missing in {m}, vague in {v}"})
    worst = sorted(((gaps[(c["id"], "missing")] + gaps[(c["id"], "vague")], c) for c in columns),
                   key=lambda t: -t[0])
    return {"rows": rows, "ids": item_ids, "columns": columns, "areas": area_heads, "totals": totals,
            "total": len(results), "errors": sum(1 for r in results if r.get("status") == "error"),
            "reviewed": len(results) - sum(1 for r in results if r.get("status") == "error"),
            "average": round(sum(scores) / len(scores)) if scores else None,
            "common_gaps": [{"id": c["id"], "title": c["title"], "n": n} for n, c in worst[:3] if n],
            "symbols": [{"status": s, "symbol": STATUS_SYMBOL[s], "label": STATUS_LABEL[s]} for s in STATUS_LABEL]}
