#!/usr/bin/env bash
# Run the whole test suite on SQLite and PostgreSQL. Sets itself up on a fresh machine:
# creates .venv, installs edihub with its dev extra, then runs pytest (extra args pass on).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev]"
exec .venv/bin/python -m pytest "$@"
