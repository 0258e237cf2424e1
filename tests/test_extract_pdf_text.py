"""Fast paths in pdf_text give exactly what the full rules give."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import reviewer.extract.pdf_text as pdf_text
from reviewer.extract.pdf_text import clean, leading_number

ROOT = Path(__file__).resolve().parent.parent


def _texts() -> list[str]:
    """Every line of every training clause and heading, plus starts that almost number."""
    out = []
    for f in sorted((ROOT / "training" / "clauses").glob("*.jsonl")):
        for row in f.read_text(encoding="utf-8").splitlines():
            rec = json.loads(row)
            for field in ("text", "heading"):
                if rec.get(field):
                    out.extend(rec[field].splitlines())
                    out.extend(w for w in rec[field].split(". ")[:3])
    out += ["1.", "1.2", "1.0 Scope", "(a) x", "iv) x", "A.1 Scope", "B. Terms", "Schedule 2",
            "SCHEDULE 2 - Fees", "Annexure A", "annexure 1", "Part IV", "clause 7.1 Fees",
            "x. y", "abcdef. g", "a) b", "(iv)", "\u0661. Arabic digit", "\u212a", "Ss. 3",
            "\u017fection 4 Term", "Article\u00a0IV Term", "12) Scope", "123. Big", "e.g. this",
            "", " ", "-", "\u2022 bullet", "ii. Second", "IIII. four", "vi) six"]
    return out


def _every_rule(text: str):
    """leading_number without its shortcuts: all seven rules in order."""
    for pattern, reading in pdf_text._NUMBER_RULES:
        m = pattern.match(text)
        if m:
            return reading(m)
    return None


def _key(n):
    return None if n is None else (n.number, n.kind, n.depth)


def test_leading_number_shortcuts_are_exact():
    """The prefilter and the first-character dispatch against all seven rules in order."""
    texts = _texts()
    full = [_key(_every_rule(t)) for t in texts]
    assert [_key(leading_number(t)) for t in texts] == full
    assert sum(n is not None for n in full) > 100


def _first_chars(pattern: re.Pattern) -> set[str]:
    """Every character a match of ``pattern`` can start with, read off its parse tree.

    The tree's first character-consuming elements (through groups, alternatives, optional
    repeats, anchors and lookaheads) are compiled alone, with the flags in force there,
    and tried on every code point.
    """
    from re import _compiler, _parser

    c = _parser  # opcodes
    items: list[tuple] = []  # (element, flags)

    def walk(seq, flags) -> bool:
        """Collect the first elements of ``seq``; True if it can match nothing."""
        for op, av in seq:
            if op in (c.LITERAL, c.NOT_LITERAL, c.IN, c.ANY):
                items.append(((op, av), flags))
                return False
            if op is c.SUBPATTERN:
                _group, add, drop, sub = av
                if not walk(sub, (flags | add) & ~drop):
                    return False
            elif op is c.BRANCH:
                if not any([walk(alt, flags) for alt in av[1]]):
                    return False
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                lo, _hi, sub = av
                if not walk(sub, flags) and lo > 0:
                    return False
            elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
                continue  # zero width (a lookahead only narrows what follows)
            else:
                raise AssertionError(f"{pattern.pattern!r}: {op} not handled")
        return True

    parsed = _parser.parse(pattern.pattern, pattern.flags)
    assert not walk(parsed, parsed.state.flags), f"{pattern.pattern!r} can match nothing"
    every = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i < 0xE000)
    out: set[str] = set()
    for element, flags in items:
        one = _parser.SubPattern(_parser.State(), [element])
        one.state.flags = flags
        out.update(_compiler.compile(one, flags).findall(every))
    return out


def test_prefilter_admits_every_first_character_of_every_rule():
    """_MAYBE_NUMBER and the _BY_DIGIT/_BY_PAREN/_BY_OTHER groups restate what the seven
    rules can start with: no character a rule can start with is turned away, and the
    group picked for it (as leading_number picks) holds that rule."""
    maybe = _first_chars(pdf_text._MAYBE_NUMBER)
    starts = {}
    for rule in pdf_text._NUMBER_RULES:
        first = starts[rule[0].pattern] = _first_chars(rule[0])
        assert first and first <= maybe, sorted(first - maybe)
        for ch in first:
            group = pdf_text._BY_DIGIT if ch.isdecimal() else \
                pdf_text._BY_PAREN if ch == "(" else pdf_text._BY_OTHER
            assert rule in group, (rule[0].pattern, ch)
    # the derivation sees Unicode: digits of other scripts, case-folded keyword letters
    assert "\u0661" in starts[pdf_text._SIMPLE.pattern]
    assert "\u017f" in starts[pdf_text._KEYWORD_RE.pattern]  # long s folds to "s"
    # and whole lines: every such first character before continuations of every rule
    tails = ["", " ", ". Scope", ") Scope", ".1 Scope", ".1.2. Scope", "1 Scope", "2) x",
             "a) x", "v) x", "ii. x", "i. x", "a. x", "A. x", "4.5 Scope", "viii. x", "viii) x",
             "lxvi. x", "IVII. x"]
    tails += [k[1:] + s for k in pdf_text._KEYWORDS for s in (" 2 Fees", " IV. Term", "  A")]
    texts = [ch + tail for ch in sorted(set().union(*starts.values())) for tail in tails]
    full = [_key(_every_rule(t)) for t in texts]
    assert [_key(leading_number(t)) for t in texts] == full
    assert sum(n is not None for n in full) > 1000


def test_clean_ascii_fast_path_is_exact():
    texts = _texts() + ["a  b", "  a\tb ", "x\x7fy", "tab\there", "\x02end", "a \u00a0 b", "ﬁne"]

    def slow(text: str) -> str:
        text = text.translate(pdf_text._TRANS)
        if "\u019f" in text:
            text = pdf_text._OBAR_TI.sub("ti", text)
        text = pdf_text._PUA_BULLET.sub("\u2022", text.strip())
        return pdf_text._SPACES.sub(" ", text)

    assert [clean(t) for t in texts] == [slow(t) for t in texts]
