"""While files are ingested, Python's full (oldest-generation) collections are rarer
(`ingest.fewer_full_collections`): an interchange's segments, documents and rows live until
it is written, so every few hundred orders they reach the oldest generation and set off a
collection of the whole heap, ~90 ms each, a quarter of the CPU of an 850 ingest. Young
generations are collected as before; the threshold is put back when the last ingest ends."""

from __future__ import annotations

import gc
import threading

import pytest

from app.services import ingest
from app.services.ingest import Upload, fewer_full_collections, ingest_upload


@pytest.fixture(autouse=True)
def default_thresholds():
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*saved)


def test_full_collections_are_rarer_only_while_it_runs() -> None:
    with fewer_full_collections():
        assert gc.get_threshold() == (700, 10, ingest.FULL_COLLECTION_THRESHOLD)
    assert gc.get_threshold() == (700, 10, 10)


def test_the_threshold_is_put_back_when_the_ingest_fails() -> None:
    with pytest.raises(RuntimeError), fewer_full_collections():
        raise RuntimeError("a defect")
    assert gc.get_threshold() == (700, 10, 10)


def test_a_higher_threshold_set_by_the_process_is_kept() -> None:
    gc.set_threshold(700, 10, 5000)
    with fewer_full_collections():
        assert gc.get_threshold() == (700, 10, 5000)
    assert gc.get_threshold() == (700, 10, 5000)


def test_overlapping_ingests_put_it_back_when_the_last_one_ends() -> None:
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first() -> None:
        with fewer_full_collections():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with fewer_full_collections():
            second_in.set()
            first_out.wait(5)
            seen["after the first ended"] = gc.get_threshold()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen["after the first ended"] == (700, 10, ingest.FULL_COLLECTION_THRESHOLD)
    assert gc.get_threshold() == (700, 10, 10)


def test_an_upload_is_processed_with_fewer_full_collections(
        sessions, settings, make_partner, monkeypatch) -> None:
    make_partner("Northwind Distribution", "distributor", ["ZZ:NORTHWIND"])
    seen = []
    ingest_interchange = ingest._ingest_interchange

    def spy(*args, **kwargs):
        seen.append(gc.get_threshold())
        return ingest_interchange(*args, **kwargs)

    monkeypatch.setattr(ingest, "_ingest_interchange", spy)
    content = (b"ISA*00*          *00*          *ZZ*NORTHWIND      *ZZ*ACMEFOODS      *261120*"
               b"1200*U*00401*000000001*0*P*>~GS*PO*NORTHWIND*ACMEFOODS*20261120*1200*1*X*004010~"
               b"ST*850*0001~BEG*00*SA*PO-1**20261120~PO1*1*5*EA*2.25**UP*012345678905~CTT*1~"
               b"SE*5*0001~GE*1*1~IEA*1*000000001~")
    ingest_upload(sessions, Upload(source="cli", content=content), settings)
    assert seen == [(700, 10, ingest.FULL_COLLECTION_THRESHOLD)]
    assert gc.get_threshold() == (700, 10, 10)
