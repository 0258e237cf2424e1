"""Clause numbers as contracts print them: "5.2", "(b)", "C.3.1", "Article IV", "Schedule 2"."""
from __future__ import annotations

import re
from typing import Optional

_ROMAN = r"(?:[ivxlcdm]+|[IVXLCDM]+)"
_NAMED = re.compile(
    r"^(?P<num>(?:Article|ARTICLE|Section|SECTION|Clause|CLAUSE|Schedule|SCHEDULE|Exhibit|EXHIBIT|"
    r"Annex|ANNEX|Appendix|APPENDIX|Attachment|ATTACHMENT|Part|PART)\s+(?:\d+(?:\.\d+)*|[A-Z]\b|" + _ROMAN + r"\b))"
)
_DOTTED = re.compile(r"^(?P<num>(?:[A-Z]\.)?\d{1,3}(?:\.\d{1,3}){0,5})(?:\.|\))?(?=\s|$)")
_PAREN = re.compile(r"^(?P<num>\((?:\d{1,3}|[a-z]{1,2}|[A-Z]|" + _ROMAN + r")\))(?=\s|$)")
_LETTER = re.compile(r"^(?P<num>(?:[a-z]|[A-Z]|" + _ROMAN + r")[.)])(?=\s)")


def leading_number(text: str) -> Optional[str]:
    """The clause number a line starts with, as printed (without a trailing dot), or None."""
    text = text.lstrip()
    for pattern in (_NAMED, _DOTTED, _PAREN, _LETTER):
        m = pattern.match(text)
        if m:
            num = m.group("num")
            if pattern is _DOTTED and _looks_like_quantity(text, m.end()):
                return None
            if pattern is _PAREN:
                return num
            return num.rstrip(".)")
    return None


def _looks_like_quantity(text: str, end: int) -> bool:
    """'99.9% uptime' or '24 hours' start with a number but are not clause numbers."""
    rest = text[end:end + 12].lstrip().lower()
    head = text[:end]
    if rest.startswith(("%", "percent", "per cent", "hour", "minute", "day", "business", "working", "x ", "month",
                        "year", "week", "second", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                        "oct", "nov", "dec")):
        return True
    return "." not in head and not head.endswith(")") and len(head) > 3


def strip_number(text: str, number: Optional[str]) -> str:
    """The text after its leading clause number."""
    if not number:
        return text
    stripped = text.lstrip()
    if stripped.startswith(number):
        rest = stripped[len(number):]
        return rest.lstrip(".) \t")
    return text
