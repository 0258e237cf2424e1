"""The PDFium text reader's shortcuts give what the plain per-character calls give."""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as R
import pytest

from reviewer.extract.pdf_pdfium import _TextReader, _Transform

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
PDFS = sorted((ROOT / "samples").glob("*.pdf")) + sorted(CORPUS.glob("*.pdf")) \
    + sorted((ROOT / "benchmarks" / "generated").glob("contract_30p*.pdf"))


def pages(path: Path, limit: int = 15):
    pdf = pdfium.PdfDocument(str(path))
    try:
        for i in range(min(len(pdf), limit)):
            page = pdf[i]
            textpage = page.get_textpage()
            try:
                yield page, textpage
            finally:
                textpage.close()
                page.close()
    finally:
        pdf.close()


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_cached_bold_and_index_mapping(path):
    for page, textpage in pages(path):
        text = textpage.get_text_range()
        rd = _TextReader(textpage, _Transform(page), len(text))
        raw = textpage.raw
        for t in range(len(text)):
            assert rd.char_index(t) == R.FPDFText_GetCharIndexFromTextIndex(raw, t)
        for c in range(min(textpage.count_chars(), len(text))):  # the chars lines use
            assert rd.text_index(c) == R.FPDFText_GetTextIndexFromCharIndex(raw, c)
        for c in range(textpage.count_chars()):
            assert rd.style(c) == (R.FPDFText_GetFontSize(raw, c), rd._bold(c))
