"""Monthly partitions of `sales_facts` on PostgreSQL (SQLite keeps one plain table).

On PostgreSQL `sales_facts` is partitioned by range of `period_start`: one partition per
calendar month (`sales_facts_2024_01`, from the 1st to the 1st of the next month) and a
DEFAULT partition (`sales_facts_default`) that takes the facts of any month without one, so a
write never fails for want of a partition. The primary key is (id, period_start), since a
unique key must include the partition key; ids still come from the one sequence, so they keep
increasing across partitions, and the change feed's (tx_id, id) order is unchanged.

Partitions are made ahead of the writes, never by the transaction that writes the facts.
Creating one (`CREATE TABLE ... PARTITION OF`; `ATTACH PARTITION` alike) takes, on
PostgreSQL 15, an ACCESS EXCLUSIVE lock on `sales_facts` and on the DEFAULT partition, and to
clone the foreign keys a SHARE ROW EXCLUSIVE lock on messages, partners, locations and
products (`tests/store/test_sales_partitions.py` checks the list). Taken by an upload, those
locks would last until its commit and stop every demand read and every other upload (each one
inserts messages) for that long, and two uploads taking them would deadlock; taken on another
connection during the upload, they would wait for the upload's own lock on messages. So each
partition is created in a short transaction of its own, after `lock_timeout` gives up rather
than queue in front of readers and writers (below `deadlock_timeout`, so it is always this
transaction that yields):

- the *runway*, the month before this one to `RUNWAY_AHEAD` months ahead, is created by the
  migration, by `maintain_sales_partitions` (the scheduler's job), and by the write path
  itself: `ensure_sales_partitions`, called with the months of every batch of facts, checks
  a per-process cache (one set look-up) and, when a runway month is missing, creates it once
  the writing transaction has committed (its locks released), on a connection of its own;
- facts of a month outside the runway (a late report of last year, a mistyped date) land in
  DEFAULT; `maintain_sales_partitions` creates their months' partitions and moves them out,
  ids and tx_ids unchanged, so a poller of the change feed sees each fact once.

Creating a partition moves the rows of its month out of DEFAULT in the same transaction
(PostgreSQL refuses a partition whose rows sit in DEFAULT), so it is safe at any time.
`detach_sales_month` takes an old month out of the table (kept as `detached_sales_facts_*`).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app.store.types import utcnow

log = logging.getLogger(__name__)

TABLE = "sales_facts"
DEFAULT_PARTITION = "sales_facts_default"
RUNWAY_AHEAD = 3  # months after this one that always have a partition
LOCK_TIMEOUT_MS = 200  # below PostgreSQL's deadlock_timeout (1 s by default)
RETRY_SECONDS = 60.0  # a process tries again to create a missing runway month after this
_NAME = re.compile(r"^sales_facts_(\d{4})_(\d{2})$")
_PARTITION_TABLE = re.compile(r"^(detached_)?sales_facts_(\d{4}_\d{2}|default)$")
_LOCK_NOT_AVAILABLE = "55P03"


def month_of(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{TABLE}_{month.year:04d}_{month.month:02d}"


def runway(today: date, ahead: int = RUNWAY_AHEAD) -> list[date]:
    """The months that always have a partition: last month to `ahead` months on."""
    this = month_of(today)
    return [add_months(this, n) for n in range(-1, ahead + 1)]


def is_partition_table(name: str) -> bool:
    """A monthly or DEFAULT partition of `sales_facts`, or one detached from it: tables the
    migrations and the maintenance make, which the models do not list (autogenerate must
    leave them alone)."""
    return bool(_PARTITION_TABLE.match(name))


def is_partitioned(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql" and bool(connection.scalar(text(
        "SELECT c.relkind = 'p' FROM pg_class c WHERE c.oid = to_regclass(:t)"), {"t": TABLE}))


def partition_months(connection: Connection) -> set[date]:
    """The months that have a partition now (as this transaction sees the catalog)."""
    names = connection.scalars(text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = to_regclass(:t)"), {"t": TABLE})
    return {date(int(m[1]), int(m[2]), 1) for name in names if (m := _NAME.match(name))}


def default_months(connection: Connection) -> list[date]:
    """The months of the facts that sit in the DEFAULT partition, oldest first."""
    return list(connection.scalars(text(
        f"SELECT DISTINCT date_trunc('month', period_start)::date FROM {DEFAULT_PARTITION} "
        "ORDER BY 1")))


def create_partition(connection: Connection, month: date) -> int | None:
    """Create the month's partition in the caller's transaction, moving its month's facts
    out of DEFAULT into it (every column kept: id, tx_id). Returns the facts moved, or None
    when the partition was there already. Takes the locks of the module docstring."""
    name = partition_name(month)
    start, end = month, add_months(month, 1)
    bounds = {"start": start, "end": end}
    connection.execute(text(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE"))
    if month in partition_months(connection):
        return None
    connection.execute(text(
        f"CREATE TEMPORARY TABLE moving_sales_facts (LIKE {TABLE}) ON COMMIT DROP"))
    moved = connection.execute(text(
        f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE period_start >= :start "
        "AND period_start < :end RETURNING *) INSERT INTO moving_sales_facts SELECT * FROM moved"
    ), bounds).rowcount
    connection.execute(text(
        f"CREATE TABLE {name} PARTITION OF {TABLE} "
        f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"))
    connection.execute(text(f"INSERT INTO {TABLE} SELECT * FROM moving_sales_facts"))
    connection.execute(text("DROP TABLE moving_sales_facts"))
    return moved


def detach_sales_month(session: Session, month: date) -> str:
    """Take a month's partition out of `sales_facts`, in the caller's transaction (ACCESS
    EXCLUSIVE on `sales_facts` until it ends), and rename it `detached_sales_facts_YYYY_MM`:
    its facts stay there, out of every query, to archive or drop. Facts of that month
    written later land in DEFAULT like any month's without a partition. Returns the new
    name; raises `LookupError` when the month has no partition."""
    connection = session.connection()
    if not is_partitioned(connection):
        raise LookupError(f"{TABLE} is not partitioned on {connection.dialect.name}")
    name = partition_name(month)
    if month_of(month) != month or month not in partition_months(connection):
        raise LookupError(f"{TABLE} has no partition for the month starting {month}")
    connection.execute(text(f"ALTER TABLE {TABLE} DETACH PARTITION {name}"))
    connection.execute(text(f"ALTER TABLE {name} RENAME TO detached_{name}"))
    _forget(connection)
    return f"detached_{name}"


@dataclass
class MaintenanceReport:
    created: list[date] = field(default_factory=list)
    moved: int = 0  # facts moved out of DEFAULT into their month's new partition
    waiting: list[date] = field(default_factory=list)  # lock not obtained: next run

    def as_dict(self) -> dict:
        return {"created": [m.isoformat() for m in self.created], "moved": self.moved,
                "waiting": [m.isoformat() for m in self.waiting]}


def prepare_partitions(sessions: sessionmaker[Session], months: Iterable[date], *,
                       lock_timeout_ms: int = LOCK_TIMEOUT_MS,
                       attempts: int = 1) -> MaintenanceReport:
    """Create the partitions of `months` that are missing, each in a transaction of its own
    (`sessions.begin()`) that gives up after `lock_timeout_ms` waiting for a lock, up to
    `attempts` times. A maintenance operation: it commits, so never call it inside a
    request's transaction."""
    report = MaintenanceReport()
    for month in sorted(set(months)):
        for attempt in range(1, attempts + 1):
            try:
                with sessions.begin() as session:
                    connection = session.connection()
                    with _lock_timeout(connection, lock_timeout_ms):
                        moved = create_partition(connection, month)
                    bind = connection.engine
                if moved is not None:
                    report.created.append(month)
                    report.moved += moved
                _remember(bind, month)
                break
            except DBAPIError as exc:
                if getattr(exc.orig, "sqlstate", None) != _LOCK_NOT_AVAILABLE:
                    raise
                if attempt == attempts:
                    report.waiting.append(month)
                else:
                    time.sleep(0.1 * attempt)
    return report


def maintain_sales_partitions(sessions: sessionmaker[Session], today: date, *,
                              ahead: int = RUNWAY_AHEAD, lock_timeout_ms: int = LOCK_TIMEOUT_MS,
                              attempts: int = 5) -> MaintenanceReport:
    """The scheduler's job: the runway's partitions, and one for every month whose facts
    sit in DEFAULT (moved into it), so DEFAULT ends empty. Nothing on SQLite."""
    with sessions() as session:
        connection = session.connection()
        if not is_partitioned(connection):
            return MaintenanceReport()
        stray = default_months(connection)
        session.rollback()
    return prepare_partitions(sessions, [*runway(today, ahead), *stray],
                              lock_timeout_ms=lock_timeout_ms, attempts=attempts)


# --- the write path ---------------------------------------------------------------------------


@dataclass
class _Known:
    """What this process knows of one database's partitions."""

    months: set[date]
    partitioned: bool = True  # False: a PostgreSQL store not migrated to 0013 yet
    next_attempt: float = 0.0  # monotonic time before which no runway creation is tried
    reported: set[date] = field(default_factory=set)  # months logged as landing in DEFAULT


_KNOWN: dict[str, _Known] = {}
_KNOWN_LOCK = threading.Lock()


def _key(bind) -> str:
    return bind.engine.url.render_as_string(hide_password=True)


def _known(bind, connection: Connection | None = None) -> _Known:
    key = _key(bind)
    with _KNOWN_LOCK:
        known = _KNOWN.get(key)
    if known is None:
        if connection is None:
            raise LookupError(f"no partitions known for {key}")
        known = _Known(months=partition_months(connection),
                       partitioned=is_partitioned(connection))
        with _KNOWN_LOCK:
            known = _KNOWN.setdefault(key, known)
    return known


def _remember(bind, month: date) -> None:
    with _KNOWN_LOCK:
        known = _KNOWN.get(_key(bind))
    if known is not None:
        known.months.add(month)


def _forget(connection: Connection) -> None:
    with _KNOWN_LOCK:
        _KNOWN.pop(_key(connection), None)


def ensure_sales_partitions(session: Session, months: Iterable[date]) -> None:
    """Called with the months of a batch of facts before they are written. PostgreSQL: when
    a runway month (from today's) has no partition, it is created once this session's
    transaction has committed, on a connection of its own (sessions bound to an engine: a
    session on a caller's connection never really commits). Facts of a month without a
    partition go to DEFAULT meanwhile and are moved out then (or by the maintenance job);
    this never creates a partition in the writing transaction (see the module docstring)."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return
    known = _known(connection, connection)
    if not known.partitioned:
        return
    wanted = set(runway(utcnow().date()))
    batch = {month_of(day) for day in months}
    if (wanted | batch) <= known.months:
        return
    now = time.monotonic()
    if now < known.next_attempt:
        return
    known.next_attempt = now + RETRY_SECONDS
    known.months = partition_months(connection)  # another process may have made them
    for month in sorted(batch - known.months - known.reported):
        known.reported.add(month)
        log.info("facts of %s go to %s until maintenance creates their partition",
                 month.strftime("%Y-%m"), DEFAULT_PARTITION)
    missing = sorted(wanted - known.months)
    bind = session.get_bind()
    if missing and isinstance(bind, Engine) and not session.info.get("sales_runway"):
        session.info["sales_runway"] = True
        event.listen(session, "after_commit",
                     lambda committed: _after_commit(committed, bind, missing), once=True)


def _after_commit(session: Session, engine: Engine, months: list[date]) -> None:
    """Create the missing runway months; the writer's facts are committed already, so a
    failure here is only logged (the next write after `RETRY_SECONDS`, or the job, retries)."""
    session.info.pop("sales_runway", None)
    try:
        report = prepare_partitions(sessionmaker(bind=engine), months)
    except DBAPIError:
        log.exception("creating the sales partitions of %s failed", months)
        return
    if report.waiting:
        log.info("sales partitions of %s wait for locks; retried later", report.waiting)


@contextmanager
def _lock_timeout(connection: Connection, milliseconds: int) -> Iterator[None]:
    """`lock_timeout` for the statements inside (this transaction only), then as it was."""
    previous = connection.scalar(text("SELECT current_setting('lock_timeout')"))
    connection.execute(text("SELECT set_config('lock_timeout', :v, true)"),
                       {"v": f"{milliseconds}ms"})
    yield
    connection.execute(text("SELECT set_config('lock_timeout', :v, true)"), {"v": previous})
