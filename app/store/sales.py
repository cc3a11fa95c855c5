"""Queries for sales facts, inventory snapshots and forecast buckets."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from operator import itemgetter

from sqlalchemy import (
    BigInteger,
    Date,
    Double,
    Numeric,
    String,
    and_,
    bindparam,
    cast,
    delete,
    func,
    literal,
    select,
    text,
    tuple_,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import Session

from app.store.models import (
    ForecastBucket,
    InventorySnapshot,
    Location,
    Product,
    ReplenishmentParameters,
    SalesFact,
)
from app.store.types import utcnow


def current_tx_id(session: Session) -> int | None:
    """PostgreSQL: this transaction's id (64-bit, never wraps); SQLite: None."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    if "tx_id" not in session.info:
        session.info["tx_id"] = session.scalar(text("SELECT pg_current_xact_id()::text::bigint"))
    return session.info["tx_id"]


# What makes a fact "the same figure" again: a re-sent report replaces it. Reporter and test
# flag are the same for every row of one report and are passed apart.
SALES_KEY = ("location_id", "product_id", "period_start", "period_end", "measure")
SNAPSHOT_KEY = ("location_id", "product_id", "as_of")
_KEY_TYPES = {"location_id": BigInteger, "product_id": BigInteger, "period_start": Date,
              "period_end": Date, "as_of": Date, "measure": String}
_DELETE_CHUNK = 5_000


def replace_sales_facts(session: Session, *, reporter_id: int, test: bool,
                        rows: list[dict]) -> int:
    """Write one report's sales facts (dicts of `SalesFact` columns without the reporter,
    test flag, id, tx_id and created_at). A re-sent report for the same reporter, location,
    product, period and measure replaces the earlier figure instead of adding to it; within
    the rows the last one for a key wins. Returns the rows written."""
    rows = _last_per_key(rows, SALES_KEY)
    _replace(session, SalesFact, SALES_KEY, rows, {
        "reporter_id": reporter_id, "test": test, "tx_id": current_tx_id(session),
        "created_at": utcnow()})
    return len(rows)


def replace_inventory_snapshots(session: Session, *, reporter_id: int, test: bool,
                                rows: list[dict]) -> int:
    """Write one report's inventory snapshots; one per reporter, location, product and date
    (a re-sent one replaces the earlier). Returns the rows written."""
    rows = _last_per_key(rows, SNAPSHOT_KEY)
    _replace(session, InventorySnapshot, SNAPSHOT_KEY, rows, {
        "reporter_id": reporter_id, "test": test, "created_at": utcnow()})
    return len(rows)


def _last_per_key(rows: list[dict], key: tuple[str, ...]) -> list[dict]:
    unique: dict[tuple, dict] = {}
    for row in rows:
        unique[tuple(row[k] for k in key)] = row
    return list(unique.values()) if len(unique) != len(rows) else rows


def _replace(session: Session, model, key: tuple[str, ...], rows: list[dict],
             common: dict) -> None:
    """Delete the rows with the same keys (and the same reporter and test flag, in `common`),
    then insert, inside the caller's transaction. PostgreSQL: one DELETE per chunk of keys
    (a join to the keys passed as arrays: one index probe each) and COPY. SQLite: one
    executemany each. Values go to the driver converted by their column types, as an INSERT
    would convert them; a value the store refuses is a StatementError, as from an INSERT."""
    if not rows:
        return
    session.flush()  # the message, products and locations the rows point to
    connection = session.connection()
    dialect = connection.dialect
    table = model.__table__
    columns = [*rows[0], *common]
    if dialect.name == "postgresql":
        scope = (table.c.reporter_id == common["reporter_id"], table.c.test == common["test"])
        for start in range(0, len(rows), _DELETE_CHUNK):
            chunk = rows[start:start + _DELETE_CHUNK]
            wanted = func.unnest(*(
                bindparam(f"k_{k}", [row[k] for row in chunk], type_=ARRAY(_KEY_TYPES[k]))
                for k in key)).table_valued(*key).render_derived(name="wanted")
            connection.execute(delete(table).where(
                *scope, *(table.c[k] == wanted.c[k] for k in key)))
        statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        driver = connection.connection.driver_connection
        with _refused_as_statement_error(statement, dialect), driver.cursor() as cursor, \
                cursor.copy(statement) as copy:
            write = copy.write_row
            for values in _driver_rows(table, rows, common, dialect):
                write(values)
        return
    match = " AND ".join(f"{name} = ?" for name in ("reporter_id", "test", *key))
    delete_sql = f"DELETE FROM {table.name} WHERE {match}"
    insert_sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) "
                  f"VALUES ({', '.join('?' * len(columns))})")
    with _refused_as_statement_error(insert_sql, dialect):
        keys = list(_driver_rows(table, [{k: row[k] for k in key} for row in rows],
                                 {"reporter_id": common["reporter_id"],
                                  "test": common["test"]}, dialect, constants_first=True))
        connection.exec_driver_sql(delete_sql, keys)
        connection.exec_driver_sql(insert_sql, list(_driver_rows(table, rows, common, dialect)))


def _driver_rows(table, rows: list[dict], common: dict, dialect, *,
                 constants_first: bool = False):
    """Each row as the tuple of driver values of its columns, then `common`'s (or first)."""
    columns = list(rows[0])
    processors = [(i, p) for i, name in enumerate(columns)
                  if (p := table.c[name].type.bind_processor(dialect)) is not None]
    constants = []
    for name, value in common.items():
        process = table.c[name].type.bind_processor(dialect)
        constants.append(process(value) if process is not None else value)
    values_of = itemgetter(*columns)
    for row in rows:
        values = list(values_of(row)) if len(columns) > 1 else [values_of(row)]
        for i, process in processors:
            values[i] = process(values[i])
        yield (*constants, *values) if constants_first else (*values, *constants)


@contextmanager
def _refused_as_statement_error(statement: str, dialect):
    try:
        yield
    except (ValueError, TypeError, ArithmeticError) as exc:  # a column type refused a value
        raise StatementError(str(exc), statement, None, exc) from exc
    except dialect.loaded_dbapi.Error as exc:  # the database refused it (COPY)
        raise DBAPIError.instance(statement, None, exc, dialect.loaded_dbapi.Error) from exc


def clear_forecast(session: Session, *, partner_id: int, product_id: int,
                   location_id: int | None, start_from: date, test: bool) -> None:
    """A new schedule replaces the partner's earlier buckets for the same series from its
    first bucket on."""
    session.execute(delete(ForecastBucket).where(
        ForecastBucket.partner_id == partner_id,
        ForecastBucket.product_id == product_id,
        ForecastBucket.location_id.is_(None) if location_id is None
        else ForecastBucket.location_id == location_id,
        ForecastBucket.period_start >= start_from,
        ForecastBucket.test == test,
    ))


@dataclass(frozen=True, slots=True)
class DemandScope:
    """Whose demand a caller may read: ops (both None) everything; a distributor what it
    reported; a manufacturer its own products."""

    reporter_id: int | None = None
    manufacturer_id: int | None = None


def _scoped(query, model, scope: DemandScope):
    if scope.reporter_id is not None:
        query = query.where(model.reporter_id == scope.reporter_id)
    if scope.manufacturer_id is not None:
        query = query.where(model.product_id.in_(
            select(Product.id).where(Product.manufacturer_id == scope.manufacturer_id)))
    return query


def list_series(session: Session, scope: DemandScope, *, product_id: int | None,
                location_id: int | None, reporter_id: int | None, start: date, end: date,
                after: tuple[int, int] | None, limit: int,
                include_test: bool) -> list[tuple[int, int]]:
    """(product, location) pairs with sales in the window, in order, one page."""
    query = _filtered(select(SalesFact.product_id, SalesFact.location_id).distinct(), scope,
                      product_id=product_id, location_id=location_id, reporter_id=reporter_id,
                      include_test=include_test)
    query = query.where(SalesFact.period_start >= start, SalesFact.period_start <= end)
    if after is not None:
        query = query.where(tuple_(SalesFact.product_id, SalesFact.location_id) > after)
    query = query.order_by(SalesFact.product_id, SalesFact.location_id).limit(limit)
    return [(p, loc) for p, loc in session.execute(query)]


def _filtered(query, scope: DemandScope, *, product_id, location_id, reporter_id,
              include_test: bool, model=SalesFact):
    query = _scoped(query, model, scope)
    if product_id is not None:
        query = query.where(model.product_id == product_id)
    if location_id is not None:
        query = query.where(model.location_id == location_id)
    if reporter_id is not None:
        query = query.where(model.reporter_id == reporter_id)
    if not include_test:
        query = query.where(model.test.is_(False))
    return query


def _in_series(session: Session, query, model, series: list[tuple[int, int]]):
    """Only rows of the given (product, location) pairs.

    PostgreSQL: a join to the pairs passed as two arrays (`unnest`), so the statement's text
    does not grow with the page: it is planned in well under a millisecond and each pair is one
    probe of the (product_id, location_id, ...) index. An OR of one AND per pair, for a page of
    200 series, took ~25 ms to plan and ~25 ms more in Python to build (see bench/README.md).
    SQLite: a row-value IN list.
    """
    pairs = list(dict.fromkeys(series))  # a join must not repeat a row for a repeated pair
    if session.get_bind().dialect.name != "postgresql":
        return query.where(tuple_(model.product_id, model.location_id).in_(pairs))
    wanted = func.unnest(
        cast(literal([p for p, _ in pairs], ARRAY(BigInteger)), ARRAY(BigInteger)),
        cast(literal([loc for _, loc in pairs], ARRAY(BigInteger)), ARRAY(BigInteger)),
    ).table_valued("product_id", "location_id").render_derived(name="wanted")
    return query.join(wanted, and_(model.product_id == wanted.c.product_id,
                                   model.location_id == wanted.c.location_id))


def sales_totals(session: Session, scope: DemandScope, series: list[tuple[int, int]],
                 start: date, end: date, reporter_id: int | None, include_test: bool):
    """Rows (product, location, period_start, measure, quantity) summed per fact period."""
    if not series:
        return []
    total = func.sum(SalesFact.quantity)
    if session.get_bind().dialect.name == "postgresql":
        # the sum of a NUMERIC(18, 4) column has scale 4 already: the driver's Decimal is the
        # column type's quantized value, without its per-row conversion (2,000 rows a page)
        total = type_coerce(total, Numeric(asdecimal=True))
    query = _filtered(
        select(SalesFact.product_id, SalesFact.location_id, SalesFact.period_start,
               SalesFact.measure, total),
        scope, product_id=None, location_id=None, reporter_id=reporter_id,
        include_test=include_test)
    query = (_in_series(session, query, SalesFact, series)
             .where(SalesFact.period_start >= start, SalesFact.period_start <= end)
             .group_by(SalesFact.product_id, SalesFact.location_id, SalesFact.period_start,
                       SalesFact.measure))
    return list(session.execute(query))


def snapshots_of(session: Session, scope: DemandScope, series: list[tuple[int, int]],
                 until: date, reporter_id: int | None, include_test: bool) -> list:
    """Rows (product, location, as_of, on_hand, received) of the series' snapshots up to
    `until`, oldest first (plain rows, not ORM objects: a page holds thousands)."""
    if not series:
        return []
    query = _filtered(
        select(InventorySnapshot.product_id, InventorySnapshot.location_id,
               InventorySnapshot.as_of, InventorySnapshot.on_hand, InventorySnapshot.received),
        scope, product_id=None, location_id=None, reporter_id=reporter_id,
        include_test=include_test, model=InventorySnapshot)
    query = (_in_series(session, query, InventorySnapshot, series)
             .where(InventorySnapshot.as_of <= until)
             .order_by(InventorySnapshot.as_of, InventorySnapshot.id))
    return list(session.execute(query))


def latest_snapshots(session: Session, scope: DemandScope, *, product_id: int | None,
                     location_id: int | None, reporter_id: int | None, include_test: bool,
                     after: tuple[int, int] | None, limit: int) -> list[InventorySnapshot]:
    """The newest snapshot per (product, location), one page in (product, location) order."""
    return list(session.scalars(_latest(
        select(InventorySnapshot), scope, product_id=product_id, location_id=location_id,
        reporter_id=reporter_id, include_test=include_test, after=after, limit=limit)))


def latest_stock(session: Session, scope: DemandScope, *, product_id: int | None,
                 location_id: int | None, include_test: bool) -> list:
    """`latest_snapshots` of every reporter as plain rows (product, location, as_of, on_hand,
    available, on_order, in_transit), in the same order."""
    return list(session.execute(_latest(
        select(InventorySnapshot.product_id, InventorySnapshot.location_id,
               InventorySnapshot.as_of, InventorySnapshot.on_hand, InventorySnapshot.available,
               InventorySnapshot.on_order, InventorySnapshot.in_transit),
        scope, product_id=product_id, location_id=location_id, reporter_id=None,
        include_test=include_test, after=None, limit=None)))


def _latest(query, scope: DemandScope, *, product_id: int | None, location_id: int | None,
            reporter_id: int | None, include_test: bool, after: tuple[int, int] | None,
            limit: int | None):
    latest = _filtered(
        select(InventorySnapshot.product_id, InventorySnapshot.location_id,
               func.max(InventorySnapshot.as_of).label("as_of")),
        scope, product_id=product_id, location_id=location_id, reporter_id=reporter_id,
        include_test=include_test, model=InventorySnapshot,
    ).group_by(InventorySnapshot.product_id, InventorySnapshot.location_id).subquery()
    query = query.join(latest, and_(
        InventorySnapshot.product_id == latest.c.product_id,
        InventorySnapshot.location_id == latest.c.location_id,
        InventorySnapshot.as_of == latest.c.as_of))
    if not include_test:
        query = query.where(InventorySnapshot.test.is_(False))
    if reporter_id is not None:
        query = query.where(InventorySnapshot.reporter_id == reporter_id)
    # Implied by the join, repeated so PostgreSQL narrows the outer side by index too instead
    # of scanning every snapshot (one location with 30 days of history: 50 ms -> 12 ms).
    if product_id is not None:
        query = query.where(InventorySnapshot.product_id == product_id)
    if location_id is not None:
        query = query.where(InventorySnapshot.location_id == location_id)
    if after is not None:
        query = query.where(tuple_(InventorySnapshot.product_id,
                                   InventorySnapshot.location_id) > after)
    query = query.order_by(InventorySnapshot.product_id, InventorySnapshot.location_id,
                           InventorySnapshot.id.desc())
    return query if limit is None else query.limit(limit)


def feed(session: Session, scope: DemandScope, *, after: tuple[int, int], limit: int,
         include_test: bool) -> list[SalesFact]:
    """Sales facts that arrived after the cursor, oldest first.

    PostgreSQL: facts are ordered by (transaction id, id) and only those of transactions older
    than every transaction still running are handed out, so a fact committed late by a
    long-running upload can never land behind a cursor a poller already holds. SQLite writes
    one transaction at a time, so the row id is already in commit order.
    """
    query = _scoped(select(SalesFact), SalesFact, scope)
    if not include_test:
        query = query.where(SalesFact.test.is_(False))
    if session.get_bind().dialect.name == "postgresql":
        horizon = text("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        query = (query.where(tuple_(SalesFact.tx_id, SalesFact.id) > after,
                             SalesFact.tx_id < horizon)
                 .order_by(SalesFact.tx_id, SalesFact.id))
    else:
        query = query.where(SalesFact.id > after[1]).order_by(SalesFact.id)
    return list(session.scalars(query.limit(limit)))


def sold_overlapping(session: Session, scope: DemandScope, *, product_id: int | None,
                     location_id: int | None, start: date, end: date, include_test: bool):
    """Rows (product, location, period_start, period_end, units sold) of facts that overlap
    the window. Units sold are a float on PostgreSQL (the database converts the exact sum,
    correctly rounded like `float(Decimal)`: the callers only compute in floats, and 5,000
    Decimals of a location cost ~5 ms to load), a Decimal elsewhere."""
    total = func.sum(SalesFact.quantity)
    if session.get_bind().dialect.name == "postgresql":
        total = cast(total, Double)
    query = _filtered(
        select(SalesFact.product_id, SalesFact.location_id, SalesFact.period_start,
               SalesFact.period_end, total),
        scope, product_id=product_id, location_id=location_id, reporter_id=None,
        include_test=include_test)
    query = (query.where(SalesFact.measure == "sold", SalesFact.period_end >= start,
                         SalesFact.period_start <= end)
             .group_by(SalesFact.product_id, SalesFact.location_id, SalesFact.period_start,
                       SalesFact.period_end))
    return list(session.execute(query))


def parameters_of(session: Session, pairs: set[tuple[int, int]]) -> dict:
    """Stored parameters of these (product, location) pairs, by pair."""
    if not pairs:
        return {}
    products = {p for p, _ in pairs}
    rows = session.scalars(select(ReplenishmentParameters).where(
        _id_in(session, ReplenishmentParameters.product_id, products)))
    return {(r.product_id, r.location_id): r for r in rows
            if (r.product_id, r.location_id) in pairs}


def series_names(session: Session, series: list[tuple[int, int]]
                 ) -> tuple[dict[int, str | None], dict[int, str]]:
    """The GTIN of each product and the code of each location of these series."""
    if not series:
        return {}, {}
    gtins = session.execute(select(Product.id, Product.gtin).where(
        _id_in(session, Product.id, {p for p, _ in series})))
    codes = session.execute(select(Location.id, Location.code).where(
        _id_in(session, Location.id, {loc for _, loc in series})))
    return dict(gtins.all()), dict(codes.all())


def pack_sizes(session: Session, product_ids: set[int]) -> dict[int, Decimal | None]:
    """Pack size by product id."""
    if not product_ids:
        return {}
    return dict(session.execute(select(Product.id, Product.pack_size).where(
        _id_in(session, Product.id, product_ids))).all())


def _id_in(session: Session, column, ids: set[int]):
    """`column IN ids`. PostgreSQL: `= ANY` of one array parameter, a constant statement: an
    IN list of 500 ids cost ~6 ms of Python per call to render, bind and convert."""
    if session.get_bind().dialect.name == "postgresql":
        return column == func.any(cast(literal(sorted(ids), ARRAY(BigInteger)),
                                       ARRAY(BigInteger)))
    return column.in_(ids)


def upsert_parameters(session: Session, *, product_id: int, location_id: int,
                      values: dict) -> None:
    row = session.scalar(select(ReplenishmentParameters).where(
        ReplenishmentParameters.product_id == product_id,
        ReplenishmentParameters.location_id == location_id))
    if row is None:
        row = ReplenishmentParameters(product_id=product_id, location_id=location_id)
        session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    session.flush()
