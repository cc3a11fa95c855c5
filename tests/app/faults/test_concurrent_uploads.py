"""Eight uploaders at once against a real server with several workers on PostgreSQL: every
distinct fact is stored once, every repeat sent at the same moment as its original is
answered as a duplicate, nothing answers 5xx, and a poller of the change feed running
meanwhile collects every fact exactly once.

SQLite writes one transaction at a time (BEGIN IMMEDIATE), so there is no race to find there;
the test runs on PostgreSQL only. CI sends 160 distinct files and 24 twice;
EDIHUB_FAULTS_FULL=1 sends 400 distinct files and 50 twice.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from urllib.parse import quote

import pytest
from sqlalchemy.engine import make_url

from tests.app.faults.helpers import Sale, call, counts, prepare_store, start_server, upload
from tests.app.faults.helpers import x12_852 as report

FULL = bool(os.environ.get("EDIHUB_FAULTS_FULL"))
DISTINCT, TWICE, UPLOADERS = (400, 50, 8) if FULL else (160, 24, 8)
STORES, PRODUCTS = 10, 9  # x weeks: every (store, product, week) is one distinct fact


def sales() -> list[Sale]:
    """DISTINCT + TWICE facts, each at its own (store, product, week), quantity n + 1."""
    return [Sale(store=n % STORES, product=(n // STORES) % PRODUCTS,
                 week=n // (STORES * PRODUCTS), quantity=n + 1)
            for n in range(DISTINCT + TWICE)]


@pytest.fixture
def server(fresh_store_url, tmp_path):
    if make_url(fresh_store_url).get_backend_name() != "postgresql":
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE): concurrent uploads cannot "
                    "race there; this runs on PostgreSQL")
    store = prepare_store(fresh_store_url)
    process, base = start_server(fresh_store_url, tmp_path, workers=3)
    try:
        yield store, base, process
    finally:
        process.stop()


class Poller(threading.Thread):
    """Follows GET /v1/sell-through/changes with its cursor until told to finish, then
    until it has `expected` facts or nothing more comes for a while."""

    def __init__(self, base: str, key: str) -> None:
        super().__init__(daemon=True)
        self.base, self.key = base, key
        self.ids: list[int] = []
        self.quantities: list[int] = []
        self.statuses: Counter[int] = Counter()
        self.errors: list[Exception] = []
        self.expected: int | None = None
        self.stopped = threading.Event()

    def run(self) -> None:
        cursor = ""
        quiet_since = None
        while not self.stopped.is_set():
            try:
                answer = call("GET", f"{self.base}/v1/sell-through/changes?limit=200"
                              f"&cursor={quote(cursor)}", self.key)
            except OSError as exc:
                self.errors.append(exc)
                return
            self.statuses[answer.status] += 1
            if answer.status != 200:
                time.sleep(0.1)
                continue
            page = answer.json()
            cursor = page["next_cursor"]
            self.ids += [f["id"] for f in page["items"]]
            self.quantities += [int(float(f["quantity"])) for f in page["items"]]
            if page["items"]:
                quiet_since = None
                continue
            if self.expected is not None:
                if len(self.ids) >= self.expected:
                    return
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since > 60:  # a long transaction elsewhere
                    return
            time.sleep(0.05)


def test_concurrent_uploads_store_each_fact_once_and_report_each_repeat(server):
    store, base, process = server
    facts = sales()
    files = [report(n + 1, sale.store, [sale]) for n, sale in enumerate(facts)]
    distinct, twice = files[:DISTINCT], files[DISTINCT:]
    # Four pairs of uploaders; both members of a pair send each of their pair's repeated
    # files at the same moment (a barrier), between files of their own.
    pairs = UPLOADERS // 2
    barriers = [threading.Barrier(2, timeout=120) for _ in range(pairs)]
    answers: list[tuple[str, int, int, dict | bytes]] = []  # (kind, file index, status, body)
    lock = threading.Lock()

    def uploader(number: int) -> None:
        pair = number // 2
        own = list(range(number, DISTINCT, UPLOADERS))
        repeats = list(range(pair, TWICE, pairs))
        every = max(1, len(own) // max(1, len(repeats)))
        plan = []
        for step, index in enumerate(own):
            plan.append(("distinct", index))
            if step % every == every - 1 and repeats:
                plan.append(("twice", repeats.pop(0)))
        plan += [("twice", index) for index in repeats]
        for kind, index in plan:
            try:
                if kind == "twice":
                    barriers[pair].wait()
                answer = upload(base, store.northwind_key,
                                (distinct if kind == "distinct" else twice)[index])
            except (OSError, threading.BrokenBarrierError) as exc:
                with lock:
                    answers.append((kind, index, 0, repr(exc).encode()))
                return
            body = answer.json() if answer.headers.get("content-type", "").endswith(
                "json") else answer.body
            with lock:
                answers.append((kind, index, answer.status, body))

    poller = Poller(base, store.ops_key)
    poller.start()
    try:
        threads = [threading.Thread(target=uploader, args=(n,)) for n in range(UPLOADERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        assert not any(thread.is_alive() for thread in threads), "an uploader hung"
        check_uploads(store, process, facts, answers)
        poller.expected = DISTINCT + TWICE
        poller.join(timeout=180)
        assert not poller.is_alive(), "the poller hung"
    finally:
        poller.stopped.set()
    assert not poller.errors and set(poller.statuses) == {200}, (poller.errors,
                                                              poller.statuses)
    assert len(poller.ids) == len(set(poller.ids)) == DISTINCT + TWICE
    assert sum(poller.quantities) == sum(sale.quantity for sale in facts)


def check_uploads(store, process, facts: list[Sale], answers: list) -> None:
    """No failure at all; distinct files created, each repeated file once created and
    once a duplicate; the store holds every fact once."""
    statuses = Counter(status for _, _, status, _ in answers)
    failures = [(kind, index, status, body) for kind, index, status, body in answers
                if not 200 <= status < 300]  # 0: no answer at all
    assert not failures, f"{statuses}: {failures[:5]}\n{process.tail()}"
    assert len(answers) == DISTINCT + 2 * TWICE

    assert all(status == 201 and not body["duplicate"]
               for kind, _, status, body in answers if kind == "distinct")
    for index in range(TWICE):
        pair = sorted((status, body["duplicate"]) for kind, i, status, body in answers
                      if kind == "twice" and i == index)
        assert pair == [(200, True), (201, False)], (index, pair)

    held = counts(store.url)
    assert (held.files, held.interchanges, held.messages, held.facts, held.units) == (
        DISTINCT + 2 * TWICE, DISTINCT + TWICE, DISTINCT + TWICE, DISTINCT + TWICE,
        sum(sale.quantity for sale in facts))
