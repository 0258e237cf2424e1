"""Extraction: one function per format behind one dispatcher that decides by content, not by file name."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from reviewer.errors import (CorruptDocument, EmptyDocument, EncryptedDocument, ReviewError, TooLarge,
                             UnsupportedFormat)
from reviewer.model import Document


@dataclass(frozen=True)
class Limits:
    """What one file may cost. Contract files are untrusted input."""

    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 2000


_MARKDOWN_HINTS = re.compile(r"^(?:#{1,6}\s|\s*\|.*\|\s*$|\s*[-*]\s)|\]\(|^\s*\d+\.\s+#", re.M)


def sniff(raw: bytes) -> str:
    """The format of a file from its first bytes: pdf, docx (zip), ole, text or binary."""
    head = raw[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"
    sample = raw[:8192]
    if b"\x00" in sample:
        return "binary"
    if sample.lstrip()[:1] in (b"<",) and re.search(rb"(?i)<(html|!doctype|\?xml)", sample[:200]):
        return "html"
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return "binary" if sample and control / len(sample) > 0.02 else "text"


def extract(path: Path | str, limits: Limits = Limits()) -> Document:
    """Read a contract file into the document model, or raise a ReviewError naming the file and cause."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise TooLarge(path, f"{size / 2**20:.1f} MiB, limit {limits.max_bytes / 2**20:.1f} MiB")
        raw = path.read_bytes()
    except ReviewError:
        raise
    except IsADirectoryError:
        raise UnsupportedFormat(path, "a folder, not a file") from None
    except OSError as exc:
        raise ReviewError(path, exc.strerror or str(exc)) from None
    kind = sniff(raw)
    if kind == "pdf":
        from reviewer.extract.pdf import extract_pdf
        doc = extract_pdf(path, max_pages=limits.max_pages)
    elif kind == "zip":
        from reviewer.extract.docx import extract_docx
        doc = extract_docx(path, raw)
    elif kind == "ole":
        if "EncryptedPackage".encode("utf-16-le") in raw:
            raise EncryptedDocument(path)
        raise UnsupportedFormat(path, "a legacy binary Office file; save it as .docx")
    elif kind == "text":
        from reviewer.extract.text import extract_text_file
        text_head = raw[:65536].decode("utf-8", errors="replace")
        markdown = path.suffix.lower() in (".md", ".markdown") or len(_MARKDOWN_HINTS.findall(text_head)) >= 3
        doc = extract_text_file(path, raw, markdown=markdown)
    elif kind == "html":
        raise UnsupportedFormat(path, "an HTML page; save it as text or Markdown, or print it to PDF")
    else:
        raise UnsupportedFormat(path, "binary data of an unknown kind")
    if not doc.text.strip():
        raise EmptyDocument(path)
    doc.sha256 = hashlib.sha256(raw).hexdigest()
    return doc


__all__ = ["extract", "sniff", "Limits", "CorruptDocument"]
