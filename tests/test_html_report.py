"""The HTML gap report and portfolio index, without a browser: self-contained, escaped, complete.

The contract's text is untrusted: a contract (or its file name) that carries HTML must come out as
text. The samples for that are written at test time; see `write_hostile_contracts`.
"""
from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reviewer.checks.parties import find_parties
from reviewer.report.html import render_html, render_index
from reviewer.report.view import ClauseIndex, index_view, report_view, split_highlight, verdict

ROOT = Path(__file__).resolve().parents[1]
PAYLOADS = ['<script>window.__pwned=1</script>', '<img src=x onerror="window.__pwned=3">',
            '"><svg onload=window.__pwned=4>']
HOSTILE_MD_NAME = 'evil"><svg onload=window.__pwned=5><img src=x onerror=window.__pwned=6>.md'
HOSTILE_TXT_NAME = "evil2'><script>window.__pwned=7<\u2044script>.txt"


def write_hostile_contracts(folder: Path) -> list[Path]:
    """Two small contracts whose clauses and file names carry HTML and script.

    Markdown strips real tags, but decodes entities, so the Markdown file writes its payload as
    entities and the extracted clause text holds the literal tags; the text file carries them raw.
    """
    folder.mkdir(parents=True, exist_ok=True)
    md = folder / HOSTILE_MD_NAME
    md.write_text(
        "# Support Agreement\n\n"
        "This Support Agreement is made between Evil Corp Ltd (the \"Supplier\") and "
        "Victim plc (the \"Customer\").\n\n"
        "## 1. Service levels\n\n"
        "1.1 The Supplier shall respond promptly &lt;script&gt;window.__pwned=1&lt;/script&gt; to all incidents.\n\n"
        "1.2 Availability shall be at least 99.5% per month. &lt;img src=x onerror=\"window.__pwned=3\"&gt;\n\n"
        "1.3 Reports will be provided regularly \"&gt;&lt;svg onload=window.__pwned=4&gt;.\n",
        encoding="utf-8")
    txt = folder / HOSTILE_TXT_NAME
    txt.write_text(
        "1. The Supplier shall respond promptly <script>window.__pwned=1</script> to incidents.\n\n"
        "2. Reports will be provided regularly \"><svg onload=window.__pwned=4> "
        "<img src=x onerror=window.__pwned=3>.\n",
        encoding="utf-8")
    return [md, txt]


class _Tags(HTMLParser):
    """Every start tag and its attributes, and the page's visible text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    return p


@pytest.fixture(scope="module")
def reviewer():
    from reviewer.pipeline import Reviewer
    return Reviewer()


@pytest.fixture(scope="module")
def northwind(reviewer):
    return reviewer.review_file(ROOT / "samples" / "northwind-managed-services.docx",
                                display_name="samples/northwind-managed-services.docx")


@pytest.fixture(scope="module")
def hostile(reviewer, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    return [reviewer.review_file(p, display_name=p.name) for p in write_hostile_contracts(folder)]


def _assert_self_contained(html: str):
    tags = parse(html).tags
    assert not [t for t, a in tags if t in ("link", "iframe", "object", "embed", "base", "img")]
    for tag, attrs in tags:
        for name in ("src", "href", "action", "xlink:href"):
            value = attrs.get(name) or ""
            assert not re.match(r"\s*(?:https?:|//|javascript:|data:text)", value, re.I), (tag, name, value)
    assert "@import" not in html and "url(" not in html
    csp = [a for t, a in tags if t == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy"]
    assert csp and "default-src 'none'" in csp[0]["content"]


def _assert_inert(html: str, expect_scripts: int = 0):
    tags = parse(html).tags
    assert sum(1 for t, _ in tags if t == "script") == expect_scripts
    for tag, attrs in tags:
        handlers = [a for a in attrs if a.lower().startswith("on")]
        assert not handlers, (tag, attrs)
    for tag, attrs in tags:
        assert not re.match(r"\s*javascript:", attrs.get("href") or "", re.I), (tag, attrs)


# --- the report ----------------------------------------------------------------------------

def test_report_is_self_contained_and_has_every_section(northwind):
    html = render_html(northwind)
    _assert_self_contained(html)
    _assert_inert(html)
    for section in ("verdict", "coverage", "service-levels", "checklist", "findings", "contract"):
        assert f'id="{section}"' in html
    # every checklist item has a card with its status badge
    for c in northwind["checklist"]:
        assert f'id="item-{c["id"]}"' in html
    assert "<svg" in html and 'class="chart"' in html


def test_report_links_evidence_to_clause_anchors(northwind):
    html = render_html(northwind)
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    hrefs = set(re.findall(r'href="#([^"]+)"', html))
    assert hrefs, "no in-page links"
    assert hrefs <= ids, f"links without a target: {sorted(hrefs - ids)[:5]}"
    assert len(ids) == len(re.findall(r'\bid="', html)), "duplicate ids"
    # evidence of a met item points into the clause list
    anchors = {c["anchor"] for c in report_view(northwind)["clauses"]}
    assert any(h in anchors for h in hrefs)


def test_report_shows_parties_counts_and_downtime(northwind):
    v = report_view(northwind)
    names = [p["name"] for p in v["parties"]]
    assert names == ["NORTHWIND MANAGED IT LTD", "CALDWELL & PRYCE ARCHITECTS LLP"]
    assert [p["role"] for p in v["parties"]] == ["Supplier", "Customer"]
    html = render_html(northwind)
    assert "CALDWELL &amp; PRYCE ARCHITECTS LLP" in html
    assert v["score"] == northwind["summary"]["score"]
    assert sum(s["n"] for s in v["status_counts"]) == len(northwind["checklist"])
    if northwind["facts"].get("availability"):
        assert "43.8 minutes" in html  # 99.9% a month


def test_finding_highlights_the_flagged_words_in_its_sentence(hostile):
    result = hostile[0]
    vague = [f for f in result["findings"] if f["kind"] == "vague_term"]
    assert vague, "the hostile sample should have vague terms (promptly, regularly)"
    html = render_html(result)
    for f in vague:
        assert f"<mark>{f['text']}</mark>" in html


def test_vague_item_evidence_marks_the_vague_words(hostile):
    result = hostile[0]
    v = report_view(result)
    vague_items = [i for a in v["areas"] for i in a["items"] if i["status"] == "vague"]
    marked = [e for i in vague_items for e in i["evidence"] if e["match"]]
    assert marked and all(e["kind"] == "vague" for e in marked)
    assert '<mark class="vague">promptly</mark>' in render_html(result)


@pytest.mark.parametrize("which", [0, 1])
def test_hostile_contract_text_and_file_name_render_as_text(hostile, which):
    result = hostile[which]
    assert result["status"] == "ok"
    text = " ".join(c["text"] for c in result["clauses"])
    assert "<script>window.__pwned=1</script>" in text  # the payload reached the pipeline
    html = render_html(result)
    _assert_inert(html)
    _assert_self_contained(html)
    visible = "".join(parse(html).text)
    for payload in PAYLOADS:
        if payload.split(" ")[0] in text:
            assert payload.split(" ")[0] in visible
    assert result["file"] in visible  # the file name, shown as text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html


def test_party_names_from_hostile_text_are_escaped():
    result = {"schema": "contract-review/1", "file": "x.md", "status": "ok", "summary": None, "checklist": [],
              "findings": [], "facts": {}, "clauses": [
                  {"id": "1", "text": 'This Agreement is made between Evil <b onmouseover=alert(1)>X</b> Ltd '
                                      'and "><script>alert(2)</script> plc.'}]}
    html = render_html(result)
    _assert_inert(html)


def test_report_renders_a_minimal_and_an_empty_result():
    html = render_html({"file": "a.txt", "status": "ok", "checklist": [], "findings": [], "clauses": []})
    assert "Nothing to assess" in html


# --- the index -----------------------------------------------------------------------------

def _portfolio(northwind, hostile):
    from reviewer.pipeline import error_result
    results = [dict(northwind, report="reports/northwind.html")]
    results += [dict(r, report=f"reports/h{i}.html") for i, r in enumerate(hostile)]
    results.append(error_result("broken.pdf", "/somewhere/on/disk/broken.pdf: is corrupted or truncated"))
    ids = [c["id"] for c in northwind["checklist"]]
    return results, ids


def test_index_heat_map_rows_columns_and_error_row(northwind, hostile):
    results, ids = _portfolio(northwind, hostile)
    html = render_index(results, ids)
    _assert_self_contained(html)
    _assert_inert(html, expect_scripts=1)
    v = index_view(results, ids)
    assert len(v["rows"]) == len(results) and all(len(r["cells"]) == len(ids) for r in v["rows"])
    assert 'href="reports/northwind.html"' in html
    err = [r for r in v["rows"] if not r["ok"]][0]
    assert err["error"] == "is corrupted or truncated"  # no local path in a report that is passed on
    assert "/somewhere/on/disk" not in html
    assert "Could not be reviewed" in html
    for i in ids:
        assert f"<span>{i}</span>" in html
    visible = "".join(parse(html).text)
    assert HOSTILE_MD_NAME in visible


@pytest.mark.parametrize("link,ok", [("reports/a-1f2e.html", True), ("javascript:alert(1)", False),
                                     ("https://example.com/x.html", False), ("../../x.html", False),
                                     ("reports/../../x.html", False), ("", False)])
def test_index_links_only_to_report_files(northwind, link, ok):
    v = index_view([dict(northwind, report=link)], [])
    assert v["rows"][0]["report"] == (link if ok else "")


def test_index_script_is_allowed_by_its_hash_only(northwind):
    html = render_index([northwind], [c["id"] for c in northwind["checklist"]])
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    csp = [a["content"] for t, a in parse(html).tags if t == "meta" and a.get("http-equiv")][0]
    assert f"script-src 'sha256-{digest}'" in csp
    assert "script-src 'unsafe-inline'" not in csp


def test_scan_writes_index_and_reports_for_hostile_names(tmp_path):
    from reviewer.scan import ScanSettings, run_scan
    src = tmp_path / "in"
    write_hostile_contracts(src)
    (src / "broken.pdf").write_bytes(b"%PDF-1.4\n\x00\x01garbage")
    results = run_scan(src, tmp_path / "out", ScanSettings(), workers=1, progress=False)
    assert {r["status"] for r in results} == {"ok", "error"}
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    _assert_inert(index, expect_scripts=1)
    for r in results:
        if r["status"] == "ok":
            report = tmp_path / "out" / r["report"]
            assert report.exists()
            _assert_inert(report.read_text(encoding="utf-8"))


# --- view-model helpers ----------------------------------------------------------------------

def test_split_highlight_picks_the_occurrence_nearest_the_hint():
    s = "Promptly means promptly here."
    assert split_highlight(s, "promptly") == ("", "Promptly", " means promptly here.")
    assert split_highlight(s, "promptly", hint=15) == ("Promptly means ", "promptly", " here.")
    assert split_highlight(s, "absent") == (s, "", "")


def test_clause_index_labels_and_unique_anchors():
    cx = ClauseIndex([{"id": "3.3.1", "text": ""}, {"id": "(a)#4", "text": ""}, {"id": "2.T4.r2", "text": ""},
                      {"id": "1\u00b623", "text": ""}, {"id": "1-1", "text": ""}, {"id": "1.1", "text": ""}])
    assert cx.label["(a)#4"] == "clause 3.3.1(a)"
    assert cx.label["2.T4.r2"] == "clause 2, table 4, row 2"
    assert cx.label["1\u00b623"] == "clause 1, \u00b623"
    assert len(set(cx.anchor.values())) == 6
    assert cx.where({"page": 4, "clause": "3.3.1"}) == "p. 4 \u00b7 clause 3.3.1"


def test_verdict_levels():
    def item(status, severity="high"):
        return {"id": "X", "status": status, "severity": severity, "question": "What services are covered?"}
    assert verdict([item("met")], [], {"score": 100})["level"] == "good"
    assert verdict([item("met"), item("vague", "low")], [], {"score": 90})["level"] == "warn"
    bad = verdict([item("missing")], [], {"score": 70})
    assert bad["level"] == "bad" and "what services are covered" in bad["detail"]


@pytest.mark.parametrize("text,expected", [
    ('(1) ACME SOFTWARE, INC., a Delaware corporation with offices at 1 Main St ("Acme", "we"); and',
     [("ACME SOFTWARE, INC.", "Acme")]),
    ('This Agreement is made between Acme Widgets Ltd and Beta Services plc.',
     [("Acme Widgets Ltd", None), ("Beta Services plc", None)]),
    ('Entered into by Acme Ltd (the "Supplier") and Globex Corporation (the "Customer").',
     [("Acme Ltd", "Supplier"), ("Globex Corporation", "Customer")]),
    ("The Supplier shall provide support between 9am and 5pm.", []),
    ('This SLA (the "SLA") forms part of the Agreement (the "Agreement").', []),
])
def test_find_parties(text, expected):
    assert [(p.name, p.role) for p in find_parties([{"id": "1", "text": text}])] == expected


def test_find_parties_reads_only_the_opening_clauses():
    clauses = [{"id": str(i), "text": "The Supplier shall do things."} for i in range(30)]
    clauses.append({"id": "99", "text": 'Acme Ltd (the "Supplier") and Beta plc (the "Customer")'})
    assert find_parties(clauses) == []
