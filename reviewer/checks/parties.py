"""Who the contract is between: a small, general extractor for the parties in the opening clauses.

It reads only the first clauses (the title block and the parties' paragraphs) and knows three
common ways of naming the parties:

- a party paragraph: ``(1) ACME LIMITED, a company registered in ... (the "Supplier"); and``
- an inline definition: ``Acme Ltd (the "Supplier")`` / ``Acme Ltd ("Acme")``
- a between clause: ``This Agreement is made between Acme Ltd and Beta plc.``

It returns what it finds, in order, and an empty list when it is unsure; it never guesses from
the body of the contract.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

MAX_CLAUSES = 15
MAX_CHARS = 6000
MAX_PARTIES = 4

_Q_OPEN = "\"\u201c\u2018'"
_Q_CLOSE = "\"\u201d\u2019'"
# the first defined term in a parenthesis: (the "Supplier"), ("BrightCloud", "we" or "us"), (each a "Party") is skipped
_ROLE = re.compile(rf"\(\s*(?:the\s+|hereinafter\s+(?:called\s+|referred\s+to\s+as\s+)?(?:the\s+)?)?[{_Q_OPEN}]"
                   rf"(?P<role>[^{_Q_CLOSE}()]{{2,40}})[{_Q_CLOSE}]", re.I)
_NUMBERING = re.compile(r"^\s*(?:\(\s*(?:\d{1,2}|[a-z]|[ivx]{1,4})\s*\)|\d{1,2}[.)]|[a-z][.)])\s+", re.I)
# where a party's name ends in its own paragraph: ", a company", ", an Ohio corporation", " (", ", whose", ...
_NAME_END = re.compile(r",\s*(?:a|an|the)\s|\s*\(|,\s*(?:whose|of|with|having|incorporated|registered|"
                       r"organi[sz]ed|located|acting|trading)\b|;|:", re.I)
_INLINE = re.compile(rf"(?P<name>(?:[A-Z0-9][\w&.,'\u2019-]*\s+){{0,7}}?[A-Z0-9][\w&.'\u2019-]*"
                     rf"(?:,?\s+(?i:Inc|Ltd|LLC|LLP|L\.?P|plc|GmbH|S\.?A|B\.?V|N\.?V|AG|Pty\s+Ltd|Limited|Corp)\.?)?)"
                     rf"\s*\((?:the\s+)?[{_Q_OPEN}](?P<role>[^{_Q_CLOSE}()]{{2,40}})[{_Q_CLOSE}]")
_BETWEEN = re.compile(r"\bbetween\s+(?P<a>[A-Z][^;:()]{1,120}?)\s+and\s+(?P<b>[A-Z][^;:()]{1,120}?)\s*(?:[.;:(]|$|,\s)")
_ENTITY_WORDS = re.compile(r"\b(?:Inc|Ltd|LLC|LLP|L\.?P|plc|GmbH|AG|Limited|Corporation|Corp|Company|Co|"
                           r"Holdings|Group|Partners|S\.?A|B\.?V|N\.?V|Pty)\b\.?", re.I)
# defined terms that are about the document, not a party
_NOT_PARTY = {"agreement", "sla", "msa", "schedule", "effective date", "order form", "services", "contract",
              "terms", "schedule effective date", "commencement date", "service levels", "documentation"}
_PRONOUNS = {"we", "us", "our", "you", "your"}


@dataclass(frozen=True)
class Party:
    name: str
    role: Optional[str]
    clause: Optional[str]

    def to_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "clause": self.clause}


def find_parties(clauses: Iterable) -> list[Party]:
    """The parties named in the opening clauses; `clauses` are clause dicts or objects with `id` and `text`."""
    opening = []
    used = 0
    for i, clause in enumerate(clauses):
        if i >= MAX_CLAUSES or used >= MAX_CHARS:
            break
        cid, text = _get(clause, "id"), _get(clause, "text") or ""
        opening.append((cid, text))
        used += len(text)

    parties: list[Party] = []
    for cid, text in opening:
        party = _party_paragraph(cid, text)
        if party:
            _add(parties, party)
    if len(parties) < 2:
        for cid, text in opening:
            for m in _INLINE.finditer(text):
                name = _clean(m.group("name"))
                if _plausible(name, m.group("role")):
                    _add(parties, Party(name, _clean(m.group("role")), cid))
    if len(parties) < 2:
        for cid, text in opening:
            m = _BETWEEN.search(text)
            if not m:
                continue
            found = [_clean(m.group(k)) for k in ("a", "b")]
            if all(_looks_like_entity(n) for n in found):
                for name in found:
                    _add(parties, Party(name, None, cid))
                break
    return parties[:MAX_PARTIES]


def _party_paragraph(cid, text: str) -> Optional[Party]:
    """`(1) ACME LIMITED, a company ... (the "Supplier")`: a numbered paragraph that starts with a name."""
    if not _NUMBERING.match(text):
        return None
    body = _NUMBERING.sub("", text, count=1)
    role = _ROLE.search(body)
    end = _NAME_END.search(body)
    if not role or not end or end.start() == 0:
        return None
    name = _clean(body[:end.start()])
    # "ACME SOFTWARE, INC., a Delaware corporation": the suffix after the first comma belongs to the name
    if not _plausible(name, role.group("role")):
        return None
    return Party(name, _clean(role.group("role")), cid)


def _plausible(name: str, role: str) -> bool:
    role = role.strip().lower()
    if not name or role in _NOT_PARTY or role in _PRONOUNS or len(name) > 100:
        return False
    words = name.split()
    if not words or len(words) > 10 or not name[0].isupper() and not name[0].isdigit():
        return False
    # a name is mostly capitalised words: "Northwind Managed IT Ltd", "CALDWELL & PRYCE ARCHITECTS LLP"
    caps = sum(1 for w in words if w[0].isupper() or w[0].isdigit() or w in ("&", "and", "of", "de", "the"))
    return caps >= max(1, len(words) - 1) and name.lower() not in _NOT_PARTY


def _looks_like_entity(name: str) -> bool:
    return bool(name) and len(name.split()) <= 10 and (bool(_ENTITY_WORDS.search(name)) or name.isupper())


def _add(parties: list[Party], party: Party) -> None:
    key = party.name.lower()
    role = (party.role or "").lower()
    if any(p.name.lower() == key or (role and (p.role or "").lower() == role) for p in parties):
        return
    parties.append(party)


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text or "").strip(" ,;:\u00a0")
    return text.strip(_Q_OPEN + _Q_CLOSE + " ")


def _get(clause, key):
    return clause.get(key) if isinstance(clause, dict) else getattr(clause, key, None)
