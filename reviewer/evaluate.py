"""Evaluation on a user's own labelled contracts (the label format of shared/corpus/expected/).

A label file `<contract file name>.json` holds `checklist` (item -> {status, evidence, confidence})
and `vague` ({flag: [...], no_flag: [...], exhaustive: bool}, each entry with `phrase` and
`context`). Only high-confidence checklist labels are scored. A vague-term finding matches a
labelled occurrence when its flagged words contain the phrase's longest word and its sentence
shares at least half its words with the labelled context.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Optional

_WORD = re.compile(r"[a-z0-9]+")


def _words(text: Optional[str]) -> list[str]:
    return _WORD.findall((text or "").lower())


def finding_matches(finding: dict, gold: dict) -> bool:
    key = max(_words(gold["phrase"]), key=len, default="")
    flagged = _words(finding.get("text")) + _words((finding.get("text") or "").replace("-", " "))
    if not key or key not in flagged:
        return False
    context, sentence = set(_words(gold["context"])), set(_words(finding.get("sentence") or finding.get("text")))
    if not context or not sentence:
        return False
    return len(context & sentence) / min(len(context), len(sentence)) >= 0.5


def evaluate_contracts(reviewer, labels: Path, docs: Optional[Path] = None) -> dict:
    labels = Path(labels)
    files = [labels] if labels.is_file() else sorted(labels.glob("*.json"))
    docs = Path(docs) if docs else (labels.parent if labels.is_file() else labels.parent)
    per_item: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_status: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    confusions: Counter = Counter()
    tp = fn = tp_exh = fp_exh = 0
    errors, disagreements = [], []
    for label_file in files:
        try:
            label = json.loads(label_file.read_text(encoding="utf-8"))
            path = docs / label["file"]
        except (ValueError, KeyError, TypeError) as exc:
            errors.append(f"{label_file}: not a label file ({type(exc).__name__}: {exc})")
            continue
        if not path.exists():
            errors.append(f"{label['file']}: document not found in {docs}")
            continue
        result = reviewer.review_file(path, display_name=label["file"])
        if result["status"] != "ok":
            errors.append(result["error"])
        got = {c["id"]: c["status"] for c in result.get("checklist", [])}
        for item, want in label.get("checklist", {}).items():
            if want.get("confidence") != "high":
                continue
            ok = got.get(item) == want["status"]
            for table, key in ((per_item, item), (per_status, want["status"])):
                table[key][1] += 1
                table[key][0] += ok
            if not ok:
                confusions[(item, want["status"], got.get(item, "absent"))] += 1
                disagreements.append(f"{label['file']}: {item} labelled {want['status']}, got {got.get(item)}")
        vague = [f for f in result.get("findings", []) if f.get("kind") == "vague_term"]
        flags = label.get("vague", {}).get("flag", [])
        for gold in flags:
            if any(finding_matches(f, gold) for f in vague):
                tp += 1
            else:
                fn += 1
                disagreements.append(f"{label['file']}: missed vague {gold['phrase']!r}")
        if label.get("vague", {}).get("exhaustive"):
            for f in vague:
                if any(finding_matches(f, g) for g in flags):
                    tp_exh += 1
                else:
                    fp_exh += 1
                    disagreements.append(f"{label['file']}: extra vague {f['text']!r} in {f['sentence'][:80]!r}")
    total = sum(n for _, n in per_item.values())
    correct = sum(c for c, _ in per_item.values())
    return {
        "documents": len(files),
        "accuracy": correct / total if total else 0.0, "correct": correct, "total": total,
        "balanced": (sum(c / n for c, n in per_status.values()) / len(per_status)) if per_status else 0.0,
        "precision": tp_exh / (tp_exh + fp_exh) if tp_exh + fp_exh else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "per_item": dict(per_item), "per_status": dict(per_status),
        "confusions": confusions.most_common(10), "disagreements": disagreements, "errors": errors,
    }


def format_contract_eval(report: dict) -> str:
    lines = [f"{report['documents']} labelled contracts"]
    lines.append("per item (correct/labelled):")
    lines += [f"  {item:22} {c}/{n}" for item, (c, n) in sorted(report["per_item"].items())]
    lines += [f"  {d}" for d in report["disagreements"]]
    lines += [f"error: {e}" for e in report["errors"]]
    lines.append(f"checklist accuracy {report['accuracy']:.1%} ({report['correct']}/{report['total']}), balanced "
                 f"{report['balanced']:.1%}; vague precision {report['precision']:.2f}, recall {report['recall']:.2f}")
    return "\n".join(lines)
