"""Training and evaluation of the clause classifier on the project's own labelled clauses (training/)."""
from __future__ import annotations

import hashlib
import json
import platform
from pathlib import Path

from reviewer.classify.classifier import CATEGORIES, SEED, ClauseClassifier, build_pipeline, model_input
from reviewer.paths import TRAINING_DIR

OTHER = "other"


def load_dataset(folder: Path = TRAINING_DIR / "clauses") -> list[dict]:
    records, seen = [], set()
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise ValueError(f"{folder}: no *.jsonl training files")
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON ({exc})") from None
            bad = [label for label in rec.get("labels", []) if label not in CATEGORIES]
            if bad or "text" not in rec or "doc" not in rec:
                raise ValueError(f"{path}:{n}: needs text, doc and labels from {CATEGORIES} (got {bad})")
            if rec.get("id") in seen:
                raise ValueError(f"{path}:{n}: duplicate id {rec.get('id')}")
            seen.add(rec.get("id"))
            records.append(rec)
    return records


def dataset_digest(records: list[dict]) -> str:
    h = hashlib.sha256()
    for r in records:
        h.update(json.dumps(r, sort_keys=True).encode())
    return h.hexdigest()[:16]


def inputs_and_targets(records):
    import numpy as np
    X = [model_input(r.get("heading"), r["text"], r.get("context", "")) for r in records]
    Y = np.array([[1 if c in r["labels"] else 0 for c in CATEGORIES] for r in records])
    groups = [r["doc"] for r in records]
    return X, Y, groups


def split_by_document(records, test_size: float = 0.2, seed: int = SEED):
    from sklearn.model_selection import GroupShuffleSplit
    groups = [r["doc"] for r in records]
    splitter = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=seed)
    train_idx, test_idx = next(splitter.split(records, groups=groups))
    return [records[i] for i in train_idx], [records[i] for i in test_idx]


def fit(records, patterns=None) -> ClauseClassifier:
    """Fits the classifier, then (given rule patterns) a per-category stacker over classifier and rule scores."""
    import numpy as np
    import sklearn
    X, Y, groups = inputs_and_targets(records)
    np.random.seed(SEED)
    pipeline = build_pipeline()
    pipeline.fit(X, Y)
    for _, vectorizer in pipeline.named_steps["features"].transformer_list:
        vectorizer.stop_words_ = None  # only kept for introspection; it is most of the file's size
    meta = {
        "labels": list(CATEGORIES),
        "versions": {"scikit-learn": sklearn.__version__, "numpy": np.__version__,
                     "python": platform.python_version()},
        "training": {"clauses": len(records), "documents": len({r["doc"] for r in records}),
                     "digest": dataset_digest(records), "seed": SEED},
    }
    if patterns is not None:
        meta["stack"] = fit_stacker(records, X, Y, groups, patterns)
    return ClauseClassifier.from_pipeline(pipeline, meta)


def rule_scores(records, patterns):
    import numpy as np
    out = np.zeros((len(records), len(CATEGORIES)))
    for i, r in enumerate(records):
        text = f"{r['context']}\n{r['text']}" if r.get("context") else r["text"]
        scores = patterns.score(patterns.match(r.get("heading"), text))
        for c, category in enumerate(CATEGORIES):
            out[i, c] = scores.get(category, 0.0)
    return out


def fit_stacker(records, X, Y, groups, patterns, folds: int = 3) -> dict:
    """Learns, per category, how much to trust rule hits next to the classifier's out-of-fold probability.

    Stored as plain numbers (coefficients and intercepts) in the model's JSON metadata.
    """
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold
    oof = np.zeros(Y.shape, dtype=float)
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(X, Y, groups):
        model = build_pipeline()
        model.fit([X[i] for i in train_idx], Y[train_idx])
        oof[test_idx] = model.predict_proba([X[i] for i in test_idx])
    rules = rule_scores(records, patterns)
    stack = {}
    for c, category in enumerate(CATEGORIES):
        features = stack_features(oof[:, c], rules[:, c])
        lr = LogisticRegression(C=1.0, random_state=SEED).fit(features, Y[:, c])
        stack[category] = {"coef": [float(v) for v in lr.coef_[0]], "intercept": float(lr.intercept_[0])}
    return stack


def stack_features(p_classifier, p_rules):
    import numpy as np
    p = np.clip(np.asarray(p_classifier, dtype=float), 1e-4, 1 - 1e-4)
    return np.column_stack([np.log(p / (1 - p)), np.asarray(p_rules, dtype=float)])


def prf(Y_true, Y_pred) -> dict:
    """Per-category precision, recall, F1 and support, plus the macro average."""
    from sklearn.metrics import precision_recall_fscore_support
    p, r, f, s = precision_recall_fscore_support(Y_true, Y_pred, zero_division=0)
    table = {c: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
             for i, c in enumerate(CATEGORIES)}
    table["macro"] = {"precision": float(p.mean()), "recall": float(r.mean()), "f1": float(f.mean()),
                      "support": int(s.sum())}
    return table


def evaluate_sources(classifier: ClauseClassifier, records, patterns) -> dict:
    """Rules alone, classifier alone and combined, on the given (held-out) records."""
    import numpy as np
    from reviewer.classify.labeler import Labeler
    _, Y, _ = inputs_and_targets(records)
    items = [(r.get("heading"), r["text"], r.get("context", "")) for r in records]
    results = {}
    for name, kwargs in (("rules", dict(use_classifier=False)), ("classifier", dict(use_rules=False)),
                         ("combined", {})):
        labeler = Labeler(patterns, classifier, **kwargs)
        scored, _ = labeler.score_many(items)
        pred = np.array([[1 if s[c][0] >= labeler.threshold else 0 for c in CATEGORIES] for s in scored])
        results[name] = prf(Y, pred)
    return results


def cross_validate(records, folds: int = 5) -> dict:
    """Grouped (by document) k-fold figures for the classifier alone."""
    import numpy as np
    from sklearn.model_selection import GroupKFold
    X, Y, groups = inputs_and_targets(records)
    pred = np.zeros_like(Y)
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(X, Y, groups):
        pipeline = build_pipeline()
        pipeline.fit([X[i] for i in train_idx], Y[train_idx])
        proba = pipeline.predict_proba([X[i] for i in test_idx])
        pred[test_idx] = (proba >= 0.5).astype(int)
    return prf(Y, pred)


def format_table(results: dict) -> str:
    """Per-category P/R/F1 for each source side by side."""
    names = list(results)
    header = f"{'category':18}" + "".join(f"{n + ' P/R/F1':>26}" for n in names) + f"{'support':>9}"
    lines = [header, "-" * len(header)]
    for c in list(CATEGORIES) + ["macro"]:
        row = f"{c:18}"
        for n in names:
            m = results[n][c]
            row += f"{m['precision']:>10.2f}{m['recall']:>8.2f}{m['f1']:>8.2f}"
        row += f"{results[names[0]][c]['support']:>9}"
        lines.append(row)
    return "\n".join(lines)


def write_model_card(path: Path, records, held_out: dict, cv: dict, meta: dict) -> None:
    from collections import Counter
    counts = Counter(label for r in records for label in r["labels"])
    others = sum(1 for r in records if not r["labels"])
    lines = [
        "# Model card: clause classifier",
        "",
        "Multi-label classifier over the 11 clause categories of `shared/spec/checklist.md` (a clause with",
        "no category is `other`). TF-IDF on word 1-2-grams and character 3-5-grams, one linear SVM per",
        "category with sigmoid calibration (3-fold), combined with the rule patterns in `rules/patterns/`",
        "by a discounted noisy-OR (`reviewer/classify/labeler.py`). Rebuilt by `contract-review train`",
        f"(seed {meta['training']['seed']}); saved as plain arrays (JSON + .npz, no pickle).",
        "",
        "## Data",
        "",
        f"{len(records)} labelled clauses from {meta['training']['documents']} project-written documents "
        f"(`training/clauses/*.jsonl`, digest `{meta['training']['digest']}`). No text from `shared/corpus`.",
        "",
        "| label | clauses |",
        "| --- | ---: |",
    ]
    lines += [f"| {c} | {counts.get(c, 0)} |" for c in CATEGORIES] + [f"| other (no label) | {others} |", ""]
    lines += ["## Held-out figures (20% of documents, split by document)", "", "```",
              format_table(held_out), "```", "",
              "## Cross-validated figures (classifier alone, 5-fold grouped by document)", "", "```",
              format_table({"classifier (cv)": cv}), "```", "",
              "## Versions", ""]
    lines += [f"- {k}: {v}" for k, v in meta["versions"].items()]
    lines += ["", "## Limits", "",
              "The training clauses are written by the project: they cover the drafting styles listed in",
              "`training/README.md` but are cleaner than many real contracts. Figures on real contracts are in",
              "the README (corpus evaluation); those are the ones to trust.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
