#!/usr/bin/env bash
# Build the demo store (SQLite, no configuration) and serve it on http://127.0.0.1:8000.
# Sets itself up on a fresh machine: creates .venv and installs edihub first.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
exec .venv/bin/edihub demo --serve "$@"
