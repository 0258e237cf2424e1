"""Terminal renderings for people: the extracted document, and (later) the review summary."""
from __future__ import annotations

from reviewer.model import HEADING, TABLE, Document


def render_document(doc: Document) -> str:
    lines = [f"# {doc.source}  ({doc.format}, {doc.pages if doc.pages is not None else 'no'} pages, "
             f"{len(doc.blocks)} blocks)"]
    for note in doc.notes:
        lines.append(f"# note: {note}")
    page = None
    for block in doc.blocks:
        if block.page is not None and block.page != page:
            page = block.page
            lines.append(f"\n--- page {page} ---")
        if block.kind == HEADING:
            lines.append("\n" + "#" * min(block.level or 1, 6) + " " + block.text)
        elif block.kind == TABLE:
            lines.append("[table]")
            for row in block.rows or []:
                lines.append("  | " + " | ".join(c.text for c in row) + " |")
        else:
            indent = "  " * (block.level or 0)
            lines.append(f"{indent}{block.text}")
    return "\n".join(lines)
