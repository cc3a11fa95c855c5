"""Sales facts partitioned by month on PostgreSQL (app/store/partition.py, migration 0013);
one plain table on SQLite, with the same behaviour seen from the queries."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import func, inspect, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from app.store import partition
from app.store import sales as sales_store
from app.store.db import make_engine, make_session_factory, session_scope
from app.store.models import (
    Interchange,
    Location,
    Message,
    Partner,
    Product,
    SalesFact,
    StoredFile,
)
from app.store.sales import DemandScope

_counter = itertools.count(1)
# Months far from today's runway, so only the tests make their partitions.
JAN, FEB, MAR = date(2031, 1, 1), date(2031, 2, 1), date(2031, 3, 1)


def postgresql_only(session_or_url) -> None:
    name = (session_or_url.get_bind().dialect.name if isinstance(session_or_url, Session)
            else session_or_url.split(":")[0].split("+")[0])
    if name != "postgresql":
        pytest.skip("sales facts are partitioned on PostgreSQL only")


def world(session: Session) -> dict:
    """A reporter, two locations, two products and a message for facts to point to."""
    n = next(_counter)
    reporter = Partner(slug=f"dist-{n}", name=f"Distributor {n}", role="distributor")
    session.add(reporter)
    session.flush()
    locations = [Location(partner_id=reporter.id, code=f"S{i}") for i in range(2)]
    products = [Product(gtin=f"{n:07d}{i:07d}") for i in range(2)]
    file = StoredFile(sha256=f"{n:064d}", size=1, source="cli", status="processed")
    session.add_all([*locations, *products, file])
    session.flush()
    interchange = Interchange(file_id=file.id, position=1, standard="x12", sender="S",
                              receiver="R", control_number=f"P{n}", status="accepted")
    session.add(interchange)
    session.flush()
    message = Message(interchange_id=interchange.id, position=1, type="852",
                      control_number="1", status="accepted")
    session.add(message)
    session.flush()
    return {"reporter": reporter.id, "message": message.id,
            "locations": [loc.id for loc in locations], "products": [p.id for p in products]}


def fact(w: dict, day: date, quantity: int, *, location: int = 0, product: int = 0) -> dict:
    return {"location_id": w["locations"][location], "product_id": w["products"][product],
            "period_start": day, "period_end": day, "measure": "sold",
            "quantity": Decimal(quantity), "uom": "EA", "amount": None, "currency": None,
            "message_id": w["message"], "segment_number": 1, "raw_qualifier": "ZA:QS"}


def write(session: Session, w: dict, rows: list[dict]) -> None:
    sales_store.replace_sales_facts(session, reporter_id=w["reporter"], test=False, rows=rows)
    session.flush()


def where_stored(session: Session) -> dict[int, str]:
    """Fact id -> the partition holding it."""
    return dict(session.execute(text(
        "SELECT id, tableoid::regclass::text FROM sales_facts")).all())


def in_default(session: Session) -> int:
    return session.scalar(text(f"SELECT count(*) FROM {partition.DEFAULT_PARTITION}"))


@pytest.fixture
def months(session, sessions) -> list[date]:
    """Partitions for JAN, FEB and MAR 2031 (made in the test's transaction, rolled back)."""
    postgresql_only(session)
    report = partition.prepare_partitions(sessions, [JAN, FEB, MAR])
    assert report.created == [JAN, FEB, MAR] and report.waiting == []
    return [JAN, FEB, MAR]


# --- the table -----------------------------------------------------------------------------


def test_sales_facts_is_partitioned_by_month_with_a_default(session) -> None:
    postgresql_only(session)
    key = session.scalar(text("SELECT pg_get_partkeydef('sales_facts'::regclass)"))
    assert key == "RANGE (period_start)"
    bound = session.scalar(text(
        "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = :n"),
        {"n": partition.DEFAULT_PARTITION})
    assert bound == "DEFAULT"
    pk = inspect(session.connection()).get_pk_constraint("sales_facts")
    assert pk["constrained_columns"] == ["id", "period_start"]
    # the runway made by the migration: last month to three ahead
    assert set(partition.runway(datetime.now(UTC).date())) <= partition.partition_months(
        session.connection())


def test_sqlite_keeps_one_table_keyed_by_the_id_alone(session) -> None:
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("the SQLite schema")
    pk = inspect(session.connection()).get_pk_constraint("sales_facts")
    assert pk["constrained_columns"] == ["id"]
    sql = session.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'sales_facts'"))
    assert "AUTOINCREMENT" in sql
    assert not partition.is_partitioned(session.connection())


def test_every_index_is_on_every_partition(session, months) -> None:
    parent = {tuple(ix["column_names"]) for ix in inspect(session.connection())
              .get_indexes("sales_facts")}
    assert len(parent) == 8
    for name in [partition.partition_name(m) for m in months] + [partition.DEFAULT_PARTITION]:
        child = {tuple(ix["column_names"]) for ix in inspect(session.connection())
                 .get_indexes(name)}
        assert parent <= child, name


# --- writes ---------------------------------------------------------------------------------


def test_facts_land_in_their_months_partition_and_default_stays_empty(session,
                                                                      months) -> None:
    w = world(session)
    write(session, w, [fact(w, date(2031, 1, 31), 1), fact(w, date(2031, 2, 1), 2),
                       fact(w, date(2031, 3, 15), 3, location=1)])
    stored = session.execute(text(
        "SELECT period_start, tableoid::regclass::text FROM sales_facts "
        "ORDER BY period_start")).all()
    assert stored == [(date(2031, 1, 31), "sales_facts_2031_01"),
                      (date(2031, 2, 1), "sales_facts_2031_02"),
                      (date(2031, 3, 15), "sales_facts_2031_03")]
    assert in_default(session) == 0


def test_the_writing_transaction_takes_no_lock_that_stops_readers(session) -> None:
    """A month without a partition: no DDL in the writer's transaction (the facts go to
    DEFAULT), so it holds nothing stronger than ROW EXCLUSIVE on the facts."""
    postgresql_only(session)
    w = world(session)
    write(session, w, [fact(w, date(2019, 5, 6), 4)])
    held = session.execute(text(
        "SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE l.pid = pg_backend_pid() AND c.relname LIKE 'sales_facts%'")).all()
    assert held and {mode for _, mode in held} <= {"AccessShareLock", "RowExclusiveLock"}
    assert set(where_stored(session).values()) == {partition.DEFAULT_PARTITION}


def test_a_month_without_partition_goes_to_default_and_maintenance_moves_it_out(
        session, sessions) -> None:
    postgresql_only(session)
    w = world(session)
    write(session, w, [fact(w, date(2019, 5, 6), 4), fact(w, date(2019, 5, 20), 5),
                       fact(w, date(2019, 7, 1), 6)])
    before = session.execute(text(
        "SELECT id, tx_id, period_start FROM sales_facts ORDER BY id")).all()
    assert in_default(session) == 3

    report = partition.maintain_sales_partitions(sessions, datetime.now(UTC).date())

    assert {date(2019, 5, 1), date(2019, 7, 1)} <= set(report.created)
    assert report.moved == 3 and report.waiting == []
    assert in_default(session) == 0
    after = session.execute(text(
        "SELECT id, tx_id, period_start FROM sales_facts ORDER BY id")).all()
    assert after == before  # ids and tx_ids kept
    assert sorted(where_stored(session).values()) == [
        "sales_facts_2019_05", "sales_facts_2019_05", "sales_facts_2019_07"]
    # nothing left to do
    assert partition.maintain_sales_partitions(
        sessions, datetime.now(UTC).date()).as_dict() == {"created": [], "moved": 0,
                                                          "waiting": []}


def test_replacing_a_report_works_across_partitions(session, months) -> None:
    w = world(session)
    days = [date(2031, 1, 10), date(2031, 2, 10), date(2019, 5, 6)]  # the last in DEFAULT
    write(session, w, [fact(w, day, 1) for day in days])
    first = set(where_stored(session))

    write(session, w, [fact(w, day, 7) for day in days])

    rows = session.execute(select(SalesFact.id, SalesFact.period_start, SalesFact.quantity)
                           .order_by(SalesFact.period_start)).all()
    assert [(day, quantity) for _, day, quantity in rows] == [
        (date(2019, 5, 6), Decimal(7)), (date(2031, 1, 10), Decimal(7)),
        (date(2031, 2, 10), Decimal(7))]
    assert min(i for i, _, _ in rows) > max(first)  # new rows, new (higher) ids


def test_replacing_a_report_works_across_months_on_sqlite(session) -> None:
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("the SQLite half of the test above")
    w = world(session)
    days = [date(2031, 1, 10), date(2031, 2, 10), date(2019, 5, 6)]
    write(session, w, [fact(w, day, 1) for day in days])
    first = set(session.scalars(select(SalesFact.id)))
    write(session, w, [fact(w, day, 7) for day in days])
    rows = session.execute(select(SalesFact.id, SalesFact.quantity)).all()
    assert len(rows) == 3 and {q for _, q in rows} == {Decimal(7)}
    assert min(i for i, _ in rows) > max(first)
    assert partition.maintain_sales_partitions(
        make_session_factory(session.get_bind()), date(2031, 1, 1)).as_dict() == {
        "created": [], "moved": 0, "waiting": []}


def test_the_feed_hands_out_each_fact_once_in_order_while_facts_move(session, sessions,
                                                                    months) -> None:
    """Facts of several transactions spread over partitions and DEFAULT come in (tx_id, id)
    order; moving DEFAULT's facts into a new partition halfway neither repeats nor skips."""
    w = world(session)
    batches = [[fact(w, date(2031, 2, 3), 1), fact(w, date(2019, 5, 6), 2)],
               [fact(w, date(2031, 1, 3), 3, location=1), fact(w, date(2019, 6, 6), 4)],
               [fact(w, date(2031, 3, 3), 5, product=1), fact(w, date(2031, 1, 4), 6)]]
    for tx_id, rows in zip((3, 1, 2), batches, strict=True):  # as if committed in turn
        done = set(where_stored(session))
        write(session, w, rows)
        session.execute(update(SalesFact).where(SalesFact.id.not_in(done)).values(tx_id=tx_id))
    expected = session.execute(select(SalesFact.tx_id, SalesFact.id)
                               .order_by(SalesFact.tx_id, SalesFact.id)).all()
    scope = DemandScope(reporter_id=w["reporter"])

    seen, cursor = [], (0, 0)
    page = sales_store.feed(session, scope, after=cursor, limit=2, include_test=False)
    seen += [(r.tx_id, r.id) for r in page]
    cursor = seen[-1]
    assert in_default(session) == 2
    partition.maintain_sales_partitions(sessions, datetime.now(UTC).date())
    assert in_default(session) == 0
    while page := sales_store.feed(session, scope, after=cursor, limit=2, include_test=False):
        seen += [(r.tx_id, r.id) for r in page]
        cursor = seen[-1]

    assert seen == [tuple(row) for row in expected] and len(set(seen)) == 6


# --- making and detaching partitions --------------------------------------------------------


def test_creating_a_partition_takes_the_locks_that_keep_it_off_the_write_path(session) -> None:
    """Why writers never create partitions (PostgreSQL 15): ACCESS EXCLUSIVE on the facts
    and DEFAULT, SHARE ROW EXCLUSIVE on every table a fact refers to (the cloned foreign
    keys), which every upload writes (messages)."""
    postgresql_only(session)
    connection = session.connection()
    with connection.begin_nested():
        assert partition.create_partition(connection, date(2032, 4, 1)) == 0
        held = set(connection.execute(text(
            "SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE l.pid = pg_backend_pid() AND l.granted")).all())
    assert {("sales_facts", "AccessExclusiveLock"),
            ("sales_facts_default", "AccessExclusiveLock"),
            ("messages", "ShareRowExclusiveLock"), ("partners", "ShareRowExclusiveLock"),
            ("locations", "ShareRowExclusiveLock"),
            ("products", "ShareRowExclusiveLock")} <= held


def test_an_existing_partition_is_left_as_it_is(session, months) -> None:
    assert partition.create_partition(session.connection(), JAN) is None
    assert partition.prepare_partitions(
        sessionmaker(bind=session.connection(), join_transaction_mode="create_savepoint"),
        [JAN]).created == []


def test_detaching_a_month_takes_its_facts_out_of_the_table(session, months) -> None:
    w = world(session)
    write(session, w, [fact(w, date(2031, 1, 10), 1), fact(w, date(2031, 2, 10), 2)])
    january = session.scalar(select(SalesFact.id).where(SalesFact.period_start < FEB))

    assert partition.detach_sales_month(session, JAN) == "detached_sales_facts_2031_01"

    assert session.scalars(select(SalesFact.period_start)).all() == [date(2031, 2, 10)]
    assert session.scalar(text("SELECT id FROM detached_sales_facts_2031_01")) == january
    assert JAN not in partition.partition_months(session.connection())
    write(session, w, [fact(w, date(2031, 1, 11), 3)])  # a late fact of the month: DEFAULT
    assert in_default(session) == 1
    with pytest.raises(LookupError, match="no partition for the month starting 2031-01-01"):
        partition.detach_sales_month(session, JAN)


def test_detaching_is_refused_without_partitions_on_sqlite(session) -> None:
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite")
    with pytest.raises(LookupError, match="not partitioned on sqlite"):
        partition.detach_sales_month(session, JAN)


# --- with real commits ----------------------------------------------------------------------


@pytest.fixture
def committed(fresh_store_url):
    """An engine-bound session factory on a fresh store, and a world committed in it."""
    postgresql_only(fresh_store_url)
    engine = make_engine(fresh_store_url)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        w = world(session)
    yield factory, w
    engine.dispose()


def test_a_new_months_first_write_makes_its_partition_after_the_commit(committed) -> None:
    """Months after the migration's runway: the first write of one lands in DEFAULT, and
    once it commits the runway from that month is made and the fact moved into its month."""
    factory, w = committed
    with time_machine.travel(datetime(2029, 6, 15, 12, tzinfo=UTC), tick=False):
        with session_scope(factory) as session:
            assert date(2029, 6, 1) not in partition.partition_months(session.connection())
            write(session, w, [fact(w, date(2029, 6, 14), 9)])
            assert set(where_stored(session).values()) == {partition.DEFAULT_PARTITION}
            ids = set(where_stored(session))
        with factory() as session:
            assert set(partition.runway(date(2029, 6, 15))) <= partition.partition_months(
                session.connection())
            assert where_stored(session) == dict.fromkeys(ids, "sales_facts_2029_06")
            assert in_default(session) == 0
            # the next write of the month finds its partition and makes nothing
            with session_scope(factory) as writer:
                write(writer, w, [fact(w, date(2029, 6, 7), 1, location=1)])
                assert writer.info.get("sales_runway") is None
            assert in_default(session) == 0


def test_a_partition_that_cannot_get_its_locks_waits_for_the_next_run(committed) -> None:
    """An upload in flight holds ROW EXCLUSIVE on messages: making a partition gives up after
    the lock timeout instead of queueing in front of every reader and writer."""
    factory, _ = committed
    with factory() as upload:
        upload.execute(text("LOCK TABLE messages IN ROW EXCLUSIVE MODE"))
        report = partition.prepare_partitions(factory, [date(2033, 1, 1)], lock_timeout_ms=50,
                                              attempts=2)
        upload.rollback()
    assert report.waiting == [date(2033, 1, 1)] and report.created == []
    assert partition.prepare_partitions(factory, [date(2033, 1, 1)]).created == [
        date(2033, 1, 1)]


def test_facts_count_the_same_wherever_they_are(session, months) -> None:
    w = world(session)
    write(session, w, [fact(w, date(2031, 1, 1), 2), fact(w, date(2019, 1, 1), 3)])
    assert session.scalar(select(func.sum(SalesFact.quantity))) == Decimal(5)
