#!/usr/bin/env bash
# Create .venv and install the project with the given extras (e.g. "dev").
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ -n "$extras" ]; then
  .venv/bin/pip install -q -e ".[$extras]"
else
  .venv/bin/pip install -q -e .
fi
