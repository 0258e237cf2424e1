"""The model's TF-IDF steps without scikit-learn give scikit-learn's numbers, bit for bit."""
import json
from pathlib import Path

import numpy as np
import pytest

from reviewer.classify.classifier import load_classifier, model_input
from reviewer.classify.tfidf import TfidfTransform, features, supports
from reviewer.paths import MODELS_DIR

ROOT = Path(__file__).resolve().parents[1]

EDGE_CASES = ["", "   ", "a", "ab", "x\ty\n\nz  w", "ß Straße İstanbul ﬁnal café naïve — “quoted” 99.9%",
              "Priority 1 (P1) incidents: respond within 15 minutes, 24x7x365; resolve in 4 hours.",
              "h_service h_levels \n The Supplier shall use reasonable endeavours -- and/or best-efforts."]


def _texts(limit=1500):
    texts = []
    for path in sorted((ROOT / "training" / "clauses").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                texts.append(model_input(r.get("heading"), r.get("text", ""), r.get("context", "")))
    step = max(1, len(texts) // limit)
    return texts[::step] + EDGE_CASES


@pytest.fixture(scope="module")
def model():
    return load_classifier()


def _sklearn_features(model, texts):
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    out = []
    for params, v in zip(model.meta["vectorizers"], model.vectorizers):
        params = {k: tuple(x) if isinstance(x, list) else x for k, x in params.items()}
        sk = TfidfVectorizer(**params)
        sk.vocabulary_, sk.idf_ = v.vocabulary_, v.idf_
        out.append(sk.transform(texts))
    return hstack(out).tocsr()


def test_saved_model_uses_the_sklearn_free_transform(model):
    assert all(isinstance(v, TfidfTransform) for v in model.vectorizers)


def test_features_equal_scikit_learn_bit_for_bit(model):
    texts = _texts()
    ours, theirs = features(model.vectorizers, texts), _sklearn_features(model, texts)
    assert ours.shape == theirs.shape
    assert np.array_equal(ours.indptr, theirs.indptr)
    assert np.array_equal(ours.indices, theirs.indices)
    assert np.array_equal(ours.data.view(np.int64), theirs.data.view(np.int64))
    p1, p2 = np.asarray(ours @ model.coef.T), np.asarray(theirs @ model.coef.T)
    assert np.array_equal(p1.view(np.int64), p2.view(np.int64))


def test_single_transform_matches_too(model):
    texts = EDGE_CASES + _texts(50)
    from sklearn.feature_extraction.text import TfidfVectorizer
    for params, v in zip(model.meta["vectorizers"], model.vectorizers):
        params = {k: tuple(x) if isinstance(x, list) else x for k, x in params.items()}
        sk = TfidfVectorizer(**params)
        sk.vocabulary_, sk.idf_ = v.vocabulary_, v.idf_
        a, b = v.transform(texts), sk.transform(texts).tocsr()
        assert np.array_equal(a.indices, b.indices) and np.array_equal(a.data, b.data)


def test_unimplemented_settings_fall_back_to_scikit_learn(tmp_path):
    assert supports({"analyzer": "char_wb", "ngram_range": (3, 5), "min_df": 2, "sublinear_tf": True})
    assert not supports({"analyzer": "char"})
    assert not supports({"analyzer": "word", "stop_words": "english"})
    assert not supports({"analyzer": "word", "norm": "l1"})
    meta = json.loads((MODELS_DIR / "clause_classifier.json").read_text(encoding="utf-8"))
    meta["vectorizers"][0]["binary"] = True  # a setting the fast path does not implement
    (tmp_path / "m.json").write_text(json.dumps(meta), encoding="utf-8")
    (tmp_path / "m.npz").write_bytes((MODELS_DIR / "clause_classifier.npz").read_bytes())
    model = load_classifier(tmp_path / "m.npz", tmp_path / "m.json")
    assert not isinstance(model.vectorizers[0], TfidfTransform)
    assert isinstance(model.vectorizers[1], TfidfTransform)
    assert model.predict_proba(["The Supplier shall respond within 15 minutes."]).shape == (1, len(model.labels))


@pytest.mark.parametrize("params", [
    {"ngram_range": (1, 3), "token_pattern": r"(?u)\b\w+\b", "sublinear_tf": True},  # the per-document path
    {"ngram_range": (2, 2), "token_pattern": r"(?u)\b\w\w+\b"},  # the vectorised path, bigrams only
    {"ngram_range": (1, 1), "token_pattern": r"(?u)\b\w[\w'-]*\b", "lowercase": False},
])
def test_other_word_settings_match_scikit_learn(params):
    from sklearn.feature_extraction.text import TfidfVectorizer
    texts = _texts(400)
    sk = TfidfVectorizer(min_df=2, **params).fit(texts)
    ours = TfidfTransform(params, sk.vocabulary_, sk.idf_)
    a, b = ours.transform(texts), sk.transform(texts).tocsr()
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data.view(np.int64), b.data.view(np.int64))


def test_features_of_transforms_that_differ_in_lowercase_match_scikit_learn():
    """features() lowercases each chunk once when every transform lowercases; where one does
    not, each transform must still see the text as its own setting says."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    texts = _texts(400)
    transforms, theirs = [], []
    for params in ({"ngram_range": (1, 1), "token_pattern": r"(?u)\b\w[\w'-]*\b", "lowercase": False},
                   {"analyzer": "char_wb", "ngram_range": (3, 4)}):
        sk = TfidfVectorizer(min_df=2, **params).fit(texts)
        transforms.append(TfidfTransform(params, sk.vocabulary_, sk.idf_))
        theirs.append(sk.transform(texts))
    a, b = features(transforms, texts), hstack(theirs).tocsr()
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data.view(np.int64), b.data.view(np.int64))
