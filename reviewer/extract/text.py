"""Plain text and Markdown: many SLAs are published as web pages."""
from __future__ import annotations

import html
import re
from pathlib import Path

from reviewer.extract.numbering import leading_number
from reviewer.model import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Document, DocumentBuilder

_FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.S)
_LINK_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$")
_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_ORDERED = re.compile(r"^(\s*)(\d{1,4})[.)]\s+(.*)$")
_BULLET = re.compile(r"^(\s*)[-*+•]\s+(.*)$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HTML_ELEMENTS = ("a|abbr|article|b|big|blockquote|body|br|caption|center|cite|code|col|colgroup|dd|del|details|div|dl|"
                  "dt|em|figcaption|figure|font|footer|h[1-6]|head|header|hr|html|i|img|ins|kbd|label|li|mark|nav|ol|"
                  "p|pre|q|s|section|small|span|strike|strong|sub|summary|sup|table|tbody|td|tfoot|th|thead|time|tr|"
                  "tt|u|ul|var")
# Only real HTML tags: "fees < 5% and > 2%" and "<support@x.example>" are text, not markup.
_HTML_TAG = re.compile(rf"</?(?:{_HTML_ELEMENTS})(?:\s[^<>\n]{{0,400}})?\s*/?>", re.I)
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\[[^\]]*\])")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`|(?<!\w)_)(?=\S)(.+?)(?<=\S)\1(?!\w)")
_BREAK_TAG = re.compile(r"<(?:br|/p|/li|/div|/tr)\s*/?>", re.I)
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_THEMATIC_BREAK = re.compile(r"^\s{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")


def extract_text_file(path: Path, raw: bytes, *, markdown: bool) -> Document:
    text = _decode(raw)
    if markdown:
        return parse_markdown(text, str(path))
    return parse_plain_text(text, str(path))


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return raw.decode("cp1252", errors="replace")


def clean_inline(text: str) -> str:
    """Markdown/HTML inline markup to the words a reader sees."""
    text = _HTML_TAG.sub("", _BREAK_TAG.sub(" ", _AUTOLINK.sub(r"\1", text)))
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    for _ in range(2):
        text = _EMPHASIS.sub(r"\2", text)
    text = text.replace("\\", "") if "\\" in text else text
    return " ".join(html.unescape(text).split())


class _ListStack:
    """Tracks nested ordered lists so "1." under "3." reads as clause 3.1."""

    def __init__(self):
        self.levels: list[tuple[int, int, bool]] = []  # (indent, counter, ordered)

    def push_item(self, indent: int, ordered: bool, start: int) -> tuple[int, str | None]:
        while self.levels and self.levels[-1][0] > indent:
            self.levels.pop()
        if self.levels and self.levels[-1][0] == indent:
            _, counter, was_ordered = self.levels.pop()
            counter = counter + 1 if was_ordered == ordered else start
        else:
            counter = start
        self.levels.append((indent, counter, ordered))
        depth = len(self.levels) - 1
        if not ordered:
            return depth, None
        nums = [str(c) for _, c, o in self.levels if o]
        return depth, ".".join(nums)

    def reset(self):
        self.levels.clear()

    def content_indent(self) -> int:
        return self.levels[-1][0] + 2 if self.levels else 0


def parse_markdown(text: str, source: str) -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _HTML_COMMENT.sub("", _FRONT_MATTER.sub("", text, count=1))
    builder = DocumentBuilder(source, "markdown")
    lists = _ListStack()
    lines = text.split("\n")
    pending: list[str] = []
    pending_meta: dict = {}
    in_fence = False

    def flush():
        nonlocal pending, pending_meta
        if pending:
            body = clean_inline(" ".join(pending))
            kind = pending_meta.get("kind", PARAGRAPH)
            number = pending_meta.get("number")
            if kind == PARAGRAPH and number is None:
                number = leading_number(body)
            builder.add(kind, body, level=pending_meta.get("level"), number=number)
        pending, pending_meta = [], {}

    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("```") or stripped.startswith("~~~"):
            flush()
            in_fence = not in_fence
            i += 1
            continue
        if in_fence:
            pending.append(stripped)
            pending_meta.setdefault("kind", PARAGRAPH)
            i += 1
            continue
        if not stripped:
            flush()
            i += 1
            continue
        if _LINK_DEF.match(line):
            i += 1
            continue
        if "|" in stripped and i + 1 < len(lines) and _TABLE_SEP.match(lines[i + 1]) and "-" in lines[i + 1]:
            flush()
            rows = [_split_row(stripped)]
            i += 2
            while i < len(lines) and "|" in lines[i] and lines[i].strip():
                rows.append(_split_row(lines[i].strip()))
                i += 1
            builder.add(TABLE, "", rows=[[clean_inline(c) for c in r] for r in rows])
            continue
        m = _ATX.match(line)
        if m:
            flush()
            lists.reset()
            title = clean_inline(m.group(2))
            builder.add(HEADING, title, level=len(m.group(1)), number=leading_number(title))
            i += 1
            continue
        if pending and _SETEXT.match(line) and pending_meta.get("kind", PARAGRAPH) == PARAGRAPH:
            title = clean_inline(" ".join(pending))
            pending = []
            builder.add(HEADING, title, level=1 if line.strip()[0] == "=" else 2, number=leading_number(title))
            pending_meta = {}
            i += 1
            continue
        if _THEMATIC_BREAK.match(line):  # "---", "***", "* * *": a rule between sections, not text
            flush()
            i += 1
            continue
        m_ord, m_bul = _ORDERED.match(line), _BULLET.match(line)
        if m_ord or m_bul:
            flush()
            m = m_ord or m_bul
            indent = len(m.group(1).expandtabs(4))
            depth, number = lists.push_item(indent, bool(m_ord), int(m_ord.group(2)) if m_ord else 1)
            content = m.group(3) if m_ord else m.group(2)
            h = _ATX.match(content)
            if h:
                title = clean_inline(h.group(2))
                builder.add(HEADING, title, level=len(h.group(1)), number=number or leading_number(title))
            else:
                pending = [content.strip()]
                pending_meta = {"kind": LIST_ITEM, "level": depth, "number": number}
            i += 1
            continue
        indent = len(line) - len(line.lstrip(" \t"))
        if lists.levels and indent == 0 and not pending:
            lists.reset()
        if not pending:
            pending_meta = {"kind": PARAGRAPH}
        pending.append(stripped)
        i += 1
    flush()
    return builder.build()


def _split_row(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|"):
        line = line[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", line)]


_PAGE_LINE = re.compile(r"^\s*(?:page\s+\d+(?:\s+of\s+\d+)?|-\s*\d+\s*-|\d+\s*/\s*\d+)\s*$", re.I)


def parse_plain_text(text: str, source: str) -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    builder = DocumentBuilder(source, "text")
    for para in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in para.split("\n") if ln.strip() and not _PAGE_LINE.match(ln)]
        if not lines:
            continue
        if all(" | " in ln or ln.startswith("|") for ln in lines) and len(lines) > 1:
            builder.add(TABLE, "", rows=[_split_row(ln) for ln in lines if not _TABLE_SEP.match(ln)])
            continue
        for chunk in _split_numbered(lines):
            body = " ".join(chunk)
            number = leading_number(body)
            if _looks_like_heading(body):
                builder.add(HEADING, body, level=_level_of(number), number=number)
            else:
                builder.add(LIST_ITEM if number and number.startswith("(") else PARAGRAPH, body, number=number)
    return builder.build()


def _split_numbered(lines: list[str]) -> list[list[str]]:
    """A new line that starts with a clause number or bullet starts a new block."""
    chunks: list[list[str]] = []
    for ln in lines:
        if not chunks or leading_number(ln) or ln[:1] in "•-*" or _looks_like_heading(chunks[-1][-1]):
            chunks.append([ln.lstrip("•*- ") if ln[:1] in "•*" else ln])
        else:
            chunks[-1].append(ln)
    return chunks


def _looks_like_heading(line: str) -> bool:
    words = line.split()
    if not words or len(line) > 90 or line.rstrip().endswith((".", ";", ",", ":")) and not line.isupper():
        return False
    body = " ".join(words[1:]) if leading_number(line) else line
    letters = [c for c in body if c.isalpha()]
    if not letters:
        return False
    if body.isupper() and len(letters) > 2:
        return True
    return len(words) <= 8 and all(w[:1].isupper() or w.lower() in {"and", "of", "the", "for", "to", "in", "a", "on", "&", "-", "–"} for w in body.split())


def _level_of(number: str | None) -> int:
    if not number or not number[0].isdigit():
        return 1
    return number.count(".") + 1
