"""The vague-term check's shortcuts (reviewer/checks/vague.py) give the answers of the slow way.

- the document-wide prefilter only skips (sentence, pattern) pairs that could not match;
- a literal gate only skips regex runs that could not match;
- a regex's lower-case twin finds the same spans on lower-cased ASCII text;
- with all of them switched off, ``find`` returns the same findings.
"""
from __future__ import annotations

import re

import pytest

from reviewer.checks import vague
from reviewer.checks.vague import SentenceInput, VagueLexicon
from reviewer.classify.train import load_dataset

LEXICON = VagueLexicon.load()


def _clauses() -> list[str]:
    return [row["text"] for row in load_dataset()]


def _examples() -> list[str]:
    return [ex for rule in LEXICON.rules() for kind in ("fail", "pass") for ex in rule["examples"][kind]]


CLAUSES = _clauses()
EXAMPLES = _examples()
# a third of the training clauses (every style of contract), the rule examples, and the
# case variants of some: the slow ways take long on more
TEXTS = CLAUSES[::3] + EXAMPLES


def _variants(texts: list[str]) -> list[str]:
    """Upper case, and the non-ASCII letters that IGNORECASE takes for s, k and i."""
    return [t.upper() for t in texts] + [t.replace("s", "\u017f").replace("k", "\u212a").replace("i", "\u0131")
                                         for t in texts]


def _regexes() -> list[re.Pattern]:
    """Every regex the check runs through ``_fast``."""
    fixed = [vague._NEG_RE, vague._NONDUTY_RE, vague._PERM_RE, vague._DUTY_RE, vague._AGREE_THAT,
             vague._WE_PROMISE, vague._PARTY_PROMISE, vague._COPULA, vague.BEYOND_MEASURE,
             vague.CROSS_REFERENCE, vague.CROSS_REFERENCE_CS, *vague.MEASURES.values()]
    rules = [rx for rule in LEXICON._rules for rx in (*rule.compiled, *rule.exceptions)]
    return fixed + rules


def test_fold_covers_every_non_ascii_character_ignorecase_takes_for_ascii():
    non_ascii = "".join(chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c < 0xE000)
    found = set(re.findall(r"[\x00-\x7f]", non_ascii, re.IGNORECASE))
    assert found == set(vague._FOLD_CHARS)
    for c in found:
        folded = vague._fold(c)
        assert folded.isascii() and re.fullmatch(re.escape(folded), c, re.IGNORECASE)


def test_prefilter_keeps_every_pattern_that_matches():
    texts = [vague._normalize(t) for t in TEXTS + _variants(CLAUSES[:200] + EXAMPLES)]
    prefilter = vague._Prefilter(LEXICON._rules)
    candidates = prefilter.candidates(texts)
    patterns = [rx for rule in LEXICON._rules for rx in rule.compiled]
    kept = 0
    for i, text in enumerate(texts):
        pairs = candidates.get(i, [])
        run = {id(rx) for _, rx in pairs}
        kept += len(run)
        for rx in patterns:
            if rx.search(text):
                assert id(rx) in run, (rx.pattern, text[:200])
    assert kept < len(texts) * len(patterns) / 10  # it does skip most pairs


def test_needs_of_simple_patterns():
    needs = vague._needs(re.compile(r"\bhigh\s+levels?\s+of\s+(?:availability|service)\b", re.I))
    assert frozenset({"high"}) in needs and frozenset({"level"}) in needs
    assert frozenset({"availability", "service"}) in needs
    assert frozenset({"reasonable", "reasonably"}) in vague._needs(re.compile(r"reasonabl[ey]\s+time", re.I))
    assert frozenset({"notice"}) in vague._needs(re.compile(r"\bprompt\b(?=\s+notice)", re.I))
    assert vague._needs(re.compile(r"\b(?:a|b)?\s*(?!never)\w+", re.I)) == []
    # a literal with a space is looked up as its pieces
    assert set(vague._needs(re.compile("as needed", re.I))) == {frozenset({"as"}), frozenset({"needed"})}


@pytest.mark.parametrize("regex", _regexes(), ids=lambda rx: rx.pattern[:40])
def test_gate_and_twin_find_what_the_regex_finds(regex):
    fast = vague._fast(regex)
    for text in TEXTS + _variants(CLAUSES[:100]):
        text = vague._normalize(text)
        low = vague._fold(text)
        spans = [m.span() for m in regex.finditer(text)]
        if spans:
            assert fast.could_match(low), (regex.pattern, text[:200])
        assert [m.span() for m in fast.finditer(text, low)] == spans
        assert fast.search(text, low) == bool(spans)


def test_lowered_source_keeps_escapes_and_group_names():
    assert vague._lowered_source(r"\bWill\s+(?P<Term>NOT)\B") == r"\bwill\s+(?P<Term>not)\B"
    assert vague._lowered_source(r"(?-i:Business)") is None
    assert vague._lowered_source(r"\x41") is None
    assert vague._lowered_source(r"(a)\1") is None
    assert vague._lowered_source("\u03a3") is None  # cased non-ASCII
    assert vague._lowered_source("[\u2013\u2022]") == "[\u2013\u2022]"


def test_no_twin_where_lower_case_would_change_what_matches():
    assert vague._FastRegex(re.compile(r"\bwill\s+[a-z]+", re.I)).twin is not None
    assert vague._FastRegex(re.compile(r"[A-z]", re.I)).twin is None  # also matches "[", "_", ...
    assert vague._FastRegex(re.compile(r"(?=[0-Z])", re.I)).twin is None
    assert vague._lowered_source(r"[[](?-i:A)") is None  # the class ends at the first "]"
    assert vague._lowered_source(r"[-A][]A-Z][\s-]") == r"[-a][]a-z][\s-]"
    assert vague._lowered_source(r"[]-a]") is None
    assert vague._FastRegex(re.compile(r"will", 0)).twin is None  # case-sensitive: nothing to gain


def _sentences(texts: list[str]) -> list[SentenceInput]:
    out, pos = [], 0
    for t in texts:
        out.append(SentenceInput(t, pos, pos + len(t), None, None, t))
        pos += len(t) + 1
    return out


def test_findings_are_the_same_without_the_shortcuts(monkeypatch):
    inputs = _sentences(TEXTS + _variants(EXAMPLES))
    cases = [((), ()), (("VAGUE-TIME",), ()), ((), ("VAGUE-EFFORT",))]
    lexicon = VagueLexicon.load()
    fast = [lexicon.find(inputs, select=s, ignore=i) for s, i in cases]

    def every_pattern(self, texts, selected=None):
        return {i: [(k, rx) for k, rx, _ in self.entries if selected is None or k in selected]
                for i in range(len(texts))}

    monkeypatch.setattr(vague._Prefilter, "candidates", every_pattern)
    monkeypatch.setattr(vague._FastRegex, "could_match", lambda self, low: True)
    monkeypatch.setattr(vague._FastRegex, "twin", property(lambda self: None))
    slow = [VagueLexicon.load().find(inputs, select=s, ignore=i) for s, i in cases]
    assert fast == slow
    assert sum(len(f) for f in fast) > 100
