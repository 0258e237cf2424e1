"""Labels clauses by combining rule hits and classifier probabilities; every label carries its reasons."""
from __future__ import annotations

import math
from typing import Optional

from reviewer.classify.classifier import CATEGORIES, ClauseClassifier, model_input

THRESHOLD = 0.5
RULE_WEIGHT = 0.8  # a rule hit is evidence, not proof: a clause can name "service levels" without setting one


def combine(p_classifier: float, p_rules: float, stack: dict | None = None) -> float:
    """The stacker learnt at training time where there is one; else a noisy-OR with the rules discounted."""
    if stack:
        p = min(max(p_classifier, 1e-4), 1 - 1e-4)
        z = stack["coef"][0] * math.log(p / (1 - p)) + stack["coef"][1] * p_rules + stack["intercept"]
        return 1.0 / (1.0 + math.exp(-z))
    return 1.0 - (1.0 - p_classifier) * (1.0 - RULE_WEIGHT * p_rules)


def _combiner(stack: dict | None):
    """``combine`` with ``stack`` bound: the same arithmetic, in the same order, without the lookups."""
    if not stack:
        return lambda p_classifier, p_rules: combine(p_classifier, p_rules)
    coef_classifier, coef_rules, intercept = stack["coef"][0], stack["coef"][1], stack["intercept"]
    log, exp = math.log, math.exp

    def stacked(p_classifier: float, p_rules: float) -> float:
        p = min(max(p_classifier, 1e-4), 1 - 1e-4)
        return 1.0 / (1.0 + exp(-(coef_classifier * log(p / (1 - p)) + coef_rules * p_rules + intercept)))
    return stacked


class Labeler:
    def __init__(self, patterns=None, classifier: Optional[ClauseClassifier] = None, *, use_rules: bool = True,
                 use_classifier: bool = True, threshold: float = THRESHOLD):
        self.patterns = patterns
        self.classifier = classifier
        self.use_rules = use_rules and patterns is not None
        self.use_classifier = use_classifier and classifier is not None
        self.threshold = threshold

    @classmethod
    def default(cls) -> "Labeler":
        from reviewer.classify.classifier import default_classifier
        from reviewer.classify.rules import default_patterns
        return cls(default_patterns(), default_classifier())

    def score_many(self, items: list[tuple[Optional[str], str, str]]):
        """Per item (heading, text, context): {category: (score, reasons)} for every category."""
        out, inputs, _ = self._score(items)
        return out, inputs

    def _score(self, items: list[tuple[Optional[str], str, str]]):
        probs = features = None
        inputs = [model_input(h, t, c) for h, t, c in items]
        if self.use_classifier and items:
            features = self.classifier.features(inputs)  # once: probabilities and top words both read it
            probs = self.classifier.predict_proba(inputs, features)
        classifier_rows = probs.tolist() if probs is not None else None
        columns = [self.classifier.labels.index(c) for c in CATEGORIES] if probs is not None else None
        combiners = self._combiners()
        out = []
        for i, (heading, text, context) in enumerate(items):
            hits = self.patterns.match(heading, f"{context}\n{text}" if context else text) if self.use_rules else []
            rule_scores = self.patterns.score(hits) if self.use_rules else {}
            rule_reasons = _rule_reasons(hits)
            row = classifier_rows[i] if classifier_rows is not None else None
            scores = {}
            for c, category in enumerate(CATEGORIES):
                p_rules = rule_scores.get(category, 0.0)
                p_clf = row[columns[c]] if row is not None else 0.0
                reasons = list(rule_reasons.get(category, ()))
                if row is not None and p_clf >= 0.2:
                    reasons.append(f"classifier {p_clf:.2f}")
                scores[category] = (combiners[c](p_clf, p_rules), reasons, p_clf)
            out.append(scores)
        return out, inputs, features

    def _combiners(self) -> list:
        """Per category, (p_classifier, p_rules) -> score."""
        if self.use_rules and self.use_classifier:
            stack = self.classifier.meta.get("stack", {})
            return [_combiner(stack.get(category)) for category in CATEGORIES]
        if self.use_classifier:
            return [lambda p_clf, p_rules: p_clf] * len(CATEGORIES)
        return [lambda p_clf, p_rules: p_rules] * len(CATEGORIES)

    def label(self, clauses) -> None:
        """Sets `labels` on each clause: the categories scoring at or above the threshold."""
        from reviewer.segment.clauses import Label
        items = [(c.heading, c.text, c.context) for c in clauses]
        scored, _, features = self._score(items)
        explained = []  # (clause index, category): labels whose classifier reason names its top words
        for i, (clause, scores) in enumerate(zip(clauses, scored)):
            clause.scores = {category: round(v[0], 3) for category, v in scores.items()}
            clause.labels = [Label(category, round(score, 3), reasons)
                             for category, (score, reasons, p_clf) in scores.items() if score >= self.threshold]
            if self.use_classifier:
                explained += [(i, label.category) for label in clause.labels if scores[label.category][2] >= 0.2]
        if explained:
            tops = self.classifier.top_features_many(features, explained)
            for (i, category), top in zip(explained, tops):
                if top:
                    label = next(l for l in clauses[i].labels if l.category == category)
                    label.reasons = [r if not r.startswith("classifier") else f"{r}: {', '.join(top)}"
                                     for r in label.reasons]
        for clause in clauses:
            clause.labels = sorted(clause.labels, key=lambda l: -l.score)


def _rule_reasons(hits) -> dict[str, list[str]]:
    """Per category, the first three of its rule hits as reasons."""
    reasons: dict[str, list[str]] = {}
    for h in hits:
        found = reasons.setdefault(h.category, [])
        if len(found) < 3:
            found.append(f"rule {h.rule_id} ({h.matched!r})")
    return reasons
