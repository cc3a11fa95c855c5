"""`bench/api.py` in CI size, on PostgreSQL (the bench's database): two uvicorn workers and two
schedulers on one store under concurrent clients. Correctness, never speed: every response
is 2xx with the right shape (the script checks each one and exits 1 otherwise), and the
schedulers' job locks never let one job run twice at the same time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BACKENDS, POSTGRES_ADMIN_URL

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif("postgresql" not in BACKENDS,
                                reason="bench/api.py loads its data with PostgreSQL's COPY")


def test_two_workers_and_two_schedulers_answer_every_request_correctly():
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "api.py"), "--locations", "3", "--products", "5",
         "--days", "3", "--duration", "2", "--workers", "2", "--concurrency", "4",
         "--schedulers", "2", "--admin-url", POSTGRES_ADMIN_URL],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "overlapping runs of one job: 0, exited early: 0" in run.stdout
    assert "inbox:ok" in run.stdout  # the schedulers did run jobs during the load
    for scenario in ("sell-through, 1 product", "changes, limit 500", "signals, 1 location"):
        row = next(line for line in run.stdout.splitlines() if line.startswith(scenario))
        requests, errors = (int(v) for v in row[26:].split()[2:4])
        assert requests > 0 and errors == 0, row
