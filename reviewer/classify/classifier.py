"""The clause classifier: TF-IDF on words and character n-grams into calibrated linear models.

Trained with scikit-learn, then saved as plain data: vocabularies and settings in JSON, weights
in a NumPy .npz read with allow_pickle=False. Loading therefore never runs code from the file,
and a model built by another scikit-learn version still loads (the arithmetic is ours); the
version it was built with is recorded and reported.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

from reviewer.paths import MODELS_DIR

CATEGORIES = ("scope", "sla", "penalty", "escalation", "reporting", "support_channels", "maintenance", "fees",
              "term", "liability", "data_security")
WEIGHTS_FILE = MODELS_DIR / "clause_classifier.npz"
META_FILE = MODELS_DIR / "clause_classifier.json"
SEED = 20261126
FORMAT = "contract-review-linear/1"

WORD_PARAMS = dict(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True,
                   token_pattern=r"(?u)\b\w[\w'-]*\b", max_features=30000)
CHAR_PARAMS = dict(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True, max_features=40000)


class ModelError(Exception):
    """The model files are missing, damaged, or of a format this version does not read."""


def model_input(heading: Optional[str], text: str, context: str = "") -> str:
    """One string per clause: heading words are marked so the model can weigh them apart from body text."""
    marked = " ".join(f"h_{w}" for w in re.findall(r"[a-z]{2,}", (heading or "").lower()))
    parts = [marked, context, text]
    return " \n ".join(p for p in parts if p)


def build_pipeline():
    """The scikit-learn pipeline that training fits (and cross-validation refits)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.svm import LinearSVC

    features = FeatureUnion([("words", TfidfVectorizer(**WORD_PARAMS)), ("chars", TfidfVectorizer(**CHAR_PARAMS))])
    svm = LinearSVC(C=0.5, class_weight="balanced", random_state=SEED)
    model = OneVsRestClassifier(CalibratedClassifierCV(svm, method="sigmoid", cv=3, ensemble=False))
    return Pipeline([("features", features), ("model", model)])


@dataclass
class ClauseClassifier:
    """Linear scores per category, turned into probabilities by each category's sigmoid calibration."""

    vectorizers: list  # fitted TfidfVectorizers, words then characters
    coef: object  # (categories, features)
    intercept: object
    calib_a: object
    calib_b: object
    labels: tuple[str, ...] = CATEGORIES
    meta: dict = field(default_factory=dict)
    _names: Optional[list[str]] = None

    @classmethod
    def from_pipeline(cls, pipeline, meta: dict) -> "ClauseClassifier":
        import numpy as np
        vectorizers = [v for _, v in pipeline.named_steps["features"].transformer_list]
        coef, intercept, a, b = [], [], [], []
        for estimator in pipeline.named_steps["model"].estimators_:
            calibrated = estimator.calibrated_classifiers_[0]
            coef.append(calibrated.estimator.coef_[0])
            intercept.append(calibrated.estimator.intercept_[0])
            a.append(calibrated.calibrators[0].a_)
            b.append(calibrated.calibrators[0].b_)
        return cls(vectorizers, np.array(coef), np.array(intercept), np.array(a), np.array(b), CATEGORIES, meta)

    def _features(self, inputs: list[str]):
        from reviewer.classify.tfidf import TfidfTransform, features
        if all(isinstance(v, TfidfTransform) for v in self.vectorizers):
            return features(self.vectorizers, inputs)
        from scipy.sparse import hstack
        return hstack([v.transform(inputs) for v in self.vectorizers]).tocsr()

    def features(self, inputs: list[str]):
        """The TF-IDF rows of ``inputs`` (one CSR matrix); pass rows on to avoid computing them twice."""
        return self._features(inputs)

    def predict_proba(self, inputs: list[str], features=None):
        import numpy as np
        if not inputs:
            return np.zeros((0, len(self.labels)))
        scores = (features if features is not None else self._features(inputs)) @ self.coef.T + self.intercept
        return 1.0 / (1.0 + np.exp(self.calib_a * scores + self.calib_b))

    def top_features(self, text: str, label: str, k: int = 3, row=None) -> list[str]:
        """The clause's words and word pairs that push hardest towards `label` (readable, unlike char n-grams).
        ``row``: the text's row of :meth:`features`, when the caller has it already."""
        import numpy as np
        if row is None:
            row = self._features([text])
        words = len(self.vectorizers[0].vocabulary_)
        weights = self.coef[self.labels.index(label)]
        contrib = row.data * weights[row.indices] * (row.indices < words)
        order = np.argsort(contrib)[::-1][:k]
        names = self._feature_names()
        return [names[row.indices[i]].strip() for i in order if contrib[i] > 0]

    def top_features_many(self, features, pairs: list[tuple[int, str]], k: int = 3) -> list[list[str]]:
        """``top_features`` of row ``i`` of ``features`` for ``label``, for each ``(i, label)`` of
        ``pairs``, with one numpy pass over all of them.

        The k largest positive contributions of each pair come from one sort; where two of them tie
        (or tie with the next one), the order ``top_features`` gives depends on its sort, so that
        pair is handed to ``top_features`` itself."""
        import numpy as np
        if not pairs:
            return []
        words = len(self.vectorizers[0].vocabulary_)
        rows = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
        labels = np.fromiter((self.labels.index(label) for _, label in pairs), dtype=np.int64, count=len(pairs))
        starts = features.indptr[rows].astype(np.int64)
        if features.has_sorted_indices:  # a row's word columns come first: read only those
            words_before = np.concatenate(([0], np.cumsum(features.indices < words)))
            lengths = words_before[features.indptr[rows + 1]] - words_before[starts]
        else:
            lengths = features.indptr[rows + 1] - starts
        pair_of = np.repeat(np.arange(len(pairs)), lengths)  # one entry per stored value read of each pair's row
        first = np.cumsum(lengths) - lengths
        positions = np.arange(lengths.sum()) - np.repeat(first, lengths) + np.repeat(starts, lengths)
        columns = features.indices[positions]
        is_word = columns < words  # character n-grams contribute 0 (unreadable)
        pair_of, columns, positions = pair_of[is_word], columns[is_word], positions[is_word]
        contrib = features.data[positions] * self.coef[labels[pair_of], columns]
        keep = contrib > 0
        pair_of, columns, contrib = pair_of[keep], columns[keep], contrib[keep]
        order = np.lexsort((-contrib, pair_of))  # by pair, then largest contribution first
        pair_of, columns, contrib = pair_of[order], columns[order], contrib[order]
        bounds = np.searchsorted(pair_of, np.arange(len(pairs) + 1))
        rank = np.arange(pair_of.size) - bounds[pair_of]
        tied = (pair_of[1:] == pair_of[:-1]) & (contrib[1:] == contrib[:-1]) & (rank[:-1] < k)
        tied_pairs = set(pair_of[:-1][tied].tolist())
        names = self._feature_names()
        columns, bounds = columns.tolist(), bounds.tolist()
        out = []
        for n, (i, label) in enumerate(pairs):
            if n in tied_pairs:
                out.append(self.top_features("", label, k, row=_CsrRow(features, i)))
            else:
                a, b = bounds[n], bounds[n + 1]
                out.append([names[c].strip() for c in columns[a:min(b, a + k)]])
        return out

    def _feature_names(self) -> list[str]:
        if self._names is None:
            # a loaded model's vocabularies are stored in column order; a freshly trained one's are sorted
            by_column = self.meta.get("vocabularies") or [_terms_by_column(v.vocabulary_) for v in self.vectorizers]
            self._names = [term for terms in by_column for term in terms]
        return self._names

    def save(self, weights_file: Path = WEIGHTS_FILE, meta_file: Path = META_FILE) -> None:
        import numpy as np
        weights_file.parent.mkdir(parents=True, exist_ok=True)
        arrays = {"coef": self.coef.astype(np.float32), "intercept": self.intercept, "calib_a": self.calib_a,
                  "calib_b": self.calib_b}
        vocabularies = []
        for i, v in enumerate(self.vectorizers):
            arrays[f"idf_{i}"] = v.idf_
            vocabularies.append(_terms_by_column(v.vocabulary_))
        with open(weights_file, "wb") as fh:
            np.savez_compressed(fh, **arrays)
        meta = dict(self.meta, format=FORMAT, labels=list(self.labels),
                    vectorizers=[_params(WORD_PARAMS), _params(CHAR_PARAMS)], vocabularies=vocabularies)
        meta_file.write_text(json.dumps(meta, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def _terms_by_column(vocabulary: dict[str, int]) -> list[str]:
    return [term for term, _ in sorted(vocabulary.items(), key=lambda kv: kv[1])]


class _CsrRow:
    """Row ``i`` of a CSR matrix as views of its arrays (what top_features reads), without scipy's slicing."""

    __slots__ = ("data", "indices")

    def __init__(self, matrix, i: int):
        a, b = matrix.indptr[i], matrix.indptr[i + 1]
        self.data, self.indices = matrix.data[a:b], matrix.indices[a:b]


def _params(params: dict) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


def load_classifier(weights_file: Path = WEIGHTS_FILE, meta_file: Path = META_FILE) -> ClauseClassifier:
    """Load a saved model. Its TF-IDF steps run on ``reviewer.classify.tfidf`` (same numbers, no
    scikit-learn import) unless a vectorizer setting needs scikit-learn itself."""
    import numpy as np

    from reviewer.classify.tfidf import TfidfTransform, supports

    if not weights_file.exists() or not meta_file.exists():
        raise ModelError(f"{weights_file}: no trained model; run `contract-review train`")
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise ModelError(f"{meta_file}: model format {meta.get('format')!r}, this version reads {FORMAT!r}; "
                             "run `contract-review train` to rebuild it")
        with np.load(weights_file, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        vectorizers = []
        for i, (params, vocab) in enumerate(zip(meta["vectorizers"], meta["vocabularies"])):
            params = {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}
            vocabulary = {term: j for j, term in enumerate(vocab)}
            if supports(params):
                v = TfidfTransform(params, vocabulary, arrays[f"idf_{i}"])
            else:
                from sklearn.feature_extraction.text import TfidfVectorizer
                v = TfidfVectorizer(**params)
                v.vocabulary_ = vocabulary
                v.idf_ = arrays[f"idf_{i}"]
            vectorizers.append(v)
        classifier = ClauseClassifier(vectorizers, arrays["coef"].astype(np.float64), arrays["intercept"],
                                      arrays["calib_a"], arrays["calib_b"], tuple(meta["labels"]), meta)
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"{weights_file}: cannot be loaded ({type(exc).__name__}: {exc}); "
                         "run `contract-review train` to rebuild it") from None
    if classifier.coef.shape != (len(classifier.labels), sum(len(v.vocabulary_) for v in vectorizers)):
        raise ModelError(f"{weights_file}: weights do not match the vocabularies in {meta_file.name}; "
                         "run `contract-review train` to rebuild it")
    return classifier


def version_note(classifier: ClauseClassifier) -> Optional[str]:
    """A message when the model was built with another scikit-learn than the one installed."""
    built = classifier.meta.get("versions", {}).get("scikit-learn")
    if not built:
        return None
    try:  # the installed version without importing scikit-learn (slow to import)
        from importlib.metadata import version
        installed = version("scikit-learn")
    except Exception:  # noqa: BLE001 - no distribution metadata: ask the package
        import sklearn
        installed = sklearn.__version__
    if built != installed:
        return (f"model built with scikit-learn {built}, this is {installed}; it loads (weights are plain "
                "arrays), but rebuild it with `contract-review train` to be sure")
    return None


@lru_cache(maxsize=1)
def default_classifier() -> ClauseClassifier:
    return load_classifier()
