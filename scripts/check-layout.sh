#!/usr/bin/env bash
# The layout rules of docs/architecture.md (layers, no import cycle between files, files of at
# most 400 lines), checked by scripts/check-layout.py after its self-test shows it would catch a
# planted circle and an upward import.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 scripts/check-layout.py --self-test
python3 scripts/check-layout.py
