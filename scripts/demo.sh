#!/usr/bin/env bash
# Quick start 1: set everything up and scan the bundled samples into reports/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/contract-review scan samples --out reports --include "*.docx" --include "*.pdf"
echo "open reports/index.html"
