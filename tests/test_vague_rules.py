"""The vague-term lexicon (rules/vague/*.yml) and the guards of reviewer/checks/vague.py."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from reviewer.checks.vague import Finding, SentenceInput, VagueLexicon

LEXICON = VagueLexicon.load()
RULES = LEXICON.rules()
ID_FORMAT = re.compile(r"^VAGUE-(TIME|EFFORT|FREQ|QUAL|DISC)-\d{3}$")
PREFIX = {"time": "TIME", "effort": "EFFORT", "frequency": "FREQ", "quality": "QUAL", "discretion": "DISC"}


def find(*texts: str, **kw) -> list[Finding]:
    """Run the engine on sentences of one document (one clause each)."""
    sentences, pos = [], 0
    for t in texts:
        sentences.append(SentenceInput(t, pos, pos + len(t), None, None, t))
        pos += len(t) + 2
    return LEXICON.find(sentences, **kw)


def flagged(*texts: str, **kw) -> list[str]:
    return [f.text for f in find(*texts, **kw)]


# --------------------------------------------------------------------------- #
# The lexicon as data
# --------------------------------------------------------------------------- #

EXAMPLES = [(r["id"], kind, ex) for r in RULES for kind in ("fail", "pass") for ex in r["examples"][kind]]


@pytest.mark.parametrize("rule_id,kind,example", EXAMPLES,
                         ids=[f"{r}-{k}-{i}" for i, (r, k, _) in enumerate(EXAMPLES)])
def test_rule_examples(rule_id, kind, example):
    rules_hit = [f.rule for f in find(example)]
    if kind == "fail":
        assert rule_id in rules_hit, f"{rule_id} should flag: {example!r} (got {rules_hit})"
    else:
        assert rule_id not in rules_hit, f"{rule_id} should not flag: {example!r}"


@pytest.mark.parametrize("rule", RULES, ids=[r["id"] for r in RULES])
def test_every_rule_has_fail_and_pass_examples(rule):
    assert rule["examples"]["fail"], f"{rule['id']} has no failing example"
    assert rule["examples"]["pass"], f"{rule['id']} has no passing example"


@pytest.mark.parametrize("rule", RULES, ids=[r["id"] for r in RULES])
def test_every_rule_is_documented(rule):
    assert ID_FORMAT.match(rule["id"]), rule["id"]
    assert rule["id"].split("-")[1] == PREFIX[rule["kind"]]
    assert "{match}" in rule["message"]
    assert rule["why"].strip() and rule["suggest"].strip()
    assert rule["severity"] in ("high", "medium", "low")


def test_lexicon_is_large():
    total = sum(len(r["patterns"]) for r in RULES)
    assert total >= 200, total
    for kind in PREFIX:
        assert sum(1 for r in RULES if r["kind"] == kind) >= 5, kind


def test_rule_ids_are_unique():
    ids = [r["id"] for r in RULES]
    assert len(ids) == len(set(ids))


def test_bad_regex_fails_at_load_with_file_and_rule(tmp_path):
    (tmp_path / "time.yml").write_text(
        "kind: time\nrules:\n  - id: VAGUE-TIME-999\n    message: \"'{match}' x\"\n    why: w\n    suggest: s\n"
        "    severity: low\n    patterns: ['\\bprompt(ly\\b']\n    examples: {fail: [a], pass: [b]}\n")
    with pytest.raises(ValueError) as exc:
        VagueLexicon.load(tmp_path)
    assert "time.yml" in str(exc.value) and "VAGUE-TIME-999" in str(exc.value)


def test_unknown_field_and_missing_message_fail_at_load(tmp_path):
    (tmp_path / "effort.yml").write_text(
        "kind: effort\nrules:\n  - id: VAGUE-EFFORT-999\n    why: w\n    suggest: s\n    severity: low\n"
        "    patterns: ['x']\n")
    with pytest.raises(ValueError, match="VAGUE-EFFORT-999.*message"):
        VagueLexicon.load(tmp_path)


def test_findings_carry_the_output_fields_and_document_offsets():
    doc = "Preamble text. The Supplier shall promptly notify the Customer of any outage."
    start = doc.index("The Supplier")
    s = SentenceInput(doc[start:], start, len(doc), 3, "7.1", doc[start:])
    (f,) = LEXICON.find([s])
    assert (f.rule, f.kind, f.vague_kind, f.clause, f.page) == ("VAGUE-TIME-001", "vague_term", "time", "7.1", 3)
    assert doc[f.start:f.end] == f.text == "promptly"
    assert f.sentence == doc[start:]
    assert "'promptly'" in f.message and f.why and f.suggest and f.severity == "medium"


def test_select_and_ignore_by_prefix():
    text = "The Supplier shall promptly notify the Customer and shall regularly report on progress."
    assert {f.rule.split("-")[1] for f in find(text)} == {"TIME", "FREQ"}
    assert {f.rule.split("-")[1] for f in find(text, select=("VAGUE-FREQ",))} == {"FREQ"}
    assert {f.rule.split("-")[1] for f in find(text, ignore=("VAGUE-TIME-001",))} == {"FREQ"}


def test_findings_are_unique_per_rule_and_start():
    s = SentenceInput("The Supplier shall promptly notify the Customer.", 0, 48, None, None, "")
    assert len(LEXICON.find([s, s])) == 1


# --------------------------------------------------------------------------- #
# Guards against false positives
# --------------------------------------------------------------------------- #

class TestMeasuredInTheSameSentence:
    def test_time_with_a_number_and_unit(self):
        assert flagged("The Supplier shall promptly, and in any event within 4 hours, notify the Customer.") == []
        assert flagged("The Supplier shall notify the Customer promptly.") == ["promptly"]

    def test_deadline_and_date(self):
        assert flagged("Reports are delivered promptly and no later than close of business on the next business day.") == []
        assert flagged("The parties shall use their best efforts to complete the migration on or before March 3, 2027.") == []

    def test_percentage_measures_an_effort(self):
        assert flagged("Provider will use commercially reasonable efforts to make the Service available 99.9% of the time.") == []

    def test_named_frequency_measures_regularly(self):
        assert flagged("The Supplier will report regularly, and at least monthly, on the Service Levels.") == []
        assert flagged("The Supplier will report regularly on the Service Levels.") == ["regularly"]

    def test_a_measure_of_another_duty_in_the_sentence_does_not_rescue(self):
        text = ("The Supplier will make every reasonable effort to give you notice of planned work, and will "
                "complete such work outside the hours of 09:00-18:00 Monday-Friday whenever it is reasonably possible.")
        assert flagged(text) == ["every reasonable effort"]

    def test_quality_measure_must_stand_near_the_word(self):
        assert flagged("The Supplier shall maintain sufficient staff to answer 95% of calls within 20 seconds.") == []
        text = ("The environment shall achieve 100% fail-over redundancy within the primary hosting facility proper, "
                "regionally and nationally, with appropriate geographic separation between the sites.")
        assert flagged(text) == ["appropriate geographic"]

    def test_a_response_time_does_not_measure_a_frequency(self):
        text = "The Provider will respond to Severity 1 tickets within 1 hour and provide updates regularly until resolved."
        assert flagged(text) == ["regularly"]
        assert flagged("The Provider will provide updates at intervals of no more than 2 hours.") == []

    def test_coverage_does_not_measure_speed(self):
        assert flagged("Support is provided 24x7 and tickets are answered quickly by our team.") == ["quickly"]


class TestDefinedTerms:
    def test_capitalised_term_defined_in_the_document(self):
        texts = ('"Reasonable Efforts" means the efforts a prudent supplier of similar services would use.',
                 "The Supplier shall use Reasonable Efforts to resolve Priority 2 incidents.")
        assert flagged(*texts) == []
        assert flagged("The Supplier shall use reasonable efforts to resolve Priority 2 incidents.") == \
            ["reasonable efforts"]

    def test_capitalised_term_defined_elsewhere(self):
        assert flagged("The Supplier shall perform the Services in accordance with Good Industry Practice.") == []
        assert flagged("The Supplier shall perform the Services in accordance with good industry practice.") == \
            ["good industry practice"]

    def test_term_in_quotes(self):
        assert flagged('Service reviews (each a "Periodic Review") will be held every quarter.') == []

    def test_definition_sentence(self):
        assert flagged('"Business Day" means any day on which banks are open, as updated from time to time.') == []
        assert flagged('"Priority 1" means an incident that requires an immediate response.') == []
        assert flagged("Program enhancements shall mean changes which result in more efficient processing.") == []
        s = SentenceInput("Emergency: an outage that needs immediate attention.", 0, 52, None, None, "",
                          is_definition=True)
        assert LEXICON.find([s]) == []


class TestHeadings:
    def test_heading_flag(self):
        s = SentenceInput("Periodic Reviews", 0, 16, None, "4.3", "", is_heading=True)
        assert LEXICON.find([s]) == []

    def test_heading_like_sentence(self):
        assert flagged("4.3 Periodic Reviews") == []
        assert flagged("Regular Maintenance") == []

    def test_numbered_heading_line_inside_a_sentence(self):
        text = "3.5 Periodic Progress Meetings\nThe contractor agrees to attend progress meetings."
        assert flagged(text) == []


class TestNegation:
    @pytest.mark.parametrize("text", [
        "The Supplier shall not unreasonably delay its approval.",
        "The Supplier is not required to respond promptly to requests outside Business Hours.",
        "The Supplier shall not be required to respond promptly to requests outside Business Hours.",
        "The Supplier will generally not keep the details of the website confidential.",
        "The Supplier will not ordinarily agree to reduce the allowance.",
        "Nothing in this Agreement requires the Supplier to respond immediately.",
        "The Supplier has no obligation to provide regular reports.",
        "You acknowledge that it is not reasonably practical to deliver bug-free software.",
        "The Provider shall not be responsible for failures caused by the Customer's unreasonable delay.",
    ])
    def test_negated(self, text):
        assert flagged(text) == []


class TestObligationsOnly:
    @pytest.mark.parametrize("text", [
        "The Supplier is a leading provider of fast, reliable and responsive cloud hosting.",
        "Our engineers are highly experienced.",
        "WHEREAS the Customer wishes to engage the Supplier to provide support promptly.",
        "In order to resolve a ticket, there will occasionally be materials that you must provide.",
        "The receipt of an urgent ticket will result in the immediate alerting of on-call staff.",
        "Changes to the fees would be significant for the Customer.",
    ])
    def test_descriptions_are_not_flagged(self, text):
        assert flagged(text) == []

    @pytest.mark.parametrize("text,term", [
        ("We respond to tickets quickly.", "quickly"),
        ("We'll notify you about significant changes by e-mail.", "significant changes"),
        ("Any changes to the uptime figures are immediately shown on our status page.", "immediately"),
        ("Clients are requested to describe the problem as clearly as possible.", "as clearly as possible"),
        ("Metavault has taken reasonable steps to check the licences of third-party components.", "reasonable steps"),
        ("You agree that occasional unavailability of the website cannot reasonably be avoided.", "occasional"),
        ("Provide courteous and adequate support to all callers.", "adequate support"),
    ])
    def test_promises_are_flagged(self, text, term):
        assert term in flagged(text)

    def test_list_items_inherit_the_lead_in_duty(self):
        texts = ("This means that the processor will;", "1. have adequate information security in place;",
                 "2. not use sub-processors without consent;", "3. report data breaches without delay;")
        assert flagged(*texts) == ["adequate information", "without delay"]
        assert flagged("1. have adequate information security in place;") == []

    def test_items_within_one_sentence_take_the_duty_of_the_clause(self):
        text = "The Supplier shall (a) maintain backups of all Customer Data; and (b) promptly restore them on request."
        assert flagged(text) == ["promptly"]

    def test_capitalised_items_of_a_plain_list_do_not_take_the_lead_in(self):
        text = ("We classify incidents as follows:\n- P1 - Critical: complete loss of service.\n"
                "- P2 - High: Significant degradation of a production service.")
        assert flagged(text) == []

    def test_a_lead_in_is_measured_by_its_items(self):
        assert flagged("Subject to the exclusions, we aim to achieve:\n- Platform: 99.9% availability per month;") == []
        clause = "During Business Hours, we aim to:\n- respond to P1 incidents within 1 hour;"
        lead, item = clause.split("\n")
        sentences = [SentenceInput(lead, 0, len(lead), None, "3", clause),
                     SentenceInput(item, len(lead) + 1, len(clause), None, "3", clause)]
        assert LEXICON.find(sentences) == []

    def test_table_row_cells(self):
        assert flagged("Timely, responsive and effective | The contractor shall devote one engineer") == \
            ["Timely, responsive and effective"]

    def test_performance_standard_tables_state_duties_in_the_present_tense(self):
        texts = ("Performance Standard | Acceptable Quality Level",
                 "Product evaluations are thorough and complete.")
        assert flagged(*texts) == ["thorough"]
        assert flagged("Product evaluations are thorough and complete.") == []

    def test_purpose_clause(self):
        text = "Clients are requested to describe the problem, in order to allow us to set priority appropriately."
        assert flagged(text) == []

    def test_vague_trigger_in_a_leading_condition(self):
        text = "If your Time Allowance is regularly exceeded, the Supplier may ask you to increase it."
        assert flagged(text) == ["regularly"]


class TestPermissions:
    def test_customer_discretion_is_a_right_not_a_weakness(self):
        assert flagged("The Customer may, at its sole discretion, extend the term by 12 months.") == []
        assert flagged("At the Customer's discretion, the Supplier shall attend on site.") == []
        assert flagged("The Supplier shall provide reports in such format as the Customer considers appropriate.") == []
        assert flagged("The Customer may request additional reports as needed.") == []

    def test_supplier_discretion_over_its_duty_is_flagged(self):
        assert flagged("Service credits will be issued at the Provider's sole discretion.") == \
            ["at the Provider's sole discretion"]
        assert flagged("The Supplier may provide a workaround for Priority 1 incidents.") == ["may"]

    def test_time_word_in_a_customer_right(self):
        assert flagged("The Customer may immediately terminate the affected Order Form by written notice.") == []

    def test_frequency_word_in_a_right_is_still_flagged(self):
        assert flagged("The Customer's representatives may meet periodically with the Contractor.") == ["periodically"]
        assert flagged("From time to time, we may need to take the website offline for maintenance.") == []

    def test_customer_right_of_the_supplier_kind(self):
        assert flagged("The Supplier may update this SLA once in a blue moon.") == ["once in a blue moon"]


class TestCrossReferences:
    """Decision: a pointer to the table, schedule or service levels that measure the duty
    rescues time, frequency, quality and discretion words (the checklist judges the table);
    it does not rescue effort words, which soften the measured duty itself."""

    @pytest.mark.parametrize("text", [
        "The Supplier shall respond promptly, as set out in the table in Schedule 2.",
        "Tickets will be handled in a timely manner in accordance with the Service Levels.",
        "The Supplier shall respond promptly, within the Response Times set out in Schedule 2.",
        "The Supplier will provide regular reports as specified in Annex 4.",
        "The Supplier will make best endeavours to respond as quickly as possible, notwithstanding the "
        "requirements of this agreement.",
    ])
    def test_reference_rescues(self, text):
        assert flagged(text) == []

    def test_effort_is_still_flagged_with_a_reference(self):
        text = "Provider will use commercially reasonable efforts to respond within the Target Response Time."
        assert flagged(text) == ["commercially reasonable efforts"]


class TestLargerPhrases:
    @pytest.mark.parametrize("text", [
        "Either party may terminate this Agreement immediately if the other commits a material breach.",
        "This Agreement becomes effective on the Effective Date.",
        "The Supplier shall comply with the security policy as amended from time to time.",
        "The Supplier will support the latest version and the immediately preceding version.",
        "The Supplier shall give adequate notice of at least 14 days before scheduled maintenance.",
        "The Supplier shall not be liable for delays beyond its reasonable control.",
        "Tickets will be routed to the appropriate support team.",
        "The Supplier shall attend the premises as required by law.",
        "Interest accrues at 4% above the base rate from time to time.",
        "Notices shall be sent by first-class post.",
    ])
    def test_not_vague_in_context(self, text):
        assert flagged(text) == []


class TestOverlaps:
    def test_longest_match_wins(self):
        (f,) = find("The Supplier will use commercially reasonable efforts to resolve incidents.")
        assert (f.rule, f.text) == ("VAGUE-EFFORT-001", "commercially reasonable efforts")

    def test_phrase_absorbs_its_parts(self):
        (f,) = find("The Supplier will deliver work as robust and reliable as is reasonably practical.")
        assert f.text == "as robust and reliable as is reasonably practical"

    def test_coordinated_terms_make_one_finding(self):
        assert flagged("The Customer shall provide timely and adequate notice to the regulators.") == \
            ["timely and adequate notice"]

    def test_vague_adjective_reports_its_noun(self):
        assert flagged("The Contractor must maintain an adequate workforce at all times.") == ["adequate workforce"]


# --------------------------------------------------------------------------- #
# The labelled corpus, when it is there (a regression guard, not a fit)
# --------------------------------------------------------------------------- #

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.mark.skipif(not (CORPUS / "expected").is_dir(), reason="shared corpus not available")
def test_corpus_precision_and_recall():
    pytest.importorskip("pdfplumber")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import json

    from vague_corpus_check import extract, matches, sentences

    tp = fn = tp_prec = fp_prec = 0
    for lf in sorted((CORPUS / "expected").glob("*.json")):
        lab = json.loads(lf.read_text())
        found = LEXICON.find(sentences(extract(CORPUS / lab["file"])))
        gold = lab.get("vague", {}).get("flag", [])
        hits = [any(matches(f, g) for f in found) for g in gold]
        tp, fn = tp + sum(hits), fn + len(hits) - sum(hits)
        if lab.get("vague", {}).get("exhaustive"):
            ok = [any(matches(f, g) for g in gold) for f in found]
            tp_prec, fp_prec = tp_prec + sum(ok), fp_prec + len(ok) - sum(ok)
    assert tp / (tp + fn) >= 0.9
    assert tp_prec / (tp_prec + fp_prec) >= 0.9
