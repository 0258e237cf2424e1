"""Sentence splitter tests: gold-set F1 plus focused hard cases.

Metric (used by ``test_gold_boundary_f1``): **boundary F1**.  For each passage
in ``tests/fixtures/sentences_gold.jsonl`` a boundary is the end offset of
every sentence except the last (offsets into the passage, after stripping
whitespace).  Predicted and gold boundaries are compared as sets per passage;
true positives, false positives and false negatives are summed over all
passages (micro average), giving precision, recall and F1.  A passage with a
single gold sentence therefore only counts against false splits.

The gold set is hand-written contract-like text (UK and US drafting, SLA
prose, tables, lists, PDF line wraps); ``sentences`` are exact substrings of
``text`` in order, chosen as a careful human reader would segment them.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewer.segment.sentences import _chunks, get_nlp, split_sentences

GOLD_PATH = Path(__file__).parent / "fixtures" / "sentences_gold.jsonl"
F1_THRESHOLD = 0.90


def _load_gold() -> list[dict]:
    with GOLD_PATH.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _gold_spans(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for s in sentences:
        i = text.index(s, pos)
        spans.append((i, i + len(s)))
        pos = i + len(s)
    return spans


def boundary_prf(gold: list[dict], splitter=split_sentences) -> tuple[float, float, float, list]:
    """Micro-averaged boundary precision, recall, F1 and the per-passage errors."""
    tp = fp = fn = 0
    errors = []
    for item in gold:
        text = item["text"]
        g = {e for _, e in _gold_spans(text, item["sentences"])[:-1]}
        p = {e for _, e in splitter(text)[:-1]}
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)
        if g != p:
            errors.append((text, sorted(p - g), sorted(g - p)))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, errors


def _sents(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


# ---------------------------------------------------------------------------
# Gold set
# ---------------------------------------------------------------------------

def test_gold_file_is_well_formed():
    gold = _load_gold()
    assert len(gold) >= 120
    for item in gold:
        text, sents = item["text"], item["sentences"]
        assert sents, text
        spans = _gold_spans(text, sents)  # raises if not in-order substrings
        covered = "".join(text[s:e] for s, e in spans)
        assert "".join(covered.split()) == "".join(text.split()), text
        assert all(s == s.strip() for s in sents), text


def test_gold_boundary_f1():
    gold = _load_gold()
    precision, recall, f1, errors = boundary_prf(gold)
    report = (
        f"sentence boundary F1 on {len(gold)} gold passages: "
        f"P={precision:.3f} R={recall:.3f} F1={f1:.3f}"
    )
    print("\n" + report)
    detail = "\n".join(
        f"  {t[:70]!r}: false splits at {fp}, missed at {fn}" for t, fp, fn in errors[:20]
    )
    assert f1 >= F1_THRESHOLD, report + "\n" + detail


def test_span_invariants_on_gold():
    for item in _load_gold():
        text = item["text"]
        spans = split_sentences(text)
        _check_invariants(text, spans)


def _check_invariants(text: str, spans: list[tuple[int, int]]) -> None:
    prev_end = 0
    for s, e in spans:
        assert prev_end <= s < e <= len(text), (s, e)
        seg = text[s:e]
        assert seg == seg.strip(), repr(seg)
        assert text[prev_end:s].strip() == "", repr(text[prev_end:s])
        prev_end = e
    assert text[prev_end:].strip() == ""


def test_span_invariants_edge_inputs():
    for text in ["", "   ", "\n\n", "x", "  Hello.  ", "A.\n\n\nB.", "\u2022 item\n\u2022 item", "| a | b |"]:
        _check_invariants(text, split_sentences(text))
    assert split_sentences("") == []
    assert split_sentences(" \n\t ") == []
    assert split_sentences("  Hello.  ") == [(2, 8)]


def test_long_text_is_chunked_consistently():
    block = (
        "4.1 The Supplier shall provide the Services from 8:00 a.m. to 6:00 p.m. Monday to Friday.\n"
        "4.2 Service Credits are set out in Sch. 2, e.g. 5% of the Monthly Charges.\n\n"
        "Priority | Response | Resolution\nP1 | 15 min. | 4 hours\n\n"
    )
    text = block * 3000  # ~ 600k characters, several chunks
    spans = split_sentences(text)
    _check_invariants(text, spans)
    per_block = len(split_sentences(block))
    assert per_block == 4  # two clauses, table header, table row
    assert len(spans) == per_block * 3000


def _spacy_sentences(text: str) -> list[tuple[int, int]]:
    """What split_sentences returned when it ran the spaCy pipeline: ``doc.sents``, stripped."""
    if not text or text.isspace():
        return []
    spans = []
    for off, chunk in _chunks(text):
        for sent in get_nlp()(chunk).sents:
            s, e = sent.start_char, sent.end_char
            while s < e and chunk[s].isspace():
                s += 1
            while e > s and chunk[e - 1].isspace():
                e -= 1
            if s < e:
                spans.append((off + s, off + e))
    return spans


def _training_texts() -> list[str]:
    folder = Path(__file__).resolve().parents[1] / "training" / "clauses"
    texts = set()
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.add(json.loads(line)["text"])
    return sorted(texts)


RUN_ONS = [
    "The reports.The Supplier shall pay.",
    "See www.example.com.The end",
    "Fees are due.Payment is late.Really?Yes!No",
    "x  \t The end.Next one.  \n\n  Another(a).Then",
    "Contact support@example.com.Tickets are logged.",
    "reports.The",
]


def test_split_sentences_gives_the_spacy_pipelines_sentences():
    """split_sentences works from character offsets without running spaCy (but on run-ons);
    its spans must be those of get_nlp()'s doc.sents on every training clause and gold passage."""
    texts = _training_texts() + [item["text"] for item in _load_gold()] + RUN_ONS
    assert len(texts) > 1000
    for text in texts:
        assert split_sentences(text) == _spacy_sentences(text), text


def test_pipeline_is_blank_spacy_with_contract_component():
    nlp = get_nlp()
    assert nlp is get_nlp()  # cached
    assert nlp.pipe_names == ["contract_sentencizer"]
    doc = nlp("The Supplier shall respond within 4 hrs. of notice. The Customer shall co-operate.")
    assert [s.text for s in doc.sents] == [
        "The Supplier shall respond within 4 hrs. of notice.",
        "The Customer shall co-operate.",
    ]


# ---------------------------------------------------------------------------
# Focused hard cases
# ---------------------------------------------------------------------------

def test_reference_abbreviations_do_not_split():
    text = (
        "Services are described in Sec. 4.2 and para. 3 of Sch. 2, under cl. 7 and art. 28, "
        "for Order No. 5 (approx. 6 weeks, Fig. 3) vs. the Original Order."
    )
    assert _sents(text) == [text]


def test_eg_ie_do_not_split_even_before_capitals():
    text = (
        "Certain Incidents (e.g. Priority 1 Incidents) must be phoned in, i.e. Email is not enough.\n"
        "Next sentence here."
    )
    assert _sents(text) == [
        "Certain Incidents (e.g. Priority 1 Incidents) must be phoned in, i.e. Email is not enough.",
        "Next sentence here.",
    ]


def test_times_am_pm():
    assert len(_sents("Support runs from 8:00 a.m. to 6:00 p.m. Monday to Friday, UK time.")) == 1
    assert len(_sents("Calls after 5 p.m. GMT are logged the next day.")) == 1
    assert _sents("Incidents must be reported by 4 p.m. The Supplier will not act on late reports.") == [
        "Incidents must be reported by 4 p.m.",
        "The Supplier will not act on late reports.",
    ]


def test_company_suffixes_and_us():
    assert len(_sents("Northwind Systems Inc. and Harbour Logistics Ltd. signed on the same day.")) == 1
    assert len(_sents("Fenwick & Co. Solicitors and Greystone Partners, L.L.C. are the parties.")) == 1
    assert len(_sents("Pricing is in U.S. Dollars.")) == 1
    assert _sents("The licensor is Quillon Inc. The Supplier gives no warranty.") == [
        "The licensor is Quillon Inc.",
        "The Supplier gives no warranty.",
    ]
    assert _sents("Data is hosted in the U.S. The Supplier shall not move it.") == [
        "Data is hosted in the U.S.",
        "The Supplier shall not move it.",
    ]


def test_etc_mid_and_end_of_sentence():
    assert len(_sents("Consumables (toner, paper, cables, etc.) are supplied at cost.")) == 1
    assert len(_sents("Training, consultancy, etc. are excluded.")) == 1
    assert _sents("The Supplier patches servers, firewalls, etc. The Customer patches laptops.") == [
        "The Supplier patches servers, firewalls, etc.",
        "The Customer patches laptops.",
    ]


def test_decimals_versions_and_24x7():
    text = (
        "Availability shall be 99.9% per month for v2.1 and later.\u00a0Version 3.0.1 is supported 24 x 7. "
        "Overtime is 1.5x the rate."
    )
    assert _sents(text) == [
        "Availability shall be 99.9% per month for v2.1 and later.",
        "Version 3.0.1 is supported 24 x 7.",
        "Overtime is 1.5x the rate.",
    ]


def test_semicolon_enumeration_is_one_sentence():
    text = (
        "The Customer shall: (a) provide remote access; (b) report Incidents through the Service Desk; "
        "and (c) keep backups of all Customer Data. Failure relieves the Supplier."
    )
    assert _sents(text) == [
        "The Customer shall: (a) provide remote access; (b) report Incidents through the Service Desk; "
        "and (c) keep backups of all Customer Data.",
        "Failure relieves the Supplier.",
    ]


def test_quotes_and_brackets_close_the_sentence():
    text = (
        'These are the "Services". The Supplier keeps controls (see Schedule 2). '
        "Credits are excluded. (See clause 9.4.) Tickets are marked \u201cP1.\u201d Next one."
    )
    assert _sents(text) == [
        'These are the "Services".',
        "The Supplier keeps controls (see Schedule 2).",
        "Credits are excluded.",
        "(See clause 9.4.)",
        "Tickets are marked \u201cP1.\u201d",
        "Next one.",
    ]


def test_clause_numbers_and_run_in_headings():
    assert _sents("4.1 The Supplier shall act.\n4.2 The Customer shall pay.") == [
        "4.1 The Supplier shall act.",
        "4.2 The Customer shall pay.",
    ]
    assert _sents("3. Fees. The Customer shall pay the Fees. 4. Term. This Agreement runs for 3 years.") == [
        "3. Fees.",
        "The Customer shall pay the Fees.",
        "4. Term.",
        "This Agreement runs for 3 years.",
    ]
    assert _sents("Credits are paid under clause 4. The Customer must claim them.") == [
        "Credits are paid under clause 4.",
        "The Customer must claim them.",
    ]


def test_line_wraps_are_not_boundaries_but_blank_lines_are():
    text = (
        "The Supplier shall resolve each Incident within the Resolution Time applicable to its\n"
        "Priority Level and shall keep the Customer informed at the intervals set out in\n"
        "Table 2\n\n"
        "Service Credits apply"
    )
    assert _sents(text) == [
        "The Supplier shall resolve each Incident within the Resolution Time applicable to its\n"
        "Priority Level and shall keep the Customer informed at the intervals set out in\nTable 2",
        "Service Credits apply",
    ]


def test_cross_reference_wrap_is_not_a_list_item():
    text = (
        "The Service Credit shall be determined by the table in paragraph\n"
        "3.2 of this Schedule and applied to the Monthly Charges.\n"
        "Overtime is charged at\n1.5 times the hourly rate."
    )
    assert _sents(text) == [
        "The Service Credit shall be determined by the table in paragraph\n"
        "3.2 of this Schedule and applied to the Monthly Charges.",
        "Overtime is charged at\n1.5 times the hourly rate.",
    ]


def test_bullets_and_list_markers_on_new_lines_are_boundaries():
    text = (
        "The package includes:\n"
        "\u2022 remote diagnosis of Incidents;\n"
        "- installation of patches\n"
        "(a) quarterly reviews; and\n"
        "1. monthly reports\n"
        "1.1 The reports are emailed."
    )
    assert _sents(text) == [
        "The package includes:",
        "\u2022 remote diagnosis of Incidents;",
        "- installation of patches",
        "(a) quarterly reviews; and",
        "1. monthly reports",
        "1.1 The reports are emailed.",
    ]


def test_table_rows_are_sentences_of_their_own():
    text = (
        "Table 1 sets out the Service Levels.\n"
        "Priority | Description | Response\n"
        "P1 | Critical. Service down. | 15 minutes\n"
        "P2 | Major | 1 hour\n"
        "The Supplier reports monthly."
    )
    assert _sents(text) == [
        "Table 1 sets out the Service Levels.",
        "Priority | Description | Response",
        "P1 | Critical. Service down. | 15 minutes",
        "P2 | Major | 1 hour",
        "The Supplier reports monthly.",
    ]


def test_headings_without_final_period():
    text = (
        "SCHEDULE 2\nSERVICE LEVELS\n1. Introduction\n"
        "This Schedule sets out the Service Levels.\nSupport Hours\nSupport is available on Business Days."
    )
    assert _sents(text) == [
        "SCHEDULE 2",
        "SERVICE LEVELS",
        "1. Introduction",
        "This Schedule sets out the Service Levels.",
        "Support Hours",
        "Support is available on Business Days.",
    ]


def test_all_caps_text():
    text = (
        "LIMITATION OF LIABILITY. IN NO EVENT SHALL EITHER PARTY BE LIABLE FOR LOSS OF PROFITS, "
        "DATA, ETC. UNDER U.S. FEDERAL LAW OR OTHERWISE. SUPPORT RUNS FROM 9 A.M. TO 5 P.M. EASTERN TIME."
    )
    assert _sents(text) == [
        "LIMITATION OF LIABILITY.",
        "IN NO EVENT SHALL EITHER PARTY BE LIABLE FOR LOSS OF PROFITS, DATA, ETC. UNDER U.S. FEDERAL LAW OR OTHERWISE.",
        "SUPPORT RUNS FROM 9 A.M. TO 5 P.M. EASTERN TIME.",
    ]


def test_initials_and_titles():
    assert _sents("Signed by J. R. Patel for the Customer. The Account Manager is Mr. D. Okafor.") == [
        "Signed by J. R. Patel for the Customer.",
        "The Account Manager is Mr. D. Okafor.",
    ]
    assert _sents("The requirements are in Appendix A. The Supplier shall comply.") == [
        "The requirements are in Appendix A.",
        "The Supplier shall comply.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The Supplier shall provide the Services.\r\nThe Customer shall pay.\r\n",
        "  Leading and trailing spaces.   \n\n\n  Another one.  ",
        "\u2022 a\n\u2022 b\n\n\n| x | y |\n|---|---|\n",
        "No terminal punctuation at all",
        "Ends with an abbreviation etc.",
    ],
)
def test_spans_are_ordered_non_overlapping_and_stripped(text):
    _check_invariants(text, split_sentences(text))
