"""Fact extraction: the measured words that turn a vague statement into a met one."""
from __future__ import annotations

import pytest

from reviewer.checks.facts import (COVERAGE, DURATION, FACT_KINDS, FREQUENCY, MONEY, PERCENTAGE, PRIORITY,
                                   downtime_allowed, find_facts, format_minutes, normalise_priority)


def only(text: str, kind: str):
    """The single fact of `kind` in `text`, which must cover exactly the expected words."""
    facts = find_facts(text, (kind,))
    assert len(facts) == 1, f"{text!r}: expected one {kind}, got {facts}"
    fact = facts[0]
    assert text[fact.start:fact.end] == fact.text
    return fact


# ------------------------------------------------------------------------------------------------ durations

@pytest.mark.parametrize("text, words, minutes, qualifier", [
    ("acknowledge within 15 minutes of notification", "15 minutes", 15, None),
    ("restore service within 4 hours", "4 hours", 240, None),
    ("respond within 4 business hours", "4 business hours", 240, "business"),
    ("within 2 working days", "2 working days", 2880, "working"),
    ("within five (5) Business Days after the request", "five (5) Business Days", 5 * 1440, "business"),
    ("within thirty (30) minutes", "thirty (30) minutes", 30, None),
    ("within twenty-four hours", "twenty-four hours", 1440, None),
    ("90% of calls answered within 30 seconds", "30 seconds", 0.5, None),
    ("within 48 hrs", "48 hrs", 2880, None),
    ("a 10 min call-back", "10 min", 10, None),
    ("within 1.5 hours", "1.5 hours", 90, None),
    ("within half an hour", "half an hour", 30, None),
    ("within the hour", "within the hour", 60, None),
    ("in a 24-hour period", "24-hour", 1440, None),
    ("within 8 Normal Working Hours", "8 Normal Working Hours", None, None),
])
def test_durations(text, words, minutes, qualifier):
    if minutes is None:  # "Normal Working Hours": a business-hours clock, however it is worded
        fact = only(text, DURATION)
        assert fact.value == 480 and fact.qualifier in ("business", "working")
        return
    fact = only(text, DURATION)
    assert fact.text == words
    assert fact.value == pytest.approx(minutes)
    assert fact.unit == "minutes"
    assert fact.qualifier == qualifier


@pytest.mark.parametrize("text", ["resolved by the next business day", "on the Next Business Day",
                                  "by the following working day"])
def test_next_business_day(text):
    fact = only(text, DURATION)
    assert fact.value == 1440 and fact.qualifier == "business"
    assert fact.text.lower().endswith("day")


# ---------------------------------------------------------------------------------------------- percentages

@pytest.mark.parametrize("text, words, value", [
    ("Availability of 99.9% in each month", "99.9%", 99.9),
    ("at least ninety-nine percent (99%) of the time", "ninety-nine percent (99%)", 99),
    ("ninety-nine point nine percent (99.9%)", "ninety-nine point nine percent (99.9%)", 99.9),
    ("a credit of 5 percent of the fee", "5 percent", 5),
    ("99.95 per cent uptime", "99.95 per cent", 99.95),
    ("a 0.5 % reduction", "0.5 %", 0.5),
    ("twenty percent (20%) of the Charges", "twenty percent (20%)", 20),
])
def test_percentages(text, words, value):
    fact = only(text, PERCENTAGE)
    assert fact.text == words and fact.value == pytest.approx(value)


# ---------------------------------------------------------------------------------------------------- money

@pytest.mark.parametrize("text, words, value, currency", [
    ("a monthly Charge of £10,650", "£10,650", 10650, "GBP"),
    ("charged at GBP 95 per hour", "GBP 95", 95, "GBP"),
    ("USD 12,325 per month", "USD 12,325", 12325, "USD"),
    ("a credit of $250.50", "$250.50", 250.5, "USD"),
    ("€1,200 a year", "€1,200", 1200, "EUR"),
    ("1,000 dollars", "1,000 dollars", 1000, "USD"),
    ("capped at $2.5 million", "$2.5 million", 2_500_000, "USD"),
    ("a budget of £2k", "£2k", 2000, "GBP"),
])
def test_money(text, words, value, currency):
    fact = only(text, MONEY)
    assert (fact.text, fact.unit) == (words, currency)
    assert fact.value == pytest.approx(value)


# ---------------------------------------------------------------------------------------------- frequencies

@pytest.mark.parametrize("text, period", [
    ("a monthly service report", "month"),
    ("meet quarterly", "quarter"),
    ("a weekly call", "week"),
    ("reviewed annually", "year"),
    ("every quarter", "quarter"),
    ("on a monthly basis", "month"),
    ("twice a year", "year"),
    ("bi-weekly stand-ups", "fortnight"),
    ("every 30 days", "month"),
    ("every 14 days", "fortnight"),
    ("every 3 months", "quarter"),
    ("every 90 days", "quarter"),
    ("every other week", "fortnight"),
    ("every two months", "two months"),
    ("every day", "day"),
    ("on the first Business Day of each month", "month"),
])
def test_frequencies(text, period):
    facts = find_facts(text, (FREQUENCY,))
    assert len(facts) == 1, facts
    assert facts[0].qualifier == period


# ------------------------------------------------------------------------------------------------ priorities

@pytest.mark.parametrize("text", ["P1", "Priority 1", "priority one", "Severity One", "Severity 1", "Sev-1", "sev1",
                                  "Sev 1", "Severity Level 1", "Priority Level One", "S1", "Severity I"])
def test_priority_level_one_normalises_to_p1(text):
    fact = only(f"A {text} incident.", PRIORITY)
    assert fact.qualifier == "P1"
    assert normalise_priority(fact.text) == "P1"


@pytest.mark.parametrize("text, level", [("P2", "P2"), ("Priority 3", "P3"), ("Severity Two", "P2"),
                                         ("Sev-4", "P4"), ("Severity Level III", "P3"),
                                         ("Critical priority", "Critical"), ("High Severity", "High")])
def test_other_priority_levels(text, level):
    assert only(f"{text} incidents", PRIORITY).qualifier == level


def test_priorities_in_a_sentence_keep_their_spans():
    text = "Priority 1 within 15 minutes; Priority 2 within 1 hour; P3 next business day."
    facts = find_facts(text, (PRIORITY,))
    assert [(f.text, f.qualifier) for f in facts] == [("Priority 1", "P1"), ("Priority 2", "P2"), ("P3", "P3")]
    assert all(text[f.start:f.end] == f.text for f in facts)


# -------------------------------------------------------------------------------------------------- coverage

@pytest.mark.parametrize("text, words", [
    ("Support is available 24x7.", "24x7"),
    ("available 24/7/365", "24/7/365"),
    ("monitoring 24 x 7 x 365", "24 x 7 x 365"),
    ("from 8:00 a.m. to 6:00 p.m. Eastern Time", "8:00 a.m. to 6:00 p.m."),
    ("between 08:00-18:00 UK time", "08:00-18:00"),
    ("from 9am-5pm", "9am-5pm"),
    ("Monday through Friday", "Monday through Friday"),
    ("Monday to Friday", "Monday to Friday"),
    ("Mon-Fri", "Mon-Fri"),
    ("round-the-clock monitoring", "round-the-clock"),
    ("24 hours a day", "24 hours a day"),
])
def test_coverage(text, words):
    facts = find_facts(text, (COVERAGE,))
    assert facts and facts[0].text == words


def test_coverage_sentence_finds_hours_and_days():
    text = "The Service Desk is open from 8:00 a.m. to 6:00 p.m., Monday through Friday, excluding holidays."
    assert [f.text for f in find_facts(text, (COVERAGE,))] == ["8:00 a.m. to 6:00 p.m.", "Monday through Friday"]


# ------------------------------------------------------------------------------------------------- non-facts

@pytest.mark.parametrize("text", [
    "as set out in section 1.1", "under clause 5.2", "Schedule 2 applies", "version 3.2 of the Documentation",
    "dated 1 January 2025", "on January 1, 2025", "effective 2024-03-01", "signed 12/05/2024",
    "up to 250 users", "Windows 11 laptops", "the priority of a ticket", "a Business Day", "the time of day",
])
def test_non_facts_are_not_found(text):
    assert find_facts(text) == []


def test_clock_time_alone_is_not_coverage():
    assert find_facts("treated as received at 08:00 on the next Business Day", (COVERAGE,)) == []


# ------------------------------------------------------------------------------------- downtime arithmetic

def test_downtime_allowed_for_availability():
    assert downtime_allowed(99.9)["month"] == pytest.approx(43.8, abs=0.1)
    assert downtime_allowed(99.9)["year"] == pytest.approx(526, abs=1)
    assert downtime_allowed(99.5)["month"] / 60 == pytest.approx(3.65, abs=0.05)
    assert downtime_allowed(100)["month"] == 0
    assert downtime_allowed(99.9, "quarter")["quarter"] == pytest.approx(131.5, abs=0.1)


@pytest.mark.parametrize("minutes, text", [(0.5, "30 seconds"), (43.83, "43.8 minutes"), (60, "1 hour"),
                                           (90, "1.5 hours"), (480, "8 hours"), (7200, "5 days")])
def test_format_minutes(minutes, text):
    assert format_minutes(minutes) == text


def test_facts_sorted_by_position():
    text = "P1: respond within 15 minutes, 24x7; credit 5% (GBP 250) reported monthly."
    facts = find_facts(text)
    assert [f.start for f in facts] == sorted(f.start for f in facts)
    assert {f.kind for f in facts} == {PRIORITY, DURATION, COVERAGE, PERCENTAGE, MONEY, FREQUENCY}
    shifted = facts[0].shifted(100)
    assert (shifted.start, shifted.end) == (facts[0].start + 100, facts[0].end + 100)


# ------------------------------------------------------------------------------------- the prefilter

def _texts_to_check():
    from reviewer.classify.train import load_dataset
    for row in load_dataset():
        yield row["text"]
        for start in range(0, len(row["text"]), 40):  # shorter pieces, like table cells
            yield row["text"][start:start + 60]
    yield from ("P1: respond within 15 minutes, 24x7; credit 5% (GBP 250) reported monthly.", "US$ 5,000",
                "fifty per cent (50%)", "twice a year", "08:00-18:00 Mon to Fri", "Sev-2", "impact level 3")


def test_every_fact_pattern_match_holds_one_of_its_needed_strings():
    from reviewer.checks import facts
    patterns = {DURATION: facts._DURATION, PERCENTAGE: facts._PERCENT, MONEY: facts._MONEY,
                FREQUENCY: facts._FREQUENCY, PRIORITY: facts._PRIORITY, COVERAGE: facts._COVERAGE}
    seen = dict.fromkeys(patterns, 0)
    for text in _texts_to_check():
        if not text.isascii():
            continue
        for kind, pattern in patterns.items():
            for m in pattern.finditer(text):
                seen[kind] += 1
                assert any(need in m.group(0).lower() for need in facts._NEEDS[kind]), (kind, m.group(0))
    assert min(seen.values()) > 20, seen


def test_facts_are_the_same_without_the_prefilter(monkeypatch):
    from reviewer.checks import facts
    texts = list(_texts_to_check())
    kinds = [FACT_KINDS] + [(kind,) for kind in FACT_KINDS] + [(DURATION, PERCENTAGE, MONEY)]
    fast = [find_facts(text, k) for text in texts for k in kinds]
    monkeypatch.setattr(facts, "_wanted", lambda kind, asked, low: kind in asked)
    assert fast == [find_facts(text, k) for text in texts for k in kinds]
