"""Write every report of a fixed set of contracts to a folder, or compare two such folders.

A speed change must not change what the tool says. Take a snapshot before the change and
one after, then compare::

    .venv/bin/python benchmarks/snapshot.py /tmp/before
    # ... change the code ...
    .venv/bin/python benchmarks/snapshot.py /tmp/after --compare /tmp/before

The set: the bundled samples, the generated benchmark contracts (PDF and DOCX, tables and
two-column pages; run ``benchmarks/generate.py`` or ``benchmarks/run.py`` once to make them)
and, where ``../shared/corpus`` exists, its contracts. Each file gives ``<name>.json`` (the
full result: clauses with labels, scores and reasons, checklist, findings) and
``<name>.html``. The compare prints each file that differs with the first differing lines
and exits 1 if any does.
"""
from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CONTRACT_SUFFIXES = {".pdf", ".docx", ".md", ".txt"}


def snapshot_files() -> list[Path]:
    files = [p for p in sorted((ROOT / "samples").iterdir()) if p.suffix in {".pdf", ".docx"}]
    generated = ROOT / "benchmarks" / "generated"
    if generated.is_dir():
        files += [p for p in sorted(generated.iterdir())
                  if p.suffix in {".pdf", ".docx"} and "300p" not in p.name]
    corpus = ROOT.parent / "shared" / "corpus"
    if corpus.is_dir():
        files += [p for p in sorted(corpus.iterdir())
                  if p.suffix in CONTRACT_SUFFIXES and p.name != "README.md"]
    return files


def write(out: Path) -> None:
    from reviewer.pipeline import Reviewer
    from reviewer.report import render
    out.mkdir(parents=True, exist_ok=True)
    reviewer = Reviewer()
    for path in snapshot_files():
        result = reviewer.review_file(path, display_name=path.name)
        stem = f"{path.parent.name}__{path.name}"
        (out / f"{stem}.json").write_text(render(result, "json"), encoding="utf-8")
        (out / f"{stem}.html").write_text(render(result, "html"), encoding="utf-8")
    print(f"{len(snapshot_files())} files -> {out}")


def compare(new: Path, old: Path) -> int:
    names = sorted({p.name for p in old.iterdir()} | {p.name for p in new.iterdir()})
    differing = 0
    for name in names:
        a, b = old / name, new / name
        if not a.exists() or not b.exists():
            print(f"{name}: only in {'new' if b.exists() else 'old'}")
            differing += 1
            continue
        if a.read_bytes() == b.read_bytes():
            continue
        differing += 1
        diff = list(difflib.unified_diff(a.read_text().splitlines(), b.read_text().splitlines(),
                                         "before", "after", n=1, lineterm=""))
        print(f"{name}: differs ({sum(1 for d in diff if d.startswith(('+', '-')))} lines)")
        print("\n".join(diff[:24]))
    print(f"{len(names)} reports compared, {differing} differ")
    return 1 if differing else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="folder to write the reports into")
    ap.add_argument("--compare", type=Path, metavar="BEFORE", help="then compare with this earlier snapshot")
    args = ap.parse_args()
    write(args.out)
    return compare(args.out, args.compare) if args.compare else 0


if __name__ == "__main__":
    sys.exit(main())
