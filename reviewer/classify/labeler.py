"""Labels clauses by combining rule hits and classifier probabilities; every label carries its reasons."""
from __future__ import annotations

import math
from typing import Optional

from reviewer.classify.classifier import CATEGORIES, ClauseClassifier, model_input

THRESHOLD = 0.5
RULE_WEIGHT = 0.8  # a rule hit is evidence, not proof: a clause can name "service levels" without setting one


def combine(p_classifier: float, p_rules: float) -> float:
    """A noisy-OR with the rules discounted: the score where training learnt no stacker."""
    return 1.0 - (1.0 - p_classifier) * (1.0 - RULE_WEIGHT * p_rules)


def _combiner(stack: dict | None):
    """(p_classifier, p_rules) -> score: the stacker learnt at training time where there is one, else ``combine``."""
    if not stack:
        return combine
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
        """Per item (heading, text, context): {category: (score, reasons, p_classifier)} for every category."""
        evidence, inputs, _ = self._evidence(items)
        out = []
        for scores, p_classifier, rule_reasons in evidence:
            out.append({category: (scores[c], _reasons(rule_reasons, category, p_classifier and p_classifier[c]),
                                   p_classifier[c] if p_classifier else 0.0)
                        for c, category in enumerate(CATEGORIES)})
        return out, inputs

    def _evidence(self, items: list[tuple[Optional[str], str, str]]):
        """Per item: the score of each category (in CATEGORIES order), the classifier's probability
        of each (None without a classifier) and the rule reasons by category; the model inputs; the
        TF-IDF rows."""
        probs = features = None
        inputs = [model_input(h, t, c) for h, t, c in items]
        if self.use_classifier and items:
            features = self.classifier.features(inputs)  # once: probabilities and top words both read it
            probs = self.classifier.predict_proba(inputs, features)
        if probs is not None:
            columns = [self.classifier.labels.index(c) for c in CATEGORIES]
            classifier_rows = probs[:, columns].tolist()
        combiners = self._combiners()
        no_rules = dict.fromkeys(CATEGORIES, 0.0)
        texts = [f"{context}\n{text}" if context else text for _, text, context in items]
        if self.use_rules:
            self.patterns.warm(texts)
        out = []
        for i, (heading, _, _) in enumerate(items):
            if self.use_rules:
                hits = self.patterns.match(heading, texts[i])
                rule_scores = self.patterns.score(hits)
            else:
                hits, rule_scores = [], no_rules
            p_classifier = classifier_rows[i] if probs is not None else None
            p_row = p_classifier or [0.0] * len(CATEGORIES)
            scores = [combine_one(p_row[c], rule_scores.get(category, 0.0))
                      for c, (category, combine_one) in enumerate(zip(CATEGORIES, combiners))]
            out.append((scores, p_classifier, _rule_reasons(hits)))
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
        evidence, _, features = self._evidence(items)
        threshold = self.threshold
        explained = []  # (clause index, category): labels whose classifier reason names its top words
        for i, (clause, (scores, p_classifier, rule_reasons)) in enumerate(zip(clauses, evidence)):
            clause.scores = {category: round(score, 3) for category, score in zip(CATEGORIES, scores)}
            clause.labels = [Label(category, round(scores[c], 3),
                                   _reasons(rule_reasons, category, p_classifier and p_classifier[c]))
                             for c, category in enumerate(CATEGORIES) if scores[c] >= threshold]
            if p_classifier:
                explained += [(i, label.category) for label in clause.labels
                              if p_classifier[CATEGORIES.index(label.category)] >= 0.2]
        if explained:
            tops = self.classifier.top_features_many(features, explained)
            for (i, category), top in zip(explained, tops):
                if top:
                    label = next(l for l in clauses[i].labels if l.category == category)
                    label.reasons = [r if not r.startswith("classifier") else f"{r}: {', '.join(top)}"
                                     for r in label.reasons]
        for clause in clauses:
            clause.labels = sorted(clause.labels, key=lambda l: -l.score)


def _reasons(rule_reasons: dict[str, list[str]], category: str, p_classifier: Optional[float]) -> list[str]:
    """A label's reasons: its first rule hits, then the classifier's probability where it is 0.2 or more."""
    reasons = list(rule_reasons.get(category, ()))
    if p_classifier is not None and p_classifier >= 0.2:
        reasons.append(f"classifier {p_classifier:.2f}")
    return reasons


def _rule_reasons(hits) -> dict[str, list[str]]:
    """Per category, the first three of its rule hits as reasons."""
    reasons: dict[str, list[str]] = {}
    for h in hits:
        found = reasons.setdefault(h.category, [])
        if len(found) < 3:
            found.append(f"rule {h.rule_id} ({h.matched!r})")
    return reasons
