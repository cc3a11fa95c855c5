"""A database outage: a private PostgreSQL (never the shared one other tests use) is stopped
under a running server, in the middle of an ingest and between uploads, then started again.

Uploads answer 503 problem+json with Retry-After, never 500; nothing is half-written (an
interrupted ingest leaves only its raw bytes, `received`); the server recovers by itself,
without a restart, and what got a 503 can simply be sent again.
"""

from __future__ import annotations

import glob
import os
import shutil
import stat
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.store.migrate import upgrade
from app.store.models import StoredFile
from tests.app.faults.helpers import (
    Answer,
    Counts,
    Sale,
    counts,
    free_port,
    prepare_store,
    reading,
    start_server,
    upload,
    wait_for,
    x12_852,
)

LINES = 800
BIG = x12_852(100, 2, [Sale(store=2, product=n, week=1, quantity=1) for n in range(LINES)])


def small(control: int) -> bytes:
    return x12_852(control, 1, [Sale(store=1, product=1, week=control, quantity=control)])


class PrivatePostgres:
    """initdb into a temporary folder, pg_ctl start/stop on a free port (as the postgres
    user when we are root: the server refuses to run as root)."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="edihub-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "--no-sync", "-E", "UTF8")

    def _run(self, tool: str, *args: str) -> None:
        runas = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        result = subprocess.run([*runas, str(self.bin / tool), *args], capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, f"{tool} failed: {result.stdout}{result.stderr}"

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w",
                  "-o", f"-k {self.root} -p {self.port} -h 127.0.0.1 -c fsync=off", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    if "postgresql" not in os.environ.get("EDIHUB_TEST_BACKENDS", "sqlite,postgresql"):
        pytest.skip("a PostgreSQL test, and EDIHUB_TEST_BACKENDS leaves PostgreSQL out")
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.skip("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) to "
                    "start a private PostgreSQL that this test may stop")
    if not stat.S_ISCHR(os.stat(os.devnull).st_mode):
        pytest.skip(f"{os.devnull} is not a device on this machine (something replaced it "
                    "with a plain file the postgres user cannot write), so initdb cannot run")
    server = PrivatePostgres(Path(found[-1]).parent)
    try:
        server.init()
        server.start()
        upgrade(server.url)
        yield server
    finally:
        server.remove()


def assert_unavailable(answer: Answer) -> None:
    assert answer.status == 503, (answer.status, answer.body)
    assert answer.headers["content-type"] == "application/problem+json"
    assert int(answer.headers["retry-after"]) > 0
    problem = answer.json()
    assert (problem["status"], problem["code"]) == (503, "store-unavailable")


def test_uploads_answer_503_while_postgres_is_down_and_recover_without_a_restart(
        postgres, tmp_path):
    store = prepare_store(postgres.url)
    process, base = start_server(postgres.url, tmp_path)
    try:
        assert upload(base, store.northwind_key, small(1)).status == 201

        # Stopped in the middle of an ingest: its raw bytes are committed, its facts are not.
        answers: list[Answer] = []
        sender = threading.Thread(
            target=lambda: answers.append(upload(base, store.northwind_key, BIG)))
        sender.start()

        def big_received() -> bool:
            with reading(postgres.url) as session:
                return session.scalar(select(StoredFile.status).where(
                    StoredFile.size == len(BIG))) == "received"

        wait_for(big_received, 60, "the big upload's raw bytes", process=process)
        postgres.stop()
        sender.join(timeout=120)
        assert_unavailable(answers[0])

        # While it is down: every upload is a 503, again and again.
        for _ in range(2):
            assert_unavailable(upload(base, store.northwind_key, small(2)))

        postgres.start()
        # The same server, not restarted: the next upload succeeds, and what got a 503 is
        # simply sent again.
        assert upload(base, store.northwind_key, small(3)).status == 201
        assert upload(base, store.northwind_key, small(2)).status == 201
        assert upload(base, store.northwind_key, BIG).status == 201
        assert process.popen.poll() is None
    finally:
        process.stop()

    with reading(postgres.url) as session:
        statuses = [(f.size == len(BIG), f.status) for f in
                    session.scalars(select(StoredFile).order_by(StoredFile.id))]
    # the interrupted ingest left its raw bytes and nothing else; everything else once
    assert statuses == [(False, "processed"), (True, "received"), (False, "processed"),
                        (False, "processed"), (True, "processed")]
    assert counts(postgres.url) == Counts(files=5, interchanges=4, messages=4,
                                          facts=3 + LINES, units=1 + 2 + 3 + LINES)
