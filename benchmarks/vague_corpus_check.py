#!/usr/bin/env python3
"""Measure the vague-term engine alone against the labelled corpus (../shared/corpus).

Independent of the project's extraction and segmentation: each document is read in the
simplest way (Markdown: the file with HTML tags stripped; PDF: pdfplumber's extract_text
per page), cut into blocks at blank lines and into sentences at '. ' before a capital
letter, and handed to ``VagueLexicon.find``. Findings are judged the way
``shared/tools/score-corpus.py`` judges them: a finding matches a labelled occurrence
when its text contains the phrase's longest word and its sentence shares at least half
its words with the labelled context.

Prints, per document, the labelled occurrences missed, the false positives (documents
labelled exhaustively only) and the labelled ``no_flag`` occurrences that were flagged;
then precision (exhaustive documents) and recall (all documents).

    .venv/bin/python benchmarks/vague_corpus_check.py [--corpus DIR] [--only REGEX] [-q]

Use it to find general weaknesses, not to fit the exact sentences of the corpus.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from reviewer.checks.vague import SentenceInput, VagueLexicon  # noqa: E402
from reviewer.evaluate import finding_matches  # noqa: E402

DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus"
SENTENCE_CUT = re.compile(r"(?<=\.)\s+(?=[A-Z])")
BLOCK_CUT = re.compile(r"\n[ \t]*\n")


def matches(finding, gold) -> bool:
    """The scorer's rule (shared/tools/score-corpus.py), as reviewer.evaluate applies it."""
    return finding_matches({"text": finding.text, "sentence": finding.sentence}, gold)


def extract(path: Path) -> list[tuple[str, int | None]]:
    """Pages (or the one page of a text file) as (text, page number)."""
    if path.suffix.lower() == ".pdf":
        import pdfplumber
        with pdfplumber.open(path) as pdf:
            return [(page.extract_text() or "", n) for n, page in enumerate(pdf.pages, 1)]
    text = path.read_text(encoding="utf-8", errors="replace")
    return [(re.sub(r"<[^>]+>", "", text), None)]


def sentences(pages: list[tuple[str, int | None]]) -> list[SentenceInput]:
    out: list[SentenceInput] = []
    offset = 0
    for text, page in pages:
        pos = 0
        for block in BLOCK_CUT.split(text):
            bstart = text.find(block, pos)
            pos = bstart + len(block)
            if not block.strip():
                continue
            spos = 0
            for sent in SENTENCE_CUT.split(block):
                sstart = block.find(sent, spos)
                spos = sstart + len(sent)
                if not sent.strip():
                    continue
                start = offset + bstart + sstart
                out.append(SentenceInput(text=sent, start=start, end=start + len(sent), page=page,
                                         clause=None, clause_text=block))
        offset += len(text) + 2
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--only", default="", help="regex on file names")
    ap.add_argument("-q", "--quiet", action="store_true", help="figures only")
    a = ap.parse_args()
    corpus = Path(a.corpus)
    labels = sorted((corpus / "expected").glob("*.json"))
    if not labels:
        print(f"no labels in {corpus / 'expected'}", file=sys.stderr)
        return 2
    lexicon = VagueLexicon.load()
    tp = fn = tp_prec = fp_prec = nf_hit = 0
    for lf in labels:
        lab = json.loads(lf.read_text())
        name = lab["file"]
        if a.only and not re.search(a.only, name):
            continue
        path = corpus / name
        if not path.exists():
            print(f"{name}: missing")
            continue
        findings = lexicon.find(sentences(extract(path)))
        vague = lab.get("vague", {})
        gold, no_flag, exhaustive = vague.get("flag", []), vague.get("no_flag", []), vague.get("exhaustive")
        lines = []
        for g in gold:
            if any(matches(f, g) for f in findings):
                tp += 1
            else:
                fn += 1
                lines.append(f"  MISS  {g['phrase']!r}: {' '.join(g['context'].split())[:110]!r}")
        for g in no_flag:
            hit = [f for f in findings if matches(f, g)]
            if hit:
                nf_hit += 1
                lines.append(f"  NOFLAG-HIT {g['phrase']!r} ({hit[0].rule}): {' '.join(g['context'].split())[:90]!r}")
        if exhaustive:
            for f in findings:
                if any(matches(f, g) for g in gold):
                    tp_prec += 1
                else:
                    fp_prec += 1
                    lines.append(f"  FALSE {f.rule} {f.text!r}: {' '.join(f.sentence.split())[:110]!r}")
        if not a.quiet:
            print(f"{name}: {len(findings)} findings, {len(gold)} labelled"
                  f"{' (exhaustive)' if exhaustive else ''}")
            print("\n".join(lines)) if lines else None
    prec = tp_prec / (tp_prec + fp_prec) if tp_prec + fp_prec else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    print(f"vague precision {prec:.2f} ({tp_prec}/{tp_prec + fp_prec}, exhaustive documents), "
          f"recall {rec:.2f} ({tp}/{tp + fn}); labelled no_flag occurrences flagged: {nf_hit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
