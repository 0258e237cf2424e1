"""Measured facts with spans: durations, percentages, money, frequencies, priority levels, coverage hours.

Facts are what turn a checklist item from `vague` into `met`: "within 4 business hours",
"99.9%", "monthly", "Priority 1", "24x7", "08:00-18:00 Monday to Friday (UK time)".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

DURATION = "duration"
PERCENTAGE = "percentage"
MONEY = "money"
FREQUENCY = "frequency"
PRIORITY = "priority"
COVERAGE = "coverage"
FACT_KINDS = (DURATION, PERCENTAGE, MONEY, FREQUENCY, PRIORITY, COVERAGE)


@dataclass(frozen=True)
class Fact:
    kind: str
    text: str
    start: int  # offsets into the string the facts were found in
    end: int
    value: Optional[float] = None  # durations in minutes, percentages in percent, money in units
    unit: Optional[str] = None  # durations: minutes | business_minutes; money: currency
    qualifier: Optional[str] = None  # business / working / calendar, or the frequency's period

    def shifted(self, offset: int) -> "Fact":
        return Fact(self.kind, self.text, self.start + offset, self.end + offset, self.value, self.unit, self.qualifier)


_WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "eighteen": 18, "twenty": 20, "twenty-four": 24, "twenty four": 24, "thirty": 30, "forty": 40, "forty-five": 45,
    "forty-eight": 48, "forty eight": 48, "sixty": 60, "seventy-two": 72, "ninety": 90, "half an": 0.5, "half a": 0.5,
}
_NUM_WORD = "|".join(sorted((re.escape(w) for w in _WORD_NUMBERS if w not in ("a", "an")), key=len, reverse=True))
_NUM = rf"(?:\d{{1,4}}(?:[.,]\d+)?|(?:{_NUM_WORD}))(?:\s*\(\s*\d{{1,4}}(?:\.\d+)?\s*\))?"
_QUAL = (r"(?:(?P<qual>business|working|calendar|clock|consecutive|normal|support|service|office|elapsed)\s+"
         r"(?:(?:business|working|office)\s+)?)?")  # "8 Normal Working Hours"
_UNITS = {
    "second": 1 / 60, "sec": 1 / 60, "minute": 1, "min": 1, "hour": 60, "hr": 60, "day": 1440, "week": 10080,
    "month": 43800, "year": 525600,
}
_UNIT = r"(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\b"
_DURATION = re.compile(
    rf"\b(?P<num>{_NUM})(?:\s*-\s*|\s+)?{_QUAL}{_UNIT}|\b(?P<nbd>(?:the\s+)?(?:next|same|following)\s+(?:business|working)\s+day)\b"
    rf"|\b(?P<within>within\s+(?:the|an|one)\s+hour)\b",
    re.I,
)
_PERCENT = re.compile(
    r"(?P<num>\d{1,3}(?:\.\d+)?)\s*(?:%|percent\b|per\s+cent\b)"
    r"|\b(?P<words>(?:ninety|eighty|seventy|fifty|twenty|ten|five|one hundred)[\w\s\-]{0,40}?(?:percent|per cent))\s*\((?P<paren>\d{1,3}(?:\.\d+)?)\s*%\)",
    re.I,
)
_MONEY = re.compile(
    r"(?P<cur>[$£€]|\b(?:USD|GBP|EUR|AUD|CAD|US\$|A\$|C\$)\s?)\s?(?P<num>\d[\d,]*(?:\.\d+)?)(?P<mult>\s?(?:million|thousand|billion|bn|k|m)\b)?"
    r"|\b(?P<num2>\d[\d,]*(?:\.\d+)?)\s?(?P<cur2>USD|GBP|EUR|dollars|pounds|euros)\b",
    re.I,
)
_FREQUENCY = re.compile(
    r"\b(?P<f>daily|weekly|fortnightly|monthly|quarterly|annually|yearly|bi-?weekly|bi-?monthly|semi-?annual(?:ly)?|"
    r"half-?yearly|twice\s+(?:a|per|each)\s+(?:day|week|month|quarter|year)|"
    r"(?:once|twice)\s+(?:a|per|each|every)\s+(?:day|week|month|quarter|year)|"
    r"every\s+(?:(?:other|\d{1,3}|two|three|four|six|twelve)\s+)?(?:calendar\s+)?(?:days?|weeks?|months?|quarters?|years?)|"
    r"(?:each|per|every)\s+(?:calendar\s+)?(?:day|week|month|quarter|year)|"
    r"(?:on|at)\s+(?:a|an)\s+(?:daily|weekly|monthly|quarterly|annual|yearly|bi-?weekly)\s+basis|"
    r"annual|(?:the\s+)?(?:first|last|\d{1,2}(?:st|nd|rd|th))\s+(?:business\s+|working\s+)?day\s+of\s+(?:each|every|the)\s+(?:following\s+)?(?:month|quarter))\b",
    re.I,
)
_PRIORITY = re.compile(
    r"\b(?P<p>(?:priority|severity|sev|incident\s+level|impact\s+level)\s*(?:level\s*)?[-–]?\s*(?:[1-5]|one|two|three|four|five|i{1,3}|iv|[a-d])\b|"
    r"P[1-5]\b|S[1-4]\b|(?:critical|urgent|emergency|high|major|medium|moderate|normal|minor|low)(?:\s*[-–]?\s*|\s+)(?:priority|severity|impact)\b|"
    r"(?:priority|severity)\s*[-–:]?\s*(?:critical|urgent|high|medium|normal|low))",
    re.I,
)
_TIME = r"\d{1,2}(?:(?:[:.]\d{2})\s*(?:a\.?m\.?|p\.?m\.?|hrs|h)?|\s*(?:a\.?m\.?|p\.?m\.?))"
_DAYS = r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"
_COVERAGE = re.compile(
    rf"(?P<c>\b24\s*[x×/]\s*7(?:\s*[x×/]\s*365)?\b|\b24\s*hours?\s+(?:a|per|each)\s+day\b|\b(?:around|round)[- ]the[- ]clock\b|"
    rf"\b{_TIME}\s*(?:-|–|—|to|until|through|and)\s*{_TIME}(?!\w)|"
    rf"\b{_DAYS}\s*(?:-|–|—|to|through|thru)\s*{_DAYS}\b|\bweekdays\b|"
    rf"\bany\s+time\s+of\s+(?:the\s+)?day\s+or\s+night\b|\b365\s+days\s+(?:a|per)\s+year\b)",
    re.I,
)
_CLOCK_LIKE = re.compile(r"^\d{1,2}[:.]\d{2}$")


# For each kind, lower-cased strings one of which occurs in every match of its pattern (see the
# patterns above; tests/test_facts.py checks it on every training clause). A text holding none of
# them cannot contain that kind, and its pattern is not run.
_NEEDS = {
    DURATION: ("sec", "min", "hour", "hr", "day", "week", "month", "year"),
    PERCENTAGE: ("%", "cent"),
    MONEY: ("$", "\u00a3", "\u20ac", "usd", "gbp", "eur", "aud", "cad", "dollars", "pounds"),
    FREQUENCY: ("daily", "day", "week", "fortnight", "month", "quarter", "annual", "year"),
    PRIORITY: ("priority", "sev", "level", "impact", "p1", "p2", "p3", "p4", "p5", "s1", "s2", "s3", "s4"),
    COVERAGE: tuple("0123456789") + ("clock", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "weekdays", "night"),
}


def _wanted(kind: str, kinds: tuple[str, ...], low: Optional[str]) -> bool:
    """Whether to look for ``kind``: asked for, and (in ASCII text, where lower-casing equals the
    patterns' case-insensitive matching) one of the strings its every match needs is there."""
    return kind in kinds and (low is None or any(need in low for need in _NEEDS[kind]))


def find_facts(text: str, kinds: tuple[str, ...] = FACT_KINDS) -> list[Fact]:
    facts: list[Fact] = []
    low = text.lower() if text.isascii() else None
    if _wanted(DURATION, kinds, low):
        facts.extend(_durations(text))
    if _wanted(PERCENTAGE, kinds, low):
        for m in _PERCENT.finditer(text):
            value = m.group("num") or m.group("paren")
            facts.append(Fact(PERCENTAGE, m.group(0), m.start(), m.end(), _float(value)))
    if _wanted(MONEY, kinds, low):
        for m in _MONEY.finditer(text):
            num = m.group("num") or m.group("num2")
            cur = (m.group("cur") or m.group("cur2") or "").strip()
            value = _float(num)
            if value is not None and m.group("mult"):
                value *= _MULTIPLIERS[m.group("mult").strip().lower()]
            facts.append(Fact(MONEY, m.group(0).strip(), m.start(), m.end(), value, _currency(cur)))
    if _wanted(FREQUENCY, kinds, low):
        for m in _FREQUENCY.finditer(text):
            facts.append(Fact(FREQUENCY, m.group(0), m.start(), m.end(), qualifier=_period(m.group(0))))
    if _wanted(PRIORITY, kinds, low):
        for m in _PRIORITY.finditer(text):
            facts.append(Fact(PRIORITY, m.group(0), m.start(), m.end(), qualifier=normalise_priority(m.group(0))))
    if _wanted(COVERAGE, kinds, low):
        for m in _COVERAGE.finditer(text):
            if _CLOCK_LIKE.match(m.group(0).strip()):
                continue
            facts.append(Fact(COVERAGE, m.group(0), m.start(), m.end()))
    facts.sort(key=lambda f: (f.start, -f.end))
    return facts


_COVERAGE_TAIL = re.compile(r"\s*(?:a|per|each|every)\s+(?:day|week)\b", re.I)


def _durations(text: str):
    for m in _DURATION.finditer(text):
        if _COVERAGE_TAIL.match(text, m.end()):
            continue  # "24 hours a day" is coverage, not a time limit
        if m.group("nbd"):
            yield Fact(DURATION, m.group(0), m.start(), m.end(), 1440.0, "minutes", "business")
            continue
        if m.group("within"):
            yield Fact(DURATION, m.group(0), m.start(), m.end(), 60.0, "minutes", None)
            continue
        number = _number(m.group("num"))
        if number is None:
            continue
        unit = m.group("unit").lower().rstrip("s")
        unit = {"sec": "second", "min": "minute", "hr": "hour"}.get(unit, unit)
        qualifier = (m.group("qual") or "").lower() or None
        if qualifier in ("normal", "support", "service", "office"):
            qualifier = "business"
        minutes = number * _UNITS[unit]
        yield Fact(DURATION, m.group(0), m.start(), m.end(), minutes, "minutes", qualifier)


def _number(raw: str) -> Optional[float]:
    raw = raw.strip()
    paren = re.search(r"\((\s*\d+(?:\.\d+)?)\s*\)", raw)
    if paren:
        return float(paren.group(1))
    word = raw.lower()
    if word in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[word])
    return _float(raw)


def _float(raw: Optional[str]) -> Optional[float]:
    if raw is None:
        return None
    try:
        return float(raw.replace(",", ""))
    except ValueError:
        return None


def _currency(symbol: str) -> str:
    s = symbol.upper().replace("$", "$")
    return {"$": "USD", "US$": "USD", "£": "GBP", "€": "EUR", "A$": "AUD", "C$": "CAD", "DOLLARS": "USD",
            "POUNDS": "GBP", "EUROS": "EUR"}.get(s, s)


_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_SPAN_DAYS = {"day": 1, "week": 7, "month": 30.44, "quarter": 91.3, "year": 365.25}
_NAMED_PERIODS = (("day", 1), ("week", 7), ("fortnight", 14), ("month", 31), ("two months", 62), ("quarter", 92),
                  ("year", 366))
_EVERY_N = re.compile(r"every\s+(?:(?P<other>other)|(?P<n>\d{1,3}|two|three|four|six|twelve))\s+(?:calendar\s+)?"
                      r"(?P<unit>day|week|month|quarter|year)s?\b")


def _period(text: str) -> str:
    t = text.lower()
    every = _EVERY_N.search(t)
    if every:  # "every 3 months" is quarterly, not monthly: name the shortest period the span fits in
        n = 2 if every.group("other") else int(every.group("n")) if every.group("n").isdigit() \
            else _WORD_NUMBERS[every.group("n")]
        days = n * _SPAN_DAYS[every.group("unit")]
        return next((name for name, limit in _NAMED_PERIODS if days <= limit), "year")
    for key, period in (("week", "week"), ("fortnight", "fortnight"), ("quarter", "quarter"), ("month", "month"),
                        ("annual", "year"), ("year", "year"), ("dai", "day"), ("day", "day")):
        if key in t:
            if "bi" in t and key in ("week", "month"):
                return "fortnight" if key == "week" else "two months"
            return period
    return t


def normalise_priority(text: str) -> str:
    """'Priority 1', 'P1', 'Sev-1' and 'Severity One' all name level 1."""
    t = text.lower().replace("–", "-")
    m = re.search(r"(?:^p|^s|\b(?:priority|severity|sev|level)\s*(?:level\s*)?-?\s*)([1-5]|one|two|three|four|five|i{1,3}|iv)\b", t)
    if m:
        token = m.group(1)
        roman = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
        value = int(token) if token.isdigit() else roman.get(token) or _WORD_NUMBERS.get(token)
        return f"P{value}"
    for name in ("critical", "urgent", "emergency", "high", "major", "medium", "moderate", "normal", "minor", "low"):
        if name in t:
            return name.capitalize()
    return text


def downtime_allowed(percent: float, period: str = "month") -> dict:
    """What an availability percentage allows in downtime, per month and per year (and the contract's period)."""
    minutes = {"day": 1440, "week": 10080, "month": 43830 / 1, "quarter": 131490, "year": 525960}
    out = {}
    for name in ("month", "year"):
        out[name] = round((1 - percent / 100) * minutes[name], 1)
    if period not in out and period in minutes:
        out[period] = round((1 - percent / 100) * minutes[period], 1)
    return out


def format_minutes(minutes: float) -> str:
    """A duration for people: "30 seconds", "43.8 minutes", "1 hour", "3.7 hours", "5 days"."""
    if minutes < 1:
        value, unit = round(minutes * 60), "second"
    elif minutes < 60:
        value, unit = round(minutes, 1), "minute"
    elif minutes < 2 * 1440:
        value, unit = round(minutes / 60, 1), "hour"
    else:
        value, unit = round(minutes / 1440, 1), "day"
    if value == int(value):
        value = int(value)
    return f"{value} {unit}{'' if value == 1 else 's'}"
