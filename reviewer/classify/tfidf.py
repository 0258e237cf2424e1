"""TF-IDF features of a saved model without importing scikit-learn (about 0.7 s of every start-up).

``TfidfTransform`` does what a fitted ``sklearn.feature_extraction.text.TfidfVectorizer``'s
``transform`` does, step for step, so the numbers are the same to the last bit: count each
in-vocabulary term per document (words with their bigrams, or ``char_wb`` n-grams of each
whitespace-separated word padded with spaces), sorted columns, ``log(count) + 1`` when
``sublinear_tf``, times ``idf``, then each row divided by its L2 norm summed in column order.
``tests/test_classifier.py`` checks the result against scikit-learn's on the training data.

Character n-grams never cross a word, so a word's n-grams are worked out once and cached: most
words of a contract recur many times. Vectorizer settings this module does not implement are
handed to scikit-learn (``supports``), so any model still loads and scores exactly as trained.
"""
from __future__ import annotations

import re
from array import array
from itertools import chain, repeat

import numpy as np

from reviewer.classify.token_regex import ComputedDict

# Settings the saved models use, and the values at which the other TfidfVectorizer settings
# leave ``transform`` as implemented here. min_df, max_df, max_features and smooth_idf only
# shape fitting (the vocabulary and idf), not transform.
_IMPLEMENTED = {"analyzer", "ngram_range", "lowercase", "token_pattern", "sublinear_tf", "min_df", "max_df",
                "max_features", "smooth_idf"}
_DEFAULTS = {"input": "content", "encoding": "utf-8", "decode_error": "strict", "strip_accents": None,
             "preprocessor": None, "tokenizer": None, "stop_words": None, "binary": False, "norm": "l2",
             "use_idf": True, "vocabulary": None}


def supports(params: dict) -> bool:
    """True when ``TfidfTransform`` reproduces a TfidfVectorizer built with ``params``."""
    for key, value in params.items():
        if key in _IMPLEMENTED:
            continue
        if key not in _DEFAULTS or _DEFAULTS[key] != value:
            return False
    analyzer = params.get("analyzer", "word")
    if analyzer not in ("word", "char_wb"):
        return False
    lo, hi = params.get("ngram_range", (1, 1))
    return 1 <= lo <= hi


class TfidfTransform:
    """The transform half of a fitted TfidfVectorizer: ``vocabulary_``, ``idf_`` and ``transform``."""

    def __init__(self, params: dict, vocabulary: dict[str, int], idf):
        self.analyzer = params.get("analyzer", "word")
        self.ngram_range = tuple(params.get("ngram_range", (1, 1)))
        self.lowercase = params.get("lowercase", True)
        self.sublinear_tf = params.get("sublinear_tf", False)
        self.token_pattern = params.get("token_pattern", r"(?u)\b\w\w+\b")
        self._tokens = re.compile(self.token_pattern).findall
        self.vocabulary_ = vocabulary
        self.idf_ = np.asarray(idf, dtype=np.float64)
        self._word_cache = ComputedDict(self._char_word)  # word -> its char n-gram columns
        self._bigrams: "_BigramTable | None" = None

    # -- terms -> column indices as int32 bytes (the order within a document does not matter:
    # columns are sorted), so a document's columns are joined and read by numpy without a Python int each
    def _word_columns(self, doc: str) -> bytes:
        get = self.vocabulary_.get
        tokens = self._tokens(doc)
        lo, hi = self.ngram_range
        terms = iter(tokens) if lo == 1 else iter(())
        for n in range(max(lo, 2), min(hi + 1, len(tokens) + 1)):
            terms = chain(terms, map(" ".join, zip(*(tokens[k:] for k in range(n)))))
        return array("i", [j for j in map(get, terms) if j is not None]).tobytes()

    def _word_entries(self, docs: list[str]):
        """(document, column) of every in-vocabulary word and word pair of ``docs``, vectorised:
        each token becomes the id of the vocabulary word it is (one dict lookup), unigram columns
        are read from an array, and a pair of adjacent ids is looked up among the bigrams' id pairs."""
        table = self._bigram_table()
        per_doc = [self._tokens(doc) for doc in docs]
        counts = np.fromiter(map(len, per_doc), dtype=np.int64, count=len(per_doc))
        ids = np.fromiter(map(table.ids.get, chain.from_iterable(per_doc), repeat(-1)), dtype=np.int64,
                          count=int(counts.sum()))
        doc_of = np.repeat(np.arange(len(docs), dtype=np.int64), counts)
        found_docs, found_cols = [], []
        if self.ngram_range[0] == 1:
            unigrams = table.unigram_column[ids]  # id -1 reads the last entry, -1
            keep = unigrams >= 0
            found_docs.append(doc_of[keep])
            found_cols.append(unigrams[keep])
        if self.ngram_range[1] == 2 and ids.size > 1:
            first, second = ids[:-1], ids[1:]
            keep = (doc_of[:-1] == doc_of[1:]) & (first >= 0) & (second >= 0)
            keys = first[keep] * len(table.ids) + second[keep]
            at = np.minimum(np.searchsorted(table.bigram_keys, keys), max(table.bigram_keys.size - 1, 0))
            hit = table.bigram_keys[at] == keys if table.bigram_keys.size else np.zeros(keys.size, dtype=bool)
            found_docs.append(doc_of[:-1][keep][hit])
            found_cols.append(table.bigram_columns[at[hit]])
        if not found_docs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(found_docs), np.concatenate(found_cols)

    def _bigram_table(self) -> "_BigramTable":
        if self._bigrams is None:
            self._bigrams = _BigramTable(self.vocabulary_)
        return self._bigrams

    def _vectorised_words(self) -> bool:
        """Word n-grams of at most two tokens that never hold a space: the ``_word_entries`` path."""
        return (self.analyzer == "word" and self.ngram_range[1] <= 2
                and self.token_pattern in _SPACELESS_TOKEN_PATTERNS)

    def _char_columns(self, doc: str) -> bytes:
        cache = self._word_cache
        if len(cache) > 50_000:  # a contract has far fewer distinct words; bounds a long scan
            cache.clear()
        return b"".join(map(cache.__getitem__, doc.split()))

    def _char_word(self, word: str) -> bytes:
        """scikit-learn's ``_char_wb_ngrams`` for one word, as vocabulary columns."""
        vocab = self.vocabulary_
        w = " " + word + " "
        w_len = len(w)
        lo, hi = self.ngram_range
        cols = []
        for n in range(lo, hi + 1):
            offset = 0
            j = vocab.get(w[offset:offset + n])
            if j is not None:
                cols.append(j)
            while offset + n < w_len:
                offset += 1
                j = vocab.get(w[offset:offset + n])
                if j is not None:
                    cols.append(j)
            if offset == 0:  # a short word (w_len < n) is counted once
                break
        return array("i", cols).tobytes()

    def _entries_of(self, docs: list[str], lowered: bool):
        """(document, column) of every in-vocabulary term occurrence of ``docs``, in any order;
        ``lowered``: the caller has lowercased ``docs`` already."""
        if self.lowercase and not lowered:
            docs = [doc.lower() for doc in docs]
        if self._vectorised_words():
            return self._word_entries(docs)
        columns = self._char_columns if self.analyzer == "char_wb" else self._word_columns
        parts = [columns(doc) for doc in docs]
        lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)) // 4
        return (np.repeat(np.arange(len(docs), dtype=np.int64), lengths),
                np.frombuffer(b"".join(parts), dtype=np.int32))

    def entries(self, docs: list[str], lowered: bool = False):
        """(row, column, value) arrays of the tf-idf matrix of ``docs``, ordered by row then column;
        ``lowered``: ``docs`` are lowercased already (so they are not lowercased again)."""
        doc_of, all_cols = self._entries_of(docs, lowered)
        n_cols = max(len(self.vocabulary_), 1)
        key_type = np.int32 if len(docs) * n_cols < 2 ** 31 else np.int64  # a narrower sort is faster
        keys = doc_of.astype(key_type) * key_type(n_cols)
        keys += all_cols.astype(key_type, copy=False)
        keys, counts = np.unique(keys, return_counts=True)  # sorted: by document, then column
        rows, cols = np.divmod(keys, key_type(n_cols))
        data = counts.astype(np.float64)
        if self.sublinear_tf:
            np.log(data, data)
            data += 1.0
        data *= self.idf_[cols]
        # L2 norm per row, its squares summed one after another as scikit-learn's loop does (a
        # vectorised sum adds in another order and can differ in the last bit)
        squares = data * data
        bounds = np.searchsorted(rows, np.arange(len(docs) + 1)).tolist()
        norms = np.ones(len(docs), dtype=np.float64)
        for i in range(len(docs)):
            a, b = bounds[i], bounds[i + 1]
            if b > a:
                total = np.cumsum(squares[a:b])[-1]
                if total != 0.0:
                    norms[i] = np.sqrt(total)
        data /= norms[rows]  # x / 1.0 is x: rows without a norm keep their values
        return rows, cols, data

    def transform(self, docs: list[str]):
        return features([self], docs)


#: token patterns whose tokens never hold whitespace, so a vocabulary bigram splits at its one space
_SPACELESS_TOKEN_PATTERNS = {r"(?u)\b\w\w+\b", r"(?u)\b\w[\w'-]*\b"}


class _BigramTable:
    """The vocabulary's words as ids: each word's unigram column, and its bigrams as sorted id pairs."""

    def __init__(self, vocabulary: dict[str, int]):
        self.ids: dict[str, int] = {}
        unigrams: dict[int, int] = {}
        pairs: list[tuple[int, int, int]] = []
        for term, column in vocabulary.items():
            words = term.split(" ")
            if len(words) == 1:
                unigrams[self._id(term)] = column
            elif len(words) == 2 and all(words):
                pairs.append((self._id(words[0]), self._id(words[1]), column))
        self.unigram_column = np.full(len(self.ids) + 1, -1, dtype=np.int64)  # the last entry serves id -1
        for word_id, column in unigrams.items():
            self.unigram_column[word_id] = column
        keys = np.array([a * len(self.ids) + b for a, b, _ in pairs], dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        self.bigram_keys = keys[order]
        self.bigram_columns = np.array([c for _, _, c in pairs], dtype=np.int64)[order]

    def _id(self, word: str) -> int:
        return self.ids.setdefault(word, len(self.ids))


CHUNK = 256  # documents at a time: the n-grams of a long contract are never all in memory at once


def features(transforms: list[TfidfTransform], docs: list[str]):
    """The column-wise concatenation of each transform's matrix: what ``hstack(...).tocsr()`` gives."""
    from scipy.sparse import csr_matrix
    offsets, offset = [], 0
    for t in transforms:
        offsets.append(offset)
        offset += len(t.vocabulary_)
    lowered = all(t.lowercase for t in transforms)  # then each chunk is lowercased once, not once per transform
    data, indices, counts = [], [], []
    for lo in range(0, len(docs), CHUNK):
        part = docs[lo:lo + CHUNK]
        if lowered:
            part = [doc.lower() for doc in part]
        rows, cols, vals = [], [], []
        for t, off in zip(transforms, offsets):
            r, c, d = t.entries(part, lowered)
            rows.append(r)
            cols.append(c + off)
            vals.append(d)
        rows_all = np.concatenate(rows)
        order = np.argsort(rows_all, kind="stable")  # each row: the first transform's columns, then the next's
        data.append(np.concatenate(vals)[order])
        indices.append(np.concatenate(cols)[order].astype(np.int32))
        counts.append(np.bincount(rows_all, minlength=len(part)))
    indptr = np.zeros(len(docs) + 1, dtype=np.int64)
    if counts:
        np.cumsum(np.concatenate(counts), out=indptr[1:])
    return csr_matrix((np.concatenate(data) if data else np.zeros(0),
                       np.concatenate(indices) if indices else np.zeros(0, dtype=np.int32),
                       indptr.astype(np.int32)), shape=(len(docs), offset))
