"""`bench/ingest.py` in CI size: what it generates is what the store holds afterwards, on
both databases (correctness, never speed), and the bulk fact writes it measures keep the
rules of ingest: re-sent figures replace earlier ones, a repeated file counts once, and a
figure the store refuses rejects its message with the reason (never a 500)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BACKENDS, POSTGRES_ADMIN_URL, fresh_database

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "ingest.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_ingest", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_ingest"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


bench = _bench()


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    """A migrated store with the bench's sender and receiver registered."""
    from app.services.partners import register_partner
    from app.store.db import make_engine, make_session_factory, session_scope

    with fresh_database(request.param, tmp_path) as url:
        engine = make_engine(url)
        with session_scope(make_session_factory(engine)) as session:
            register_partner(session, name="Bench Distribution", role="distributor",
                             identifiers=[f"ZZ:{bench.SENDER}"])
            register_partner(session, name="Bench Manufacturing", role="manufacturer",
                             identifiers=[f"ZZ:{bench.RECEIVER}"])
        engine.dispose()
        yield url


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_small_bench_stores_exactly_what_it_generated(backend, tmp_path):
    if backend == "postgresql":
        _reachable_postgres()
    out = tmp_path / "rows.json"
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--small", "--backends", backend,
         "--admin-url", POSTGRES_ADMIN_URL, "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    rows = json.loads(out.read_text())
    ours = {r["kind"]: r for r in rows if r["contender"] == "edihub"}
    assert set(ours) == {"852", "850"}
    assert all(r["problems"] == [] for r in ours.values())
    shape = bench.SMALL
    assert ours["852"]["facts"] == 2 * shape.stores * shape.products * shape.reports
    assert ours["850"]["facts"] == shape.orders * shape.lines_per_po
    baseline = "copy" if backend == "postgresql" else "executemany"
    assert {r["kind"] for r in rows if r["contender"] == baseline} == {"852", "850"}


def _reachable_postgres() -> None:
    """Skip (fail under CI) when the server is down, as the database fixtures do."""
    import psycopg

    try:
        psycopg.connect(bench._libpq(POSTGRES_ADMIN_URL), connect_timeout=5).close()
    except psycopg.Error as exc:
        message = f"PostgreSQL at {POSTGRES_ADMIN_URL} is unreachable: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _generate(tmp_path: Path, kind: str, first_control: int = 1):
    path = tmp_path / f"{kind}-{first_control}.edi"
    return path, bench.generate(path, kind, 1, bench.SMALL, first_control)


def test_verify_finds_a_missing_fact_and_a_repeated_file_counts_once(store, tmp_path):
    path, expected = _generate(tmp_path, "852")
    first = bench.work_ingest(store, str(path))
    assert bench.verify(store, expected, first["file_id"], bench.SMALL.stores) == []

    again = bench.work_ingest(store, str(path))  # the same bytes: a duplicate
    assert again["status"] == "duplicate"
    assert bench.verify(store, expected, first["file_id"], bench.SMALL.stores) == []

    _execute(store, "DELETE FROM sales_facts WHERE id = (SELECT min(id) FROM sales_facts)")
    problems = bench.verify(store, expected, first["file_id"], bench.SMALL.stores)
    assert any(p.startswith("sales facts:") for p in problems), problems


def test_a_resent_report_replaces_its_figures(store, tmp_path):
    path, expected = _generate(tmp_path, "852")
    bench.work_ingest(store, str(path))
    # The same reports in new interchanges (other control numbers), one store's QS doubled.
    text = _generate(tmp_path, "852", first_control=expected.interchanges + 1)[0].read_text()
    resent = tmp_path / "resent.edi"
    resent.write_text(text.replace("*S0000*", "*S0000*1", 1), encoding="latin-1")
    result = bench.work_ingest(store, str(resent))
    assert result["status"] in ("processed", "partially_accepted")
    count, = _query(store, "SELECT count(*) FROM sales_facts")[0]
    assert count == expected.sales  # replaced, not added
    snapshots, = _query(store, "SELECT count(*) FROM inventory_snapshots")[0]
    assert snapshots == expected.snapshots
    # report 0, item 0, store S0000: its QS figure was sent again with a "1" in front
    quantities = _query(store, "SELECT f.quantity FROM sales_facts f JOIN locations l ON "
                               "l.id = f.location_id JOIN products p ON p.id = f.product_id "
                               "WHERE l.code = 'S0000' AND f.period_start = '2024-01-01' "
                               f"AND p.gtin = '00{bench.upc_of(0)}'")
    assert quantities == [(_stored(store, int(f"1{bench.sold_of(0, 0, 0)}")),)]


def test_a_figure_the_store_refuses_rejects_only_its_message(store, tmp_path):
    path, expected = _generate(tmp_path, "852")
    text = path.read_text()
    # A unit of measure longer than its column in the first report's first SDQ (PostgreSQL
    # refuses it; SQLite does not check lengths), a quantity too large for NUMERIC(18, 4) in
    # the second's: those messages are rejected with the reason, the others are stored.
    first_sdq = text.index("SDQ*EA*")
    text = text[:first_sdq] + "SDQ*EACHESEACHESEACHES*" + text[first_sdq + len("SDQ*EA*"):]
    second = text.index("ST*852*0002")
    at = text.index("*S0000*", second) + len("*S0000*")
    end = text.index("*", at)
    text = text[:at] + "1E+300" + text[end:]
    broken = tmp_path / "broken.edi"
    broken.write_text(text, encoding="latin-1")
    result = bench.work_ingest(store, str(broken))
    assert result["status"] == "partially_accepted"
    rejected = _query(store, "SELECT m.control_number, i.text FROM messages m JOIN issues i "
                             "ON i.message_id = m.id WHERE m.status = 'rejected' "
                             "AND i.severity = 'error' ORDER BY m.control_number")
    postgres = not store.startswith("sqlite")
    assert [c for c, _ in rejected] == (["0001", "0002"] if postgres else ["0002"])
    assert all("could not be stored" in t for _, t in rejected), rejected
    per_report = bench.SMALL.stores * bench.SMALL.products
    count, = _query(store, "SELECT count(*) FROM sales_facts")[0]
    assert count == expected.sales - len(rejected) * per_report


def _stored(url: str, units: int) -> int:
    return units * 10_000 if url.startswith("sqlite") else units


def _query(url: str, sql: str) -> list[tuple]:
    return bench._query(url, sql)


def _execute(url: str, sql: str) -> None:
    if url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        with conn:
            conn.execute(sql)
        conn.close()
        return
    import psycopg

    with psycopg.connect(bench._libpq(url)) as conn:
        conn.execute(sql)
