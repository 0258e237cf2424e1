"""The clause category patterns (rules/patterns/*.yml) and their engine (reviewer/classify/rules.py)."""
from __future__ import annotations

import json
import math
import re
import textwrap
from pathlib import Path

import pytest
import yaml
from spacy.matcher import Matcher, PhraseMatcher

from reviewer.classify.rules import (
    CATEGORIES,
    ID_PREFIXES,
    RuleHit,
    RulePatterns,
    default_patterns,
)
from reviewer.paths import RULES_DIR

PATTERN_DIR = RULES_DIR / "patterns"
PATTERNS = default_patterns()


def _hits(patterns: RulePatterns, where: str, example: str) -> list[RuleHit]:
    return patterns.match(example, "") if where == "heading" else patterns.match(None, example)


def _example_cases():
    for rule in PATTERNS:
        for n, example in enumerate(rule.match_examples):
            yield pytest.param(rule.id, rule.where, example, True, id=f"{rule.id}-match-{n}")
        for n, example in enumerate(rule.no_match_examples):
            yield pytest.param(rule.id, rule.where, example, False, id=f"{rule.id}-no_match-{n}")


# -- every pattern's own examples ---------------------------------------------------------


@pytest.mark.parametrize("rule_id, where, example, should_match", list(_example_cases()))
def test_pattern_examples(rule_id, where, example, should_match):
    hits = [h for h in _hits(PATTERNS, where, example) if h.rule_id == rule_id]
    assert all(h.where == where for h in hits)
    if should_match:
        assert hits, f"{rule_id} should match {example!r}"
    else:
        assert not hits, f"{rule_id} should not match {example!r}, but matched {[h.matched for h in hits]}"


def test_every_pattern_in_the_files_has_examples():
    seen = 0
    for path in sorted(PATTERN_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for pattern in data["patterns"]:
            examples = pattern.get("examples") or {}
            assert examples.get("match"), f"{path.name}: {pattern.get('id')} has no match example"
            assert examples.get("no_match"), f"{path.name}: {pattern.get('id')} has no no_match example"
            seen += 1
    assert seen == len(PATTERNS)


def test_every_category_has_a_file_and_a_sensible_number_of_patterns():
    assert PATTERNS.categories() == list(CATEGORIES)
    counts = {c: 0 for c in CATEGORIES}
    for rule in PATTERNS.rules():
        counts[rule["category"]] += 1
    for category, n in counts.items():
        assert 8 <= n <= 20, f"{category}: {n} patterns"
    for category in CATEGORIES:
        wheres = {r["where"] for r in PATTERNS.rules() if r["category"] == category}
        assert wheres == {"heading", "text"}, category


def test_rule_ids_are_stable_codes():
    ids = [r["id"] for r in PATTERNS.rules()]
    assert len(ids) == len(set(ids))
    for rule in PATTERNS.rules():
        prefix = ID_PREFIXES[rule["category"]]
        code = "HEAD" if rule["where"] == "heading" else "TEXT"
        assert re.fullmatch(rf"{prefix}-{code}-\d{{3}}", rule["id"]), rule["id"]
        assert set(rule) == {"id", "category", "where", "weight", "doc"}
        assert 0 < rule["weight"] <= 1
        assert rule["doc"] and "\n" not in rule["doc"]


# -- the engine ---------------------------------------------------------------------------


def test_hits_carry_offsets_into_the_string_they_came_from():
    heading = "Schedule 2 - Service Levels"
    text = "The Supplier shall respond to Priority 1 incidents within 30 minutes, 24x7."
    hits = PATTERNS.match(heading, text)
    assert {h.where for h in hits} == {"heading", "text"}
    for hit in hits:
        source = heading if hit.where == "heading" else text
        assert source[hit.start:hit.end] == hit.matched
    ids = {h.rule_id for h in hits}
    assert {"SLA-HEAD-001", "SLA-TEXT-001", "SLA-TEXT-006", "SLA-TEXT-007"} <= ids
    # headings first, then by position
    order = [(h.where != "heading", h.start) for h in hits]
    assert order == sorted(order)


def test_heading_patterns_do_not_look_at_text_and_text_patterns_not_at_headings():
    assert not [h for h in PATTERNS.match(None, "Limitation of Liability") if h.where == "heading"]
    assert not [h for h in PATTERNS.match("Termination", "") if h.where == "text"]
    assert PATTERNS.match(None, "") == []
    assert PATTERNS.match("", "") == []


def test_overlapping_hits_of_one_rule_keep_the_longest():
    hits = [h for h in PATTERNS.match("Service Level Agreement", "") if h.rule_id == "SLA-HEAD-001"]
    assert [h.matched for h in hits] == ["Service Level Agreement"]


def _reference_hits(patterns: RulePatterns):
    """What one spaCy Matcher (greedy LONGEST) and one PhraseMatcher per side find: the reference."""
    nlp = patterns.nlp
    big = {w: Matcher(nlp.vocab) for w in ("heading", "text")}
    phrases = {w: PhraseMatcher(nlp.vocab, attr="LOWER") for w in ("heading", "text")}
    for rule in patterns:
        if rule.tokens:
            big[rule.where].add(rule.id, [list(p) for p in rule.tokens], greedy="LONGEST")
        else:
            phrases[rule.where].add(rule.id, [nlp.make_doc(p) for p in rule.phrases])

    def hits(where: str, string: str) -> list[tuple]:
        doc = nlp.make_doc(string)
        spans = sorted(list(big[where](doc)) + list(phrases[where](doc)), key=lambda m: (m[1], -m[2], m[0]))
        kept_end: dict[int, int] = {}
        out = []
        for key, start, end in spans:
            if kept_end.get(key, -1) >= end:
                continue
            kept_end[key] = end
            span = doc[start:end]
            out.append((nlp.vocab.strings[key], span.start_char, span.end_char, span.text))
        return out

    return hits


def _training_strings() -> list[str]:
    strings = set()
    for path in sorted((RULES_DIR.parent / "training" / "clauses").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            strings.add(record["text"])
            if record.get("heading"):
                strings.add(record["heading"])
    return sorted(strings)


def test_compiled_matching_finds_exactly_what_spacy_matcher_finds():
    """Token patterns run as regexes over word codes (token_regex); the hits, offsets and
    matched text must be those of spaCy's Matcher with greedy LONGEST, on every example,
    every training clause and heading, and one long string holding every example."""
    reference = _reference_hits(PATTERNS)
    strings = {ex for rule in PATTERNS for ex in rule.match_examples + rule.no_match_examples}
    strings |= {" ".join(sorted(strings))}
    strings |= set(_training_strings())
    assert len(strings) > 4000
    compared = 0
    for where in ("heading", "text"):
        for string in sorted(strings):
            got = [(h.rule_id, h.start, h.end, h.matched) for h in _hits(PATTERNS, where, string)]
            assert got == reference(where, string), (where, string)
            compared += len(got)
    assert compared > 10000


def test_overlapping_matches_that_need_spacy_to_decide_still_come_out_right(tmp_path):
    """A longer match starting inside a shorter one: spaCy would keep the shorter match at the
    earlier start; the engine hands such cases to spaCy's Matcher for that rule."""
    (tmp_path / "sla.yml").write_text(textwrap.dedent("""\
        category: sla
        patterns:
          - id: SLA-TEXT-001
            doc: test
            where: text
            weight: 0.5
            tokens: [{"LOWER": "a"}, {"LOWER": {"IN": ["b", "c"]}, "OP": "*"}]
            examples: {match: ["a b"], no_match: ["b"]}
          - id: SLA-TEXT-002
            doc: test
            where: text
            weight: 0.5
            tokens: [[{"LOWER": "x"}, {"LOWER": "y", "OP": "?"}, {"LOWER": "z", "OP": "?"}],
                     [{"LOWER": "y"}, {"LOWER": "z"}, {"LOWER": "w"}, {"LOWER": "v"}]]
            examples: {match: ["x"], no_match: ["w"]}
    """), encoding="utf-8")
    patterns = RulePatterns.load(tmp_path)
    reference = _reference_hits(patterns)
    for string in ["a b a b c", "x y z w v", "x y z", "x x y z w v x", "y z w v x y"]:
        got = [(h.rule_id, h.start, h.end, h.matched) for h in patterns.match(None, string)]
        assert got == reference("text", string), string
    assert [h.matched for h in patterns.match(None, "x y z w v")] == ["x", "y z w v"]


def test_default_patterns_are_loaded_once():
    assert default_patterns() is default_patterns()


# -- score ---------------------------------------------------------------------------------


def _hit(rule_id, category, weight, start=0):
    return RuleHit(rule_id, category, weight, "text", start, start + 1, "x")


def test_score_is_a_noisy_or_over_distinct_rule_ids():
    hits = [
        _hit("SLA-TEXT-001", "sla", 0.8),
        _hit("SLA-TEXT-001", "sla", 0.8, start=10),  # same rule twice counts once
        _hit("SLA-TEXT-006", "sla", 0.5),
        _hit("FEES-TEXT-004", "fees", 0.4),
    ]
    scores = PATTERNS.score(hits)
    assert set(scores) == set(CATEGORIES)
    assert math.isclose(scores["sla"], 1 - (1 - 0.8) * (1 - 0.5))
    assert math.isclose(scores["fees"], 0.4)
    assert scores["term"] == 0.0
    assert all(0.0 <= v <= 1.0 for v in scores.values())


def test_score_of_no_hits_is_zero_everywhere_and_a_certain_hit_is_one():
    assert PATTERNS.score([]) == {c: 0.0 for c in CATEGORIES}
    assert PATTERNS.score([_hit("X-TEXT-001", "liability", 1.0)])["liability"] == 1.0


def test_score_of_a_real_clause():
    hits = PATTERNS.match("Service Credits", "If Availability falls below 99.9%, the Customer is entitled to a "
                                             "Service Credit of 10% of the monthly fees.")
    scores = PATTERNS.score(hits)
    assert scores["penalty"] > 0.95
    assert scores["sla"] > 0.8
    assert max(scores, key=scores.get) == "penalty"


# -- load errors ---------------------------------------------------------------------------

GOOD = """\
category: sla
patterns:
  - id: SLA-HEAD-001
    doc: "Heading names service levels"
    where: heading
    weight: 0.9
    phrases: ["service levels"]
    examples:
      match: ["Service Levels"]
      no_match: ["Definitions"]
  - id: SLA-TEXT-001
    doc: "A response time"
    where: text
    weight: 0.8
    tokens: [{"LOWER": "respond"}, {"LOWER": "within"}]
    examples:
      match: ["respond within 4 hours"]
      no_match: ["respond promptly"]
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_good_folder_loads(tmp_path):
    _write(tmp_path, "sla.yml", GOOD)
    patterns = RulePatterns.load(tmp_path)
    assert [r["id"] for r in patterns.rules()] == ["SLA-HEAD-001", "SLA-TEXT-001"]
    assert patterns.categories() == ["sla"]
    assert {h.rule_id for h in patterns.match("Service Levels", "We respond within 4 hours.")} == {
        "SLA-HEAD-001", "SLA-TEXT-001"}


BAD_CASES = {
    "unknown key": ('    weight: 0.8\n    tokens:', '    weight: 0.8\n    level: high\n    tokens:', "unknown key"),
    "unknown token attribute": ('{"LOWER": "respond"}', '{"LOWERCASE": "respond"}', "bad token pattern"),
    "attribute a blank pipeline lacks": ('{"LOWER": "respond"}', '{"LEMMA": "respond"}', "trained pipeline"),
    "bad regex": ('{"LOWER": "respond"}', '{"LOWER": {"REGEX": "^(respon"}}', "bad token pattern"),
    "bad operator": ('{"LOWER": "within"}]', '{"LOWER": "within", "OP": "~"}]', "bad token pattern"),
    "missing no_match": ('      no_match: ["respond promptly"]\n', '', "no_match"),
    "empty match": ('match: ["respond within 4 hours"]', 'match: []', "'match'"),
    "weight out of range": ("weight: 0.8", "weight: 1.5", "weight"),
    "both phrases and tokens": ('    tokens: [{"LOWER": "respond"}',
                                '    phrases: ["respond"]\n    tokens: [{"LOWER": "respond"}', "exactly one"),
    "id does not fit where": ("id: SLA-TEXT-001", "id: SLA-HEAD-002", "where"),
    "id of another category": ("id: SLA-TEXT-001", "id: FEES-TEXT-001", "SLA-TEXT-nnn"),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_a_bad_pattern_names_its_file_and_id(tmp_path, case):
    old, new, expected = BAD_CASES[case]
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    rule_id = {"id does not fit where": "SLA-HEAD-002", "id of another category": "FEES-TEXT-001"}.get(
        case, "SLA-TEXT-001")
    path = _write(tmp_path, "sla.yml", text)
    with pytest.raises(ValueError) as err:
        RulePatterns.load(tmp_path)
    message = str(err.value)
    assert str(path) in message
    assert rule_id in message
    assert expected in message


def test_a_duplicate_id_across_files_names_both_files(tmp_path):
    first = _write(tmp_path, "sla.yml", GOOD)
    second = _write(tmp_path, "sla.yaml", GOOD)
    with pytest.raises(ValueError, match="duplicate id") as err:
        RulePatterns.load(tmp_path)
    message = str(err.value)
    assert "SLA-HEAD-001" in message and str(first) in message and str(second) in message


def test_a_duplicate_id_in_one_file_names_it(tmp_path):
    text = GOOD.replace("id: SLA-TEXT-001", "id: SLA-HEAD-001").replace("where: text", "where: heading")
    path = _write(tmp_path, "sla.yml", text)
    with pytest.raises(ValueError, match="duplicate id") as err:
        RulePatterns.load(tmp_path)
    assert str(path) in str(err.value) and "SLA-HEAD-001" in str(err.value)


def test_an_unknown_category_names_the_file(tmp_path):
    path = _write(tmp_path, "warranty.yml", GOOD.replace("category: sla", "category: warranty"))
    with pytest.raises(ValueError, match="unknown category 'warranty'") as err:
        RulePatterns.load(tmp_path)
    assert str(path) in str(err.value)


def test_a_category_in_the_wrong_file_is_refused(tmp_path):
    path = _write(tmp_path, "fees.yml", GOOD)
    with pytest.raises(ValueError, match="must live in sla.yml") as err:
        RulePatterns.load(tmp_path)
    assert str(path) in str(err.value)


def test_invalid_yaml_names_the_file(tmp_path):
    path = _write(tmp_path, "sla.yml", GOOD.replace('phrases: ["service levels"]', 'phrases: ["service levels"'))
    with pytest.raises(ValueError, match="not valid YAML") as err:
        RulePatterns.load(tmp_path)
    assert str(path) in str(err.value)


def test_a_pattern_without_id_is_named_by_position(tmp_path):
    path = _write(tmp_path, "sla.yml", GOOD.replace("  - id: SLA-TEXT-001\n", "  - \n"))
    with pytest.raises(ValueError) as err:
        RulePatterns.load(tmp_path)
    assert str(path) in str(err.value) and "#2" in str(err.value) and "no 'id'" in str(err.value)


def test_warming_the_tokenizer_cache_keeps_every_token():
    """RulePatterns.warm tokenizes each word alone so spaCy caches it; a text's tokens must be
    those of a tokenizer that never saw the words alone."""
    import spacy
    from reviewer.classify.rules import default_patterns
    texts = _training_strings()
    patterns = default_patterns()
    patterns.warm(texts)
    warm, cold = patterns.nlp, spacy.blank("en")
    for text in texts:
        assert [(t.idx, t.text) for t in warm.make_doc(text)] == [(t.idx, t.text) for t in cold.make_doc(text)], text


def test_warming_stops_once_the_tokenizer_cache_would_keep_no_more(monkeypatch):
    import reviewer.classify.rules as rules
    patterns = rules.default_patterns()
    monkeypatch.setattr(patterns, "_warm_words", set())
    monkeypatch.setattr(rules, "WARM_WORDS", 3)
    patterns.warm(["alpha beta gamma"])
    patterns.warm(["delta epsilon"])
    assert patterns._warm_words == {"alpha", "beta", "gamma"}
