#!/usr/bin/env bash
# Quick start 2: set up with the test extras and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh "[test]"
.venv/bin/python -m pytest -q "$@"
