"""Crash safety, with real processes really killed (SIGKILL) in the middle of an ingest.

The server: the raw bytes of an upload are committed before processing, so after a kill they
are kept (same sha256), nothing of a half-done ingest is visible, and reprocessing completes
it. The scheduler: a file dropped in the inbox whose run was killed is ingested exactly once
by the next run, moved to the archive, and the killed run never counts as a success.

EDIHUB_FAULTS_FULL=1 uses a report four times as big.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time

from sqlalchemy import select

from app.store.models import JobRun, StoredFile
from tests.app.faults.helpers import (
    BIN,
    Answer,
    Counts,
    Process,
    Sale,
    call,
    child_env,
    counts,
    prepare_store,
    reading,
    start_server,
    upload,
    wait_for,
    x12_852,
)

LINES = 6000 if os.environ.get("EDIHUB_FAULTS_FULL") else 800
SALES = [Sale(store=1, product=n, week=0, quantity=n + 1) for n in range(LINES)]
BIG = x12_852(1, 1, SALES)
UNITS = sum(sale.quantity for sale in SALES)
NOTHING_PROCESSED = Counts(files=1, interchanges=0, messages=0, facts=0, units=0)


def files(url: str) -> list[StoredFile]:
    with reading(url) as session:
        return list(session.scalars(select(StoredFile).order_by(StoredFile.id)))


def job_runs(url: str) -> list[JobRun]:
    with reading(url) as session:
        return list(session.scalars(select(JobRun).where(JobRun.job_id == "inbox")
                                    .order_by(JobRun.id)))


def received_file(url: str) -> StoredFile | None:
    """The stored file once its raw bytes are committed and its processing has not ended."""
    stored = files(url)
    return stored[0] if stored and stored[0].status == "received" else None


def kill_mid_ingest(process: Process, url: str) -> StoredFile:
    """Wait until the raw file is committed, let processing run a moment, SIGKILL."""
    wait_for(lambda: received_file(url), 60, "the raw file to be stored", process=process)
    time.sleep(0.3)
    process.kill()
    stored = files(url)
    assert [f.status for f in stored] == ["received"], "killed too late: ingest had ended"
    return stored[0]


def test_a_server_killed_mid_ingest_keeps_the_raw_file_and_reprocess_completes_it(
        fresh_store_url, tmp_path):
    store = prepare_store(fresh_store_url)
    process, base = start_server(fresh_store_url, tmp_path)
    answers: list[Answer | Exception] = []

    def send() -> None:
        try:
            answers.append(upload(base, store.northwind_key, BIG))
        except Exception as exc:  # the connection dies with the server
            answers.append(exc)

    sender = threading.Thread(target=send)
    try:
        sender.start()
        stored = kill_mid_ingest(process, fresh_store_url)
        sender.join(timeout=30)
    finally:
        process.stop()
    assert len(answers) == 1 and isinstance(answers[0], Exception), answers
    assert stored.sha256 == hashlib.sha256(BIG).hexdigest()
    assert counts(fresh_store_url) == NOTHING_PROCESSED  # nothing of the half-done ingest

    process, base = start_server(fresh_store_url, tmp_path)
    try:
        raw = call("GET", f"{base}/v1/interchanges/{stored.id}/raw", store.northwind_key)
        assert raw.status == 200 and raw.body == BIG
        assert raw.headers["x-content-sha256"] == hashlib.sha256(BIG).hexdigest()
        before = call("GET", f"{base}/v1/interchanges/{stored.id}", store.northwind_key)
        assert (before.json()["status"], before.json()["interchanges"]) == ("received", [])

        done = call("POST", f"{base}/v1/interchanges/{stored.id}/reprocess", store.ops_key)
        assert done.status == 200, done.body
        described = done.json()
        assert described["status"] == "processed"
        assert [m["status"] for i in described["interchanges"] for m in i["messages"]] == [
            "accepted"]
    finally:
        process.stop()
    assert counts(fresh_store_url) == Counts(files=1, interchanges=1, messages=1,
                                             facts=LINES, units=UNITS)


def test_a_scheduler_killed_mid_inbox_run_ingests_the_file_once_after_restart(
        fresh_store_url, tmp_path):
    prepare_store(fresh_store_url)
    folder = tmp_path / "inbox" / "northwind"
    folder.mkdir(parents=True)
    dropped = folder / "big-852.edi"
    dropped.write_bytes(BIG)
    past = time.time() - 60
    os.utime(dropped, (past, past))
    env = child_env(inbox_dir=str(tmp_path / "inbox"), inbox_interval_seconds="1",
                    inbox_settle_seconds="0", job_lock_ttl_seconds="3")

    def scheduler() -> Process:
        return Process([str(BIN / "edihub"), "scheduler", "--database-url", fresh_store_url],
                       tmp_path / "scheduler.log", env, tmp_path)

    first = scheduler()
    try:
        kill_mid_ingest(first, fresh_store_url)
    finally:
        first.stop()
    assert dropped.exists()  # not moved: its run never finished
    assert counts(fresh_store_url) == NOTHING_PROCESSED
    assert [run.outcome for run in job_runs(fresh_store_url)] == ["running"]

    second = scheduler()
    try:
        archive = folder / "archive"
        wait_for(lambda: archive.is_dir() and len(list(archive.iterdir())) == 2, 120,
                 "the file to be archived", interval=0.2, process=second)
    finally:
        second.stop()
    assert not dropped.exists()
    moved = sorted(archive.iterdir())
    assert moved[0].read_bytes() == BIG
    assert moved[1].name.endswith(".reason.txt") and "processed" in moved[1].read_text()
    # The raw file stored by the killed run was resumed, not stored a second time.
    assert [(f.status, f.source) for f in files(fresh_store_url)] == [("processed", "inbox")]
    assert counts(fresh_store_url) == Counts(files=1, interchanges=1, messages=1,
                                             facts=LINES, units=UNITS)
    runs = job_runs(fresh_store_url)
    assert runs[0].outcome != "ok"  # the killed run never counts as a success
    assert "ok" in [run.outcome for run in runs[1:]]
