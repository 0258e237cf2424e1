"""The annotated DOCX copy (`review --annotate`, `scan --annotate`): a Word comment on each finding,
anchored to the flagged words, the text and the run formatting of the contract untouched."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document as WordDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

from reviewer.cli import EXIT_INPUT_ERROR, EXIT_OK, main
from reviewer.extract import extract
from reviewer.pipeline import Reviewer
from reviewer.report.annotate import AnnotateError, annotate_docx

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
BRIGHTCLOUD = SAMPLES / "brightcloud-saas-sla.docx"
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W = nsdecls("w")
RULE_LINE = re.compile(r"^\(([A-Z0-9-]+)\)$")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def reviewer():
    return Reviewer()


# ------------------------------------------------------------------------------------- reading the copy

def read_part(path: Path, name: str):
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


def comment_ranges(path: Path) -> dict[str, str]:
    """Comment id -> the document text between its commentRangeStart and commentRangeEnd."""
    open_: dict[str, list[str]] = {}
    out: dict[str, str] = {}
    for event, el in etree.iterwalk(read_part(path, "word/document.xml"), events=("start", "end")):
        if event == "start" and el.tag == W_NS + "commentRangeStart":
            open_[el.get(W_NS + "id")] = []
        elif event == "start" and el.tag == W_NS + "commentRangeEnd":
            out[el.get(W_NS + "id")] = "".join(open_.pop(el.get(W_NS + "id")))
        elif event == "start" and el.tag == W_NS + "t":
            for buf in open_.values():
                buf.append(el.text or "")
        elif event == "end" and el.tag == W_NS + "p":
            for buf in open_.values():
                buf.append("\n")
    assert not open_, f"comment ranges never closed: {sorted(open_)}"
    return out


def comments(path: Path) -> dict[str, dict]:
    out = {}
    for c in read_part(path, "word/comments.xml").iter(W_NS + "comment"):
        text = "\n".join("".join(t.text or "" for t in p.iter(W_NS + "t")) for p in c.iter(W_NS + "p"))
        out[c.get(W_NS + "id")] = {"author": c.get(W_NS + "author"), "initials": c.get(W_NS + "initials"),
                                   "text": text}
    return out


def anchored(path: Path) -> list[tuple[str, str, str]]:
    """(rule ID, anchored words, comment text) per comment, the summary comment (no rule line) as ''."""
    ranges, notes = comment_ranges(path), comments(path)
    assert set(ranges) == set(notes), "every comment has a range and every range a comment"
    refs = {el.get(W_NS + "id") for el in read_part(path, "word/document.xml").iter(W_NS + "commentReference")}
    assert refs == set(notes), "every comment has its reference mark"
    out = []
    for cid, note in notes.items():
        m = RULE_LINE.match(note["text"].splitlines()[-1])
        out.append((m.group(1) if m else "", ranges[cid], note["text"]))
    return out


def paragraph_texts(path: Path) -> list[str]:
    """All w:t of each paragraph joined, paragraph by paragraph (body, tables, content controls)."""
    return ["".join(t.text or "" for t in p.iter(W_NS + "t"))
            for p in read_part(path, "word/document.xml").iter(W_NS + "p")]


def formatted_chars(path: Path) -> list[list[tuple[str, bytes]]]:
    """Per paragraph, each character of each w:t with its run's properties (w:rPr) serialised."""
    out = []
    for p in read_part(path, "word/document.xml").iter(W_NS + "p"):
        chars = []
        for t in p.iter(W_NS + "t"):
            rpr = t.getparent().find(W_NS + "rPr")
            key = etree.tostring(rpr, method="c14n") if rpr is not None else b""
            chars.extend((ch, key) for ch in (t.text or ""))
        out.append(chars)
    return out


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------------------------ a generated contract

def _numbering(doc) -> None:
    root = doc.part.numbering_part.element
    lvls = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="{t}"/>'
                   f'<w:lvlJc w:val="left"/></w:lvl>' for i, t in enumerate(["%1.", "%1.%2"]))
    abstract = parse_xml(f'<w:abstractNum {W} w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>'
                         f'{lvls}</w:abstractNum>')
    first_num = root.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        root.append(abstract)
    root.append(parse_xml(f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))


def _numbered(doc, ilvl: int):
    paragraph = doc.add_paragraph()
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = 90
    return paragraph


def _body_xml(doc, xml: str) -> None:
    body = doc.element.body
    body.insert(len(body) - 1, parse_xml(xml))


def build_contract(path: Path) -> Path:
    """Vague terms across run boundaries and inside one run, after a tab and doubled spaces, in a
    numbered clause (the label is not in the file), a tracked insertion (next to a deletion), a
    hyperlink, a content control, field results and a table cell."""
    doc = WordDocument()
    _numbering(doc)
    doc.add_paragraph("MANAGED SUPPORT AGREEMENT", style="Title")
    _numbered(doc, 0).add_run("Service Levels")
    p = _numbered(doc, 1)
    p.add_run("The Supplier shall use ")
    p.add_run("commercially reasonable").bold = True
    p.add_run(" efforts to restore service.").italic = True
    p = _numbered(doc, 1)
    p.add_run("The Supplier\tshall   respond to requests in a ")
    r = p.add_run("timely manner and")
    r.bold = r.italic = True
    p.add_run(" keep the Customer informed.")
    _body_xml(doc, f'<w:p {W}><w:r><w:t xml:space="preserve">The Supplier shall </w:t></w:r>'
                   '<w:del w:id="901" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r><w:delText>never </w:delText>'
                   '</w:r></w:del><w:ins w:id="902" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r><w:rPr>'
                   '<w:u w:val="single"/></w:rPr><w:t xml:space="preserve">promptly </w:t></w:r></w:ins>'
                   '<w:r><w:t xml:space="preserve">notify the Customer of any outage</w:t><w:br/>'
                   '<w:t>affecting the Services.</w:t></w:r></w:p>')
    _body_xml(doc, f'<w:p {W}><w:r><w:t xml:space="preserve">Reports will be delivered </w:t></w:r>'
                   '<w:hyperlink w:anchor="reports"><w:r><w:rPr><w:i/></w:rPr><w:t>on a regular basis</w:t></w:r>'
                   '</w:hyperlink><w:r><w:t>.</w:t></w:r></w:p>')
    _body_xml(doc, f'<w:sdt {W}><w:sdtPr><w:alias w:val="Fees"/></w:sdtPr><w:sdtContent><w:p><w:r>'
                   '<w:t xml:space="preserve">The Supplier shall review the fees </w:t></w:r><w:r><w:rPr><w:u '
                   'w:val="single"/></w:rPr><w:t>from time to time</w:t></w:r><w:r><w:t>.</w:t></w:r></w:p>'
                   '</w:sdtContent></w:sdt>')
    _body_xml(doc, f'<w:p {W}><w:r><w:t xml:space="preserve">The Supplier shall fix faults </w:t></w:r>'
                   '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> REF speed '
                   '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>as soon as possible'
                   '</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> and '
                   'shall notify the Customer </w:t></w:r><w:fldSimple w:instr=" DOCPROPERTY notice "><w:r><w:t>'
                   'without undue delay</w:t></w:r></w:fldSimple><w:r><w:t>.</w:t></w:r></w:p>')
    table = doc.add_table(rows=3, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Priority", "Response", "Resolution")):
        cell.text = text
    table.rows[1].cells[0].text = "P1"
    table.rows[1].cells[1].text = "15 minutes"
    table.rows[1].cells[2].text = "4 hours"
    table.rows[1].cells[2].add_paragraph("then updates every hour")
    table.rows[2].cells[0].merge(table.rows[2].cells[1]).text = "P2 and P3"
    table.rows[2].cells[2].text = "The Supplier shall resolve P2 and P3 incidents within a reasonable time."
    doc.add_paragraph().add_run("The Supplier shall provide high availability for the Services.").bold = True
    doc.save(path)
    return path


@pytest.fixture(scope="module")
def generated(tmp_path_factory, reviewer):
    folder = tmp_path_factory.mktemp("generated")
    source = build_contract(folder / "support.docx")
    result = reviewer.review_file(source)
    out = folder / "support-annotated.docx"
    before = sha(source)
    stats = annotate_docx(source, result, out)
    assert sha(source) == before
    return source, result, out, stats


@pytest.fixture(scope="module")
def brightcloud(tmp_path_factory):
    out = tmp_path_factory.mktemp("brightcloud") / "annotated.docx"
    before = sha(BRIGHTCLOUD)
    outcome = run("review", BRIGHTCLOUD, "--format", "json", "--annotate", out)
    assert outcome.exit_code == EXIT_OK, outcome.output
    assert sha(BRIGHTCLOUD) == before, "the original is never modified"
    assert f"wrote {out}" in outcome.stderr
    return json.loads(outcome.stdout), out


# --------------------------------------------------------------------------------------- the sample

def test_sample_has_a_comment_on_each_finding(brightcloud):
    result, out = brightcloud
    with zipfile.ZipFile(out) as archive:
        assert "word/comments.xml" in archive.namelist()
        assert "comments.xml" in archive.read("word/_rels/document.xml.rels").decode()
        assert "wordprocessingml.comments+xml" in archive.read("[Content_Types].xml").decode()
    got = anchored(out)
    placed = [f for f in result["findings"] if f["kind"] != "checklist_missing"]
    assert len(got) == len(placed) + 1  # and one summary comment at the top
    vague = Counter((f["rule"], f["text"]) for f in result["findings"] if f["kind"] == "vague_term")
    assert vague and Counter((rule, words) for rule, words, _ in got if rule.startswith("VAGUE-")) == vague
    assert Counter(f["kind"] for f in result["findings"])["vague_term"] >= 30


def test_sample_checklist_comments_sit_on_the_evidence_without_the_number_label(brightcloud):
    result, out = brightcloud
    by_rule = {}
    for rule, words, _ in anchored(out):
        by_rule.setdefault(rule, []).append(words)
    vague_items = [f for f in result["findings"] if f["kind"] == "checklist_vague"]
    assert vague_items
    for f in vague_items:
        (words,) = by_rule[f["rule"]]
        # the evidence is the clause's sentence; a Word list number ("2.4 ") is drawn by Word, not in the text
        assert f["text"] == words or re.fullmatch(r"\S+ " + re.escape(words), f["text"]), (f["rule"], words)
    fees = next(f for f in vague_items if f["rule"] == "FEES-INCLUDED")
    assert fees["text"].startswith("2.4 ") and by_rule["FEES-INCLUDED"][0].startswith("Where Customer asks")


def test_sample_playbook_finding_sits_on_its_words_in_the_table(brightcloud):
    result, out = brightcloud
    playbook = [f for f in result["findings"] if f["kind"] == "playbook"]
    assert playbook
    by_rule = {rule: words for rule, words, _ in anchored(out)}
    for f in playbook:
        assert by_rule[f["rule"]] == f["text"]


def test_sample_summary_comment_on_the_first_paragraph_lists_missing_items(brightcloud):
    result, out = brightcloud
    (summary,) = [(words, text) for rule, words, text in anchored(out) if not rule]
    words, text = summary
    first = extract(BRIGHTCLOUD).blocks[0].text
    assert words.strip() == first == "SUPPORT AND SERVICE LEVEL AGREEMENT"
    missing = [f for f in result["findings"] if f["kind"] == "checklist_missing"]
    assert missing
    assert text.startswith(f"Contract Reviewer: score {result['summary']['score']}/100")
    for f in missing:
        assert f["rule"] in text and f["suggest"] in text


def test_sample_comment_text_has_message_why_and_suggestion(brightcloud):
    result, out = brightcloud
    f = next(f for f in result["findings"] if f["rule"] == "VAGUE-EFFORT-001")
    texts = [text for rule, _, text in anchored(out) if rule == "VAGUE-EFFORT-001"]
    assert texts and all(f["message"] in t and f"Why: {f['why']}" in t and f"Suggested wording: {f['suggest']}" in t
                         for t in texts)
    notes = comments(out)
    assert {(n["author"], n["initials"]) for n in notes.values()} == {("Contract Reviewer", "CR")}


def test_sample_text_is_unchanged(brightcloud):
    _, out = brightcloud
    assert paragraph_texts(out) == paragraph_texts(BRIGHTCLOUD)
    assert extract(out).text == extract(BRIGHTCLOUD).text
    original, copy = formatted_chars(BRIGHTCLOUD), formatted_chars(out)
    assert original == copy  # every character keeps its run properties


def test_sample_other_parts_are_carried_over(brightcloud):
    _, out = brightcloud
    with zipfile.ZipFile(BRIGHTCLOUD) as a, zipfile.ZipFile(out) as b:
        names = set(b.namelist())
        assert set(a.namelist()) <= names
        for name in ("word/numbering.xml", "word/header1.xml", "word/footer1.xml"):
            assert etree.tostring(read_part(BRIGHTCLOUD, name), method="c14n") == \
                etree.tostring(read_part(out, name), method="c14n")
        assert a.read("docProps/thumbnail.jpeg") == b.read("docProps/thumbnail.jpeg")


# ---------------------------------------------------------------------------------- generated contract

def test_generated_vague_terms_are_anchored_to_their_words(generated):
    source, result, out, stats = generated
    vague = Counter((f["rule"], f["text"]) for f in result["findings"] if f["kind"] == "vague_term")
    expected = {"commercially reasonable efforts", "in a timely manner", "promptly", "on a regular basis",
                "from time to time", "within a reasonable time", "high availability", "as soon as possible",
                "without undue delay"}
    assert {text for _, text in vague} == expected
    got = anchored(out)
    assert Counter((rule, words) for rule, words, _ in got if rule.startswith("VAGUE-")) == vague
    assert stats.comments == len(got) and not stats.unplaced


def test_generated_text_and_formatting_unchanged(generated):
    source, _, out, _ = generated
    assert paragraph_texts(out) == paragraph_texts(source)
    assert extract(out).text == extract(source).text
    assert formatted_chars(out) == formatted_chars(source)


def test_generated_split_runs_keep_bold_and_italic(generated):
    _, _, out, _ = generated
    doc = WordDocument(str(out))
    runs = {r.text: (r.bold, r.italic) for p in doc.paragraphs for r in p.runs if r.text}
    # "commercially reasonable" (bold) + " efforts" | " to restore service." (italic, split)
    assert runs["commercially reasonable"] == (True, None)
    assert runs[" efforts"] == (None, True) and runs[" to restore service."] == (None, True)
    # "... in a " | "in a " + "timely manner" (bold italic) | " and"
    assert runs["timely manner"] == (True, True) and runs[" and"] == (True, True)
    assert runs["in a "] == (None, None)
    # one bold run split into three, all bold
    assert runs["The Supplier shall provide "] == runs["high availability"] == runs[" for the Services."] == (True, None)
    body = doc.element.body
    for start in body.iter(W_NS + "commentRangeStart"):
        nxt = start.getnext()
        while nxt is not None and nxt.tag == W_NS + "commentRangeStart":
            nxt = nxt.getnext()
        assert nxt is not None and nxt.tag == W_NS + "r", "a range starts right before a run"


def test_generated_tracked_insertion_keeps_the_reference_outside(generated):
    _, _, out, _ = generated
    root = read_part(out, "word/document.xml")
    (ins,) = [el for el in root.iter(W_NS + "ins") if el.get(W_NS + "id") == "902"]
    assert ins.find(W_NS + "commentRangeStart") is not None and ins.find(W_NS + "commentRangeEnd") is not None
    assert not list(ins.iter(W_NS + "commentReference"))
    assert ins.getnext().find(W_NS + "commentReference") is not None
    (deleted,) = list(root.iter(W_NS + "del"))
    assert [t.text for t in deleted.iter(W_NS + "delText")] == ["never "]


def test_generated_hyperlink_table_and_content_control(generated):
    _, _, out, _ = generated
    root = read_part(out, "word/document.xml")
    link = next(root.iter(W_NS + "hyperlink"))
    assert link.find(W_NS + "commentRangeStart") is not None
    ranges = comment_ranges(out)
    sdt = next(root.iter(W_NS + "sdt"))
    (cid,) = [el.get(W_NS + "id") for el in sdt.iter(W_NS + "commentRangeStart")]
    assert ranges[cid] == "from time to time"
    # the reference mark stays out of the content control (LibreOffice drops text before one inside)
    assert not list(sdt.iter(W_NS + "commentReference"))
    cell = next(tc for tc in root.iter(W_NS + "tc") if "reasonable time" in "".join(t.text for t in tc.iter(W_NS + "t")))
    (cid,) = [el.get(W_NS + "id") for el in cell.iter(W_NS + "commentRangeStart")]
    assert ranges[cid] == "within a reasonable time"


def test_generated_field_results_keep_the_reference_after_the_field(generated):
    _, _, out, _ = generated
    root = read_part(out, "word/document.xml")
    ranges = comment_ranges(out)
    simple = next(root.iter(W_NS + "fldSimple"))
    (cid,) = [el.get(W_NS + "id") for el in simple.iter(W_NS + "commentRangeStart")]
    assert ranges[cid] == "without undue delay"
    assert not list(simple.iter(W_NS + "commentReference"))
    assert simple.getnext().find(W_NS + "commentReference").get(W_NS + "id") == cid
    end = next(f for f in root.iter(W_NS + "fldChar") if f.get(W_NS + "fldCharType") == "end").getparent()
    before_end = end.getprevious()
    assert before_end.tag == W_NS + "commentRangeEnd" and ranges[before_end.get(W_NS + "id")] == "as soon as possible"
    assert end.getnext().find(W_NS + "commentReference").get(W_NS + "id") == before_end.get(W_NS + "id")


def test_generated_summary_comment_names_the_missing_items(generated):
    _, result, out, _ = generated
    (summary,) = [(words, text) for rule, words, text in anchored(out) if not rule]
    assert summary[0].strip() == "MANAGED SUPPORT AGREEMENT"
    missing = [f["rule"] for f in result["findings"] if f["kind"] == "checklist_missing"]
    assert missing and all(rule in summary[1] for rule in missing)
    high_first = [line for line in summary[1].splitlines() if line.startswith("• ")]
    ranks = ["HIGH", "MEDIUM", "LOW"]
    order = [ranks.index(re.match(r"• \[(\w+)\]", line).group(1)) for line in high_first]
    assert order == sorted(order)


# ---------------------------------------------------------------------------------------- edge cases

def test_a_finding_without_a_place_is_listed_at_the_top(generated, tmp_path):
    source, result, _, _ = generated
    result = json.loads(json.dumps(result))
    result["findings"].append({"rule": "PLAYBOOK-TEST", "kind": "playbook", "severity": "high",
                               "message": "A measure the playbook wants", "text": "nowhere to be found",
                               "sentence": "", "clause": None, "page": None, "start": None, "end": None,
                               "why": "", "suggest": ""})
    out = tmp_path / "copy.docx"
    stats = annotate_docx(source, result, out)
    assert stats.unplaced == ["PLAYBOOK-TEST"]
    (summary,) = [text for rule, _, text in anchored(out) if not rule]
    assert "Not placed in the text (1):" in summary and "A measure the playbook wants (PLAYBOOK-TEST)" in summary


def test_offsets_that_drifted_find_the_words_nearby(generated, tmp_path):
    source, result, _, _ = generated
    result = json.loads(json.dumps(result))
    f = next(f for f in result["findings"] if f["text"] == "promptly")
    f["start"] += 3
    f["end"] += 3
    out = tmp_path / "copy.docx"
    annotate_docx(source, result, out)
    assert ("VAGUE-TIME-001", "promptly") in [(rule, words) for rule, words, _ in anchored(out)]


def test_a_changed_file_is_not_annotated_with_an_old_review(generated, tmp_path):
    source, result, _, _ = generated
    changed = tmp_path / "changed.docx"
    shutil.copy(source, changed)
    with open(changed, "ab") as fh:
        fh.write(b"\0")
    with pytest.raises(AnnotateError, match="changed after it was reviewed"):
        annotate_docx(changed, result, tmp_path / "copy.docx")
    assert not (tmp_path / "copy.docx").exists()


def test_author_and_initials(tmp_path):
    out = tmp_path / "a.docx"
    outcome = run("review", BRIGHTCLOUD, "-q", "--annotate", out, "--author", "Jane Doe", "--initials", "JD")
    assert outcome.exit_code == EXIT_OK, outcome.output
    assert {(n["author"], n["initials"]) for n in comments(out).values()} == {("Jane Doe", "JD")}


def test_pdf_input_is_refused_with_exit_2(tmp_path):
    out = tmp_path / "a.docx"
    outcome = run("review", SAMPLES / "brightcloud-saas-sla.pdf", "--annotate", out)
    assert outcome.exit_code == EXIT_INPUT_ERROR
    assert "--annotate needs a DOCX" in outcome.stderr and "this is a PDF" in outcome.stderr
    assert "--format html" in outcome.stderr
    assert not out.exists() and outcome.stdout == ""


def test_text_input_is_refused_too(tmp_path):
    contract = tmp_path / "c.md"
    contract.write_text("# Agreement\n\nThe Supplier shall respond promptly.\n", encoding="utf-8")
    outcome = run("review", contract, "--annotate", tmp_path / "a.docx")
    assert outcome.exit_code == EXIT_INPUT_ERROR and "plain text or Markdown" in outcome.stderr


def test_the_copy_never_overwrites_the_contract(tmp_path):
    contract = tmp_path / "c.docx"
    shutil.copy(BRIGHTCLOUD, contract)
    before = sha(contract)
    outcome = run("review", contract, "--annotate", contract)
    assert outcome.exit_code == EXIT_INPUT_ERROR and "path of its own" in outcome.stderr
    assert sha(contract) == before


def test_scan_annotates_each_docx_and_notes_the_rest(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(BRIGHTCLOUD, folder / "brightcloud.docx")
    shutil.copy(SAMPLES / "brightcloud-saas-sla.pdf", folder / "brightcloud.pdf")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    out = tmp_path / "out"
    outcome = run("scan", folder, "--out", out, "--annotate", "-q", "-j", "1", "--initials", "XY")
    assert outcome.exit_code == EXIT_OK, outcome.output
    from reviewer.scan import report_stem
    annotated = out / "annotated" / f"{report_stem('brightcloud.docx')}.docx"
    assert sorted(p.name for p in (out / "annotated").iterdir()) == [annotated.name]
    assert "1 PDF/text contracts have no annotated copy" in outcome.stderr
    assert "annotated 1 DOCX contracts" in outcome.stderr
    assert paragraph_texts(annotated) == paragraph_texts(BRIGHTCLOUD)
    assert {n["initials"] for n in comments(annotated).values()} == {"XY"}
    assert sha(folder / "brightcloud.docx") == sha(BRIGHTCLOUD)
    # a re-run reuses the cached review and still writes the copy
    annotated.unlink()
    outcome = run("scan", folder, "--out", out, "--annotate", "-q", "-j", "1")
    assert outcome.exit_code == EXIT_OK and annotated.exists()


# ------------------------------------------------------------------------------------------ LibreOffice

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def soffice_convert(fmt: str, files: list[Path], outdir: Path) -> None:
    profile = (outdir / "profile").as_uri()  # a private profile: no clash with a running LibreOffice
    proc = subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={profile}",
                           "--convert-to", fmt, "--outdir", str(outdir)] + [str(f) for f in files],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for f in files:
        assert (outdir / f"{f.stem}.{fmt}").exists(), (fmt, f, proc.stdout, proc.stderr)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_copies(brightcloud, generated, tmp_path):
    """LibreOffice converts each annotated copy to PDF without error, shows the same text as the
    original, and reads every comment with its anchored words (flat ODT: office:annotation ...
    office:annotation-end)."""
    copies = [brightcloud[1], generated[2]]
    for fmt in ("pdf", "fodt", "txt"):
        soffice_convert(fmt, copies, tmp_path)
    originals = tmp_path / "originals"
    originals.mkdir()
    soffice_convert("txt", [BRIGHTCLOUD, generated[0]], originals)
    for original, copy in zip([BRIGHTCLOUD, generated[0]], copies):
        assert (tmp_path / f"{copy.stem}.txt").read_text(encoding="utf-8-sig") == \
            (originals / f"{original.stem}.txt").read_text(encoding="utf-8-sig")
    for copy in copies:
        pdf = tmp_path / f"{copy.stem}.pdf"
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF-") and pdf.stat().st_size > 1000
        flat = (tmp_path / f"{copy.stem}.fodt").read_text(encoding="utf-8")
        assert flat.count("<office:annotation ") == len(comments(copy))
        assert flat.count("<office:annotation-end ") == len(comments(copy))
    flat = (tmp_path / f"{brightcloud[1].stem}.fodt").read_text(encoding="utf-8")
    for words in ("commercially reasonable efforts", "as soon as reasonably practicable", "4 Business Hours"):
        assert re.search(r"</office:annotation>(?:<[^>]+>)*" + re.escape(words) + r"(?:<[^>]+>)*<office:annotation-end",
                         flat), words
