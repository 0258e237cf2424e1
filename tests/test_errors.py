"""Untrusted input: the dispatcher decides by content, and every unreadable file gives one typed error
with a one-line message naming the file; the CLI exits 2 with that line and no traceback."""
from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewer import errors
from reviewer.cli import main
from reviewer.extract import Limits, extract, sniff

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_DOCX = SAMPLES / "brightcloud-saas-sla.docx"
SAMPLE_PDF = SAMPLES / "brightcloud-saas-sla.pdf"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# ------------------------------------------------------------------------------------ content, not names

def test_pdf_renamed_txt_is_read_as_pdf(tmp_path):
    path = tmp_path / "contract.txt"
    shutil.copy(SAMPLE_PDF, path)
    doc = extract(path)
    assert doc.format == "pdf" and doc.pages == 6
    assert "SUPPORT AND SERVICE LEVEL AGREEMENT" in doc.text


def test_docx_renamed_bin_is_read_as_docx(tmp_path):
    path = tmp_path / "contract.bin"
    shutil.copy(SAMPLE_DOCX, path)
    doc = extract(path)
    assert doc.format == "docx"
    assert "BrightCloud" in doc.text and "PK" not in doc.text[:10]


def test_text_named_pdf_is_read_as_text(tmp_path):
    path = tmp_path / "contract.pdf"
    path.write_text("1. SERVICES\n\n1.1 The Supplier shall provide a service desk.\n", encoding="utf-8")
    doc = extract(path)
    assert doc.format == "text"
    assert doc.blocks[-1].number == "1.1"


@pytest.mark.parametrize("head, kind", [
    (b"%PDF-1.7\n", "pdf"), (b"\n\n%PDF-1.4\n", "pdf"), (b"PK\x03\x04rest", "zip"), (OLE_MAGIC + b"\x00" * 8, "ole"),
    ("Support agreement".encode("utf-16"), "text"), (b"<!DOCTYPE html><html>", "html"), (b"<html><body>", "html"),
    (b"\x00\x01\x02binary\x00", "binary"), (b"# Heading\n\nText.\n", "text"),
])
def test_sniff_by_first_bytes(head, kind):
    assert sniff(head) == kind


# ---------------------------------------------------------------------------------------- broken inputs

def _truncated_docx(path: Path):
    raw = SAMPLE_DOCX.read_bytes()
    path.write_bytes(raw[: len(raw) // 3])


def _docx_with_broken_xml(path: Path):
    with zipfile.ZipFile(SAMPLE_DOCX) as src, zipfile.ZipFile(path, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            if name == "word/document.xml":
                data = data[: len(data) // 2]  # unclosed elements
            out.writestr(name, data)


def _docx_with_bad_checksum(path: Path):
    raw = bytearray(SAMPLE_DOCX.read_bytes())
    with zipfile.ZipFile(SAMPLE_DOCX) as src:
        info = src.getinfo("word/document.xml")
    data_start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 64
    for i in range(data_start, data_start + 64):
        raw[i] ^= 0x5A
    path.write_bytes(bytes(raw))


def _zip_without_document(path: Path):
    with zipfile.ZipFile(path, "w") as out:
        out.writestr("notes.txt", "not a Word document")


def _truncated_pdf(path: Path):
    raw = SAMPLE_PDF.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])


def _garbage_pdf(path: Path):
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> garbage\ntrailer <<>>\n%%EOF\n")


def _random_binary(path: Path):
    path.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(8192)))


def _empty(path: Path):
    path.write_bytes(b"")


def _whitespace(path: Path):
    path.write_text(" \n\n\t \n", encoding="utf-8")


def _html(path: Path):
    path.write_text("<!DOCTYPE html>\n<html><head><title>SLA</title></head><body><p>Support is available 24x7."
                    "</p></body></html>\n", encoding="utf-8")


def _legacy_doc(path: Path):
    path.write_bytes(OLE_MAGIC + bytes(504) + b"WordDocument".ljust(64, b"\x00") + bytes(2048))


def _encrypted_office(path: Path):
    path.write_bytes(OLE_MAGIC + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(2048))


def _encrypted_pdf(path: Path):
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(path), encrypt="owner-and-user-secret")
    c.drawString(72, 720, "The Supplier shall respond within 4 hours.")
    c.save()


def _scanned_pdf(path: Path):
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(path))
    c.rect(72, 72, 400, 600, fill=1)  # an image-like page: marks, no text layer
    c.save()


BROKEN = [
    ("truncated.docx", _truncated_docx, errors.CorruptDocument),
    ("broken-xml.docx", _docx_with_broken_xml, errors.CorruptDocument),
    ("bad-crc.docx", _docx_with_bad_checksum, errors.CorruptDocument),
    ("archive.docx", _zip_without_document, errors.UnsupportedFormat),
    ("truncated.pdf", _truncated_pdf, errors.CorruptDocument),
    ("garbage.pdf", _garbage_pdf, errors.CorruptDocument),
    ("random.bin", _random_binary, errors.UnsupportedFormat),
    ("random.pdf", _random_binary, errors.UnsupportedFormat),
    ("empty.txt", _empty, errors.EmptyDocument),
    ("blank.md", _whitespace, errors.EmptyDocument),
    ("page.html", _html, errors.UnsupportedFormat),
    ("page-saved-as.txt", _html, errors.UnsupportedFormat),
    ("legacy.doc", _legacy_doc, errors.UnsupportedFormat),
    ("legacy-renamed.docx", _legacy_doc, errors.UnsupportedFormat),
    ("protected.docx", _encrypted_office, errors.EncryptedDocument),
    ("protected.pdf", _encrypted_pdf, errors.EncryptedDocument),
    ("scanned.pdf", _scanned_pdf, errors.ScannedDocument),
]


@pytest.fixture(params=BROKEN, ids=[b[0] for b in BROKEN])
def broken(request, tmp_path):
    name, make, error_type = request.param
    path = tmp_path / name
    make(path)
    return path, error_type


def test_broken_input_raises_its_typed_error(broken):
    path, error_type = broken
    with pytest.raises(error_type) as caught:
        extract(path)
    message = caught.value.message
    assert str(caught.value) == message
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert isinstance(caught.value, errors.ReviewError)


def _assert_clean_exit_2(result, path: Path):
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: "), result.stderr


@pytest.mark.parametrize("command", [["extract"], ["review"], ["review", "--format", "json"]])
def test_cli_exits_2_with_one_line_for_broken_input(broken, command):
    path, _ = broken
    result = CliRunner().invoke(main, command + [str(path)])
    _assert_clean_exit_2(result, path)
    if command[-1] == "json":  # the JSON error result is still printed for scripts
        import json
        data = json.loads(result.stdout)
        assert data["status"] == "error" and data["error"].startswith(str(path))


# --------------------------------------------------------------------------------------------------- limits

def test_file_over_max_mb(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text(("The Supplier shall respond within 4 hours. " * 30 + "\n\n") * 1200, encoding="utf-8")
    assert path.stat().st_size > 1024 * 1024
    with pytest.raises(errors.TooLarge) as caught:
        extract(path, Limits(max_bytes=1024 * 1024))
    assert caught.value.message.startswith(f"{path}: is over the size limit")
    for command in (["extract"], ["review"]):
        result = CliRunner().invoke(main, command + ["--max-mb", "1", str(path)])
        _assert_clean_exit_2(result, path)
        assert "size limit" in result.stderr
    assert CliRunner().invoke(main, ["extract", "--max-mb", "2", str(path)]).exit_code == 0


def test_pdf_over_max_pages(tmp_path):
    result = CliRunner().invoke(main, ["extract", "--max-pages", "2", str(SAMPLE_PDF)])
    _assert_clean_exit_2(result, SAMPLE_PDF)
    assert "6 pages" in result.stderr


def test_docx_that_unpacks_too_large(tmp_path, monkeypatch):
    import reviewer.extract.docx as docx_module
    monkeypatch.setattr(docx_module, "MAX_UNCOMPRESSED", 10_000)
    with pytest.raises(errors.TooLarge):
        extract(SAMPLE_DOCX)


def test_missing_file_and_folder(tmp_path):
    missing = tmp_path / "nowhere.pdf"
    for command in (["extract"], ["review"]):
        result = CliRunner().invoke(main, command + [str(missing)])
        _assert_clean_exit_2(result, missing)
    with pytest.raises(errors.ReviewError):
        extract(tmp_path)  # a folder is not a contract
    result = CliRunner().invoke(main, ["review", str(tmp_path)])
    assert result.exit_code == 2 and "Traceback" not in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text("1. Services\n", encoding="utf-8")
    path.chmod(0)
    with pytest.raises(errors.ReviewError) as caught:
        extract(path)
    assert str(path) in caught.value.message
