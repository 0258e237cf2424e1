"""The clause classifier: the committed model loads safely and predicts; saving is lossless;
training is reproducible; a damaged or foreign model file gives a clear error, never code execution."""
import json
import shutil

import numpy as np
import pytest

from reviewer.classify import train as t
from reviewer.classify.classifier import (CATEGORIES, META_FILE, WEIGHTS_FILE, ModelError, load_classifier,
                                          model_input, version_note)


@pytest.fixture(scope="module")
def model():
    return load_classifier()


@pytest.mark.parametrize("heading, text, category", [
    ("Service Levels", "The Supplier shall respond to Priority 1 incidents within 15 minutes.", "sla"),
    ("Service Credits", "If Availability falls below 99.9% the Supplier shall credit 5% of the monthly fee.", "penalty"),
    ("Fees", "The Customer shall pay a monthly fee of GBP 4,000, invoiced monthly in advance.", "fees"),
    (None, "Either party may terminate this Agreement on 90 days' written notice.", "term"),
    ("Limitation of Liability", "Each party's total liability shall not exceed the fees paid in the prior 12 months.",
     "liability"),
    ("Data Protection", "The Supplier shall process Personal Data only on the Customer's documented instructions.",
     "data_security"),
    ("Reporting", "The Supplier shall deliver a monthly service report within 5 Business Days of month end.",
     "reporting"),
    ("Escalation", "Unresolved incidents are escalated to the Service Delivery Manager after 2 hours.", "escalation"),
])
def test_committed_model_recognises_plain_clauses(model, heading, text, category):
    proba = model.predict_proba([model_input(heading, text)])[0]
    assert proba[CATEGORIES.index(category)] >= 0.5, dict(zip(CATEGORIES, proba.round(2)))


def test_boilerplate_gets_no_category(model):
    proba = model.predict_proba([model_input("Governing Law", "This Agreement is governed by the laws of England.")])[0]
    assert proba.max() < 0.5, dict(zip(CATEGORIES, proba.round(2)))


def test_probabilities_are_probabilities(model):
    proba = model.predict_proba([model_input(None, "Support is available 24x7."), model_input(None, "")])
    assert proba.shape == (2, len(CATEGORIES)) and ((proba >= 0) & (proba <= 1)).all()


def test_top_features_are_words_of_the_clause(model):
    text = model_input("Service Credits", "Service credits of 10% apply when availability falls below target.")
    words = model.top_features(text, "penalty")
    assert words and all(any(part in text.lower() for part in w.split()) for w in words)


def test_save_and_load_round_trip(tmp_path, model):
    weights, meta = tmp_path / "m.npz", tmp_path / "m.json"
    model.save(weights, meta)
    again = load_classifier(weights, meta)
    inputs = [model_input("SLA", "Resolution within 4 hours."), model_input(None, "Notices must be in writing.")]
    assert np.allclose(model.predict_proba(inputs), again.predict_proba(inputs), atol=1e-6)


def _copy_model(tmp_path):
    weights, meta = tmp_path / WEIGHTS_FILE.name, tmp_path / META_FILE.name
    shutil.copy(WEIGHTS_FILE, weights)
    shutil.copy(META_FILE, meta)
    return weights, meta


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="no trained model"):
        load_classifier(tmp_path / "none.npz", tmp_path / "none.json")


def test_truncated_weights_are_a_clear_error(tmp_path):
    weights, meta = _copy_model(tmp_path)
    weights.write_bytes(weights.read_bytes()[:2000])
    with pytest.raises(ModelError, match="cannot be loaded"):
        load_classifier(weights, meta)


def test_pickled_arrays_are_refused(tmp_path):
    weights, meta = _copy_model(tmp_path)
    with np.load(WEIGHTS_FILE, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["coef"] = np.array([object()], dtype=object)  # an object array can only be stored as a pickle
    np.savez(weights, **arrays)
    with pytest.raises(ModelError):
        load_classifier(weights, meta)


def test_foreign_format_is_refused(tmp_path):
    weights, meta = _copy_model(tmp_path)
    data = json.loads(meta.read_text())
    data["format"] = "something-else/9"
    meta.write_text(json.dumps(data))
    with pytest.raises(ModelError, match="format"):
        load_classifier(weights, meta)


def test_other_scikit_learn_version_is_named(tmp_path, model):
    weights, meta = _copy_model(tmp_path)
    data = json.loads(meta.read_text())
    data["versions"]["scikit-learn"] = "0.0.1"
    meta.write_text(json.dumps(data))
    note = version_note(load_classifier(weights, meta))
    assert note and "0.0.1" in note and "contract-review train" in note
    assert version_note(model) is None


def test_training_is_reproducible():
    records = t.load_dataset()
    sample = [r for r in records if r["doc"].startswith(("a-doc-00", "b-doc-00", "c-doc-00"))]
    first, second = t.fit(sample), t.fit(sample)
    assert np.array_equal(first.coef, second.coef) and np.array_equal(first.calib_a, second.calib_a)


def test_held_out_split_is_by_document():
    train_part, test_part = t.split_by_document(t.load_dataset())
    assert not {r["doc"] for r in train_part} & {r["doc"] for r in test_part}
    assert 0.1 < len(test_part) / (len(train_part) + len(test_part)) < 0.35


def test_top_features_of_many_labels_at_once_equal_top_features(model):
    """Labeller reasons name each label's top words from one numpy pass (top_features_many); it
    must give top_features' answer for every (clause, category), ties included."""
    import dataclasses

    from scipy.sparse import csr_matrix

    from reviewer.classify.classifier import _CsrRow
    texts = [model_input(r.get("heading"), r["text"], r.get("context", "")) for r in t.load_dataset()][::7]
    features = model.features(texts)
    pairs = [(i, c) for i in range(len(texts)) for c in CATEGORIES]
    assert model.top_features_many(features, pairs) == [
        model.top_features("", c, row=_CsrRow(features, i)) for i, c in pairs]
    coef = model.coef.copy()
    coef[0, 1] = coef[0, 2] = coef[0, 3] = 0.5  # three words of equal weight, so equal contributions
    tied = dataclasses.replace(model, coef=coef)
    row = csr_matrix(([0.3, 0.3, 0.3, 0.1], [1, 2, 3, 4], [0, 4]), shape=(1, coef.shape[1]))
    assert tied.top_features_many(row, [(0, model.labels[0])]) == [tied.top_features("", model.labels[0],
                                                                                      row=_CsrRow(row, 0))]


def test_feature_names_are_the_vocabularies_in_column_order(model):
    """A loaded model names its columns from the stored vocabularies; they must be each
    vectorizer's terms sorted by column, as a freshly trained model (no stored lists) names them."""
    from reviewer.classify.classifier import ClauseClassifier
    by_sort = [term for v in model.vectorizers for term, _ in sorted(v.vocabulary_.items(), key=lambda kv: kv[1])]
    assert model._feature_names() == by_sort
    trained = ClauseClassifier(model.vectorizers, model.coef, model.intercept, model.calib_a, model.calib_b,
                               model.labels, {})
    assert trained._feature_names() == by_sort
