"""The clause classifier: TF-IDF on words and character n-grams into calibrated linear models.

Saved with skops (not pickle), and loaded only with the exact set of scikit-learn types this
module builds, so a swapped model file cannot run code. Metadata (labels, library versions,
thresholds) sits beside it as JSON.
"""
from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

from reviewer.paths import MODELS_DIR

CATEGORIES = ("scope", "sla", "penalty", "escalation", "reporting", "support_channels", "maintenance", "fees",
              "term", "liability", "data_security")
MODEL_FILE = MODELS_DIR / "clause_classifier.skops"
META_FILE = MODELS_DIR / "clause_classifier.json"
SEED = 20261126

_TRUSTED_TYPES = {
    "sklearn.pipeline.Pipeline", "sklearn.pipeline.FeatureUnion",
    "sklearn.feature_extraction.text.TfidfVectorizer", "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.multiclass.OneVsRestClassifier", "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.calibration.CalibratedClassifierCV", "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration", "sklearn.svm._classes.LinearSVC",
    "sklearn.preprocessing._label.LabelBinarizer", "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.feature_extraction.text.CountVectorizer", "builtins.slice", "numpy.float64", "numpy.int64",
    "numpy.dtype", "numpy.ndarray", "scipy.sparse._csr.csr_matrix", "builtins.str", "builtins.frozenset",
}


class ModelError(Exception):
    """The model file is missing, from another scikit-learn, or holds types we do not load."""


def model_input(heading: Optional[str], text: str, context: str = "") -> str:
    """One string per clause: heading words are marked so the model can weigh them apart from body text."""
    marked = " ".join(f"h_{w}" for w in re.findall(r"[a-z]{2,}", (heading or "").lower()))
    parts = [marked, context, text]
    return " \n ".join(p for p in parts if p)


def build_pipeline():
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.svm import LinearSVC

    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True,
                                  token_pattern=r"(?u)\b\w[\w'-]*\b", max_features=60000)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True,
                                  max_features=80000)),
    ])
    svm = LinearSVC(C=0.5, class_weight="balanced", random_state=SEED)
    model = OneVsRestClassifier(CalibratedClassifierCV(svm, method="sigmoid", cv=3))
    return Pipeline([("features", features), ("model", model)])


@dataclass
class ClauseClassifier:
    pipeline: object
    labels: tuple[str, ...]
    meta: dict

    def predict_proba(self, inputs: list[str]):
        return self.pipeline.predict_proba(inputs)

    def top_features(self, text: str, label: str, k: int = 3) -> list[str]:
        """The clause's n-grams that push hardest towards `label` (mean weight of the calibrated SVMs)."""
        import numpy as np
        features = self.pipeline.named_steps["features"]
        estimator = self.pipeline.named_steps["model"].estimators_[self.labels.index(label)]
        coefs = np.mean([c.estimator.coef_[0] for c in estimator.calibrated_classifiers_], axis=0)
        vec = features.transform([text])
        row = vec.tocsr()
        contrib = row.data * coefs[row.indices]
        order = np.argsort(contrib)[::-1][:k]
        names = _feature_names(features)
        return [names[row.indices[i]].strip() for i in order if contrib[i] > 0]

    def save(self, model_file: Path = MODEL_FILE, meta_file: Path = META_FILE) -> None:
        import skops.io as sio
        model_file.parent.mkdir(parents=True, exist_ok=True)
        sio.dump(self.pipeline, model_file)
        meta_file.write_text(json.dumps(self.meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")


_FEATURE_NAMES: dict[int, list[str]] = {}


def _feature_names(features) -> list[str]:
    key = id(features)
    if key not in _FEATURE_NAMES:
        _FEATURE_NAMES[key] = [n.split("__", 1)[1] for n in features.get_feature_names_out()]
    return _FEATURE_NAMES[key]


def load_classifier(model_file: Path = MODEL_FILE, meta_file: Path = META_FILE) -> ClauseClassifier:
    import sklearn
    import skops.io as sio

    if not model_file.exists() or not meta_file.exists():
        raise ModelError(f"{model_file}: no trained model; run `contract-review train`")
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    untrusted = set(sio.get_untrusted_types(file=model_file)) - _TRUSTED_TYPES
    if untrusted:
        raise ModelError(f"{model_file}: refusing to load unexpected types {sorted(untrusted)}")
    built_with = meta.get("versions", {}).get("scikit-learn")
    if built_with and built_with != sklearn.__version__:
        message = (f"{model_file}: built with scikit-learn {built_with}, this is {sklearn.__version__}; "
                   "run `contract-review train` to rebuild it")
        warnings.warn(message, stacklevel=2)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pipeline = sio.load(model_file, trusted=sorted(set(sio.get_untrusted_types(file=model_file))))
    except Exception as exc:
        raise ModelError(f"{model_file}: cannot be loaded ({type(exc).__name__}: {exc}); "
                         "run `contract-review train` to rebuild it") from None
    return ClauseClassifier(pipeline, tuple(meta["labels"]), meta)


@lru_cache(maxsize=1)
def default_classifier() -> ClauseClassifier:
    return load_classifier()
