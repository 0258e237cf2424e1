"""Markdown and plain-text extraction: structure, clause numbers, tables and character spans."""
from __future__ import annotations

import pytest

from reviewer.extract import extract
from reviewer.extract.text import parse_markdown, parse_plain_text
from reviewer.model import HEADING, LIST_ITEM, PARAGRAPH, TABLE


def assert_spans(doc):
    """Every block, and every table cell, is the exact slice of Document.text its offsets name."""
    previous_end = -1
    for b in doc.blocks:
        assert doc.text[b.start:b.end] == b.text, (b.kind, b.text)
        assert b.start > previous_end, "blocks overlap or are out of order"
        previous_end = b.end
        for row in b.rows or []:
            for cell in row:
                assert doc.text[cell.start:cell.end] == cell.text, cell
                assert b.start <= cell.start <= cell.end <= b.end


def kinds(doc):
    return [(b.kind, b.text) for b in doc.blocks]


def by_text(doc, text):
    matches = [b for b in doc.blocks if b.text == text]
    assert len(matches) == 1, f"{text!r} not found once in {kinds(doc)}"
    return matches[0]


# --------------------------------------------------------------------------------------------- Markdown

MARKDOWN = """\
---
title: Managed Support Agreement
customer: Secret Front Matter Ltd
---

# Managed Support Agreement

This Agreement is made between **Northwind Ltd** and <em>Caldwell LLP</em>. See the
[support portal](https://portal.example.com/help) for details.

Service Levels
==============

Response Times
--------------

## 3. Services

1. Service desk
2. Monitoring
3. Patch management
   1. Operating systems
   2. Applications
      1. Microsoft 365
4. Backups

- on-site visits
- remote support
  * out-of-hours callouts

| Priority | Response | Resolution |
| --- | :---: | ---: |
| **P1** | [15 minutes](#sla) | 4 hours |
| P2 | 1 hour | 8 hours |

<!-- drafting note: check with legal -->
Final paragraph.
"""


@pytest.fixture(scope="module")
def md_doc():
    return parse_markdown(MARKDOWN, "agreement.md")


def test_markdown_front_matter_is_skipped(md_doc):
    assert "Secret Front Matter" not in md_doc.text
    assert "title:" not in md_doc.text
    assert md_doc.blocks[0].kind == HEADING and md_doc.blocks[0].text == "Managed Support Agreement"


def test_markdown_atx_and_setext_headings_with_levels(md_doc):
    headings = [(b.text, b.level) for b in md_doc.blocks if b.kind == HEADING]
    assert headings == [("Managed Support Agreement", 1), ("Service Levels", 1), ("Response Times", 2),
                        ("3. Services", 2)]
    assert by_text(md_doc, "3. Services").number == "3"


def test_markdown_nested_ordered_lists_numbered_from_nesting(md_doc):
    items = [(b.text, b.number, b.level) for b in md_doc.blocks if b.kind == LIST_ITEM]
    assert items[:7] == [
        ("Service desk", "1", 0), ("Monitoring", "2", 0), ("Patch management", "3", 0),
        ("Operating systems", "3.1", 1), ("Applications", "3.2", 1), ("Microsoft 365", "3.2.1", 2),
        ("Backups", "4", 0),
    ]


def test_markdown_bullets_are_unnumbered_list_items(md_doc):
    items = [(b.text, b.number, b.level) for b in md_doc.blocks if b.kind == LIST_ITEM]
    assert items[7:] == [("on-site visits", None, 0), ("remote support", None, 0),
                         ("out-of-hours callouts", None, 1)]


def test_markdown_table_is_one_table_block_with_cells(md_doc):
    tables = [b for b in md_doc.blocks if b.kind == TABLE]
    assert len(tables) == 1
    rows = [[c.text for c in row] for row in tables[0].rows]
    assert rows == [["Priority", "Response", "Resolution"], ["P1", "15 minutes", "4 hours"],
                    ["P2", "1 hour", "8 hours"]]
    assert "---" not in tables[0].text and "**" not in tables[0].text


def test_markdown_html_tags_and_comments_stripped_link_text_kept(md_doc):
    para = md_doc.blocks[1]
    assert para.kind == PARAGRAPH
    assert para.text == ("This Agreement is made between Northwind Ltd and Caldwell LLP. "
                         "See the support portal for details.")
    assert "https://portal.example.com" not in md_doc.text
    assert "drafting note" not in md_doc.text
    assert md_doc.blocks[-1].text == "Final paragraph."


def test_markdown_spans_match_document_text(md_doc):
    assert md_doc.format == "markdown"
    assert_spans(md_doc)


@pytest.mark.parametrize("rule", ["---", "***", "___", "* * *", "- - -"])
def test_markdown_thematic_break_is_not_text(rule):
    doc = parse_markdown(f"First clause.\n\n{rule}\n\nSecond clause.\n", "x.md")
    assert kinds(doc) == [(PARAGRAPH, "First clause."), (PARAGRAPH, "Second clause.")]


def test_markdown_numbered_heading_and_closing_hashes():
    doc = parse_markdown("## 5.2 Response Times ##\n\nText.\n", "x.md")
    heading = doc.blocks[0]
    assert (heading.kind, heading.text, heading.level, heading.number) == (HEADING, "5.2 Response Times", 2, "5.2")


def test_markdown_lazy_numbering_counts_items_not_source_numbers():
    doc = parse_markdown("1. One\n1. Two\n1. Three\n", "x.md")
    assert [b.number for b in doc.blocks] == ["1", "2", "3"]


def test_markdown_list_starting_number_is_kept():
    doc = parse_markdown("Intro.\n\n7. Seventh\n8. Eighth\n", "x.md")
    assert [b.number for b in doc.blocks if b.kind == LIST_ITEM] == ["7", "8"]


def test_markdown_list_under_item_at_four_spaces_and_mixed_bullets():
    doc = parse_markdown("1. Services\n    1. Help desk\n    - a bullet\n2. Fees\n", "x.md")
    assert [(b.text, b.number, b.level) for b in doc.blocks] == [
        ("Services", "1", 0), ("Help desk", "1.1", 1), ("a bullet", None, 1), ("Fees", "2", 0)]


def test_markdown_table_without_outer_pipes_and_escaped_pipe():
    doc = parse_markdown("Channel | Detail\n--- | ---\nE-mail | a \\| b\nPhone | 0161 496 0000\n", "x.md")
    (table,) = doc.blocks
    assert table.kind == TABLE
    assert [[c.text for c in r] for r in table.rows] == [["Channel", "Detail"], ["E-mail", "a | b"],
                                                         ["Phone", "0161 496 0000"]]
    assert_spans(doc)


def test_markdown_autolinks_and_comparison_signs_are_text():
    doc = parse_markdown("E-mail <support@supplier.example> or <https://portal.example.com>.\n\n"
                         "Credits apply when availability is < 99.9% and > 99.0%.\n", "x.md")
    assert doc.blocks[0].text == "E-mail support@supplier.example or https://portal.example.com."
    assert doc.blocks[1].text == "Credits apply when availability is < 99.9% and > 99.0%."


def test_markdown_html_entities_and_images():
    doc = parse_markdown("Smith &amp; Co ![company logo](logo.png) agree.\n", "x.md")
    assert doc.blocks[0].text == "Smith & Co company logo agree."


def test_markdown_list_item_continuation_lines_join():
    doc = parse_markdown("1. The Supplier shall\n   respond within 4 hours.\n2. Next\n", "x.md")
    assert [b.text for b in doc.blocks] == ["The Supplier shall respond within 4 hours.", "Next"]


def test_markdown_fenced_code_is_kept_as_text_not_markup():
    doc = parse_markdown("```\n# not a heading\n```\n", "x.md")
    assert all(b.kind != HEADING for b in doc.blocks)
    assert "# not a heading" in doc.text


# ------------------------------------------------------------------------------------------- plain text

PLAIN = """\
MASTER SERVICES AGREEMENT

1. DEFINITIONS

1.1 "Business Day" means a day other than a Saturday, Sunday or
public holiday in England.
1.2 "Incident" means an unplanned interruption to the Services.

Page 1 of 4
\f
2. SERVICE LEVELS

2.1 Response Times

The Supplier shall acknowledge each Incident within 30 minutes.
(a) Priority 1: 15 minutes;
(b) Priority 2: 1 hour.

- 2 -

Support Hours
Support is available 24x7.

3 / 4

Page 4
"""


@pytest.fixture(scope="module")
def txt_doc():
    return parse_plain_text(PLAIN, "msa.txt")


def test_plain_text_headings_and_levels(txt_doc):
    headings = [(b.text, b.level, b.number) for b in txt_doc.blocks if b.kind == HEADING]
    assert headings == [("MASTER SERVICES AGREEMENT", 1, None), ("1. DEFINITIONS", 1, "1"),
                        ("2. SERVICE LEVELS", 1, "2"), ("2.1 Response Times", 2, "2.1"),
                        ("Support Hours", 1, None)]


def test_plain_text_numbered_clauses_and_wrapped_lines(txt_doc):
    clause = by_text(txt_doc, '1.1 "Business Day" means a day other than a Saturday, Sunday or public holiday in England.')
    assert (clause.kind, clause.number) == (PARAGRAPH, "1.1")
    assert by_text(txt_doc, '1.2 "Incident" means an unplanned interruption to the Services.').number == "1.2"
    items = [(b.number, b.text) for b in txt_doc.blocks if b.kind == LIST_ITEM]
    assert items == [("(a)", "(a) Priority 1: 15 minutes;"), ("(b)", "(b) Priority 2: 1 hour.")]


def test_plain_text_page_number_lines_dropped(txt_doc):
    for noise in ("Page 1 of 4", "- 2 -", "3 / 4", "Page 4", "\f"):
        assert noise not in txt_doc.text
    assert txt_doc.blocks[-1].text == "Support is available 24x7."


def test_plain_text_spans(txt_doc):
    assert txt_doc.format == "text"
    assert_spans(txt_doc)


def test_plain_text_pipe_table():
    doc = parse_plain_text("Priority | Response\n--- | ---\nP1 | 15 minutes\nP2 | 1 hour\n", "x.txt")
    (table,) = doc.blocks
    assert table.kind == TABLE
    assert [[c.text for c in r] for r in table.rows] == [["Priority", "Response"], ["P1", "15 minutes"],
                                                         ["P2", "1 hour"]]
    assert_spans(doc)


def test_plain_text_quantity_at_line_start_is_not_a_clause_number():
    doc = parse_plain_text("99.9% availability is measured monthly.\n\n24 hours a day support is provided.\n", "x")
    assert [b.number for b in doc.blocks] == [None, None]


# ------------------------------------------------------------------------------ through the dispatcher

def test_dispatcher_reads_md_by_suffix_and_txt_with_markdown_by_content(tmp_path):
    md = tmp_path / "sla.md"
    md.write_text("# Terms\n\nText.\n", encoding="utf-8")
    assert extract(md).format == "markdown"
    hidden = tmp_path / "sla.txt"
    hidden.write_text("# Terms\n\n## Support\n\n- phone\n- e-mail\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n",
                      encoding="utf-8")
    doc = extract(hidden)
    assert doc.format == "markdown"
    assert [b.kind for b in doc.blocks] == [HEADING, HEADING, LIST_ITEM, LIST_ITEM, TABLE]
    plain = tmp_path / "plain.txt"
    plain.write_text("1. SERVICES\n\n1.1 The Supplier shall provide support.\n", encoding="utf-8")
    assert extract(plain).format == "text"


@pytest.mark.parametrize("encoding, data", [
    ("utf-8-sig", "1.1 The fee is £95 per hour.\r\n\r\n1.2 Support is 24x7.\r\n".encode("utf-8-sig")),
    ("utf-16", "1.1 The fee is £95 per hour.\n\n1.2 Support is 24x7.\n".encode("utf-16")),
    ("cp1252", "1.1 The fee is £95 per hour.\n\n1.2 Support is 24x7.\n".encode("cp1252")),
])
def test_dispatcher_decodes_bom_utf16_and_cp1252(tmp_path, encoding, data):
    path = tmp_path / "contract.txt"
    path.write_bytes(data)
    doc = extract(path)
    assert [b.text for b in doc.blocks] == ["1.1 The fee is £95 per hour.", "1.2 Support is 24x7."]
    assert "\r" not in doc.text and "\ufeff" not in doc.text
    assert len(doc.sha256) == 64
