"""Rows inserted in bulk below the ORM: PostgreSQL `COPY`, SQLite one `executemany`.

For many rows of one table (the orders of an interchange, their lines): SQLAlchemy's
per-row handling costs more than the database's own work there. Ids a caller needs are
allocated before the insert (`insert_rows_with_ids`). Values are
converted by their column types first, as an INSERT converts them, and whatever the column
type or the database refuses is raised as a `StatementError`, as from an INSERT, so callers
handle a refused value the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, rows: list[dict],
                common: dict | None = None) -> None:
    """Insert `rows` (dicts with the same keys: column names) into `table`, inside the
    session's transaction, after flushing what the rows may point to; `common`: columns
    with the same value in every row."""
    if not rows:
        return
    session.flush()
    connection = session.connection()
    dialect = connection.dialect
    columns = [*rows[0], *(common or {})]
    quote = dialect.identifier_preparer.quote
    names = f"{quote(table.name)} ({', '.join(quote(column) for column in columns)})"
    if dialect.name == "postgresql":
        statement = f"COPY {names} FROM STDIN"
        driver = connection.connection.driver_connection
        with refused_as_statement_error(statement, dialect), driver.cursor() as cursor, \
                cursor.copy(statement) as copy:
            write = copy.write_row
            for values in driver_rows(table, rows, dialect, common=common):
                write(values)
        return
    statement = f"INSERT INTO {names} VALUES ({', '.join('?' * len(columns))})"
    with refused_as_statement_error(statement, dialect):
        connection.exec_driver_sql(statement,
                                   list(driver_rows(table, rows, dialect, common=common)))


def insert_rows_with_ids(session: Session, table: Table, rows: list[dict]) -> list[int]:
    """`insert_rows` for rows that need their ids: allocated first, in the order the rows
    come, as inserting them one by one would give them (PostgreSQL: from the table's
    sequence; SQLite: after the highest id, as SQLite itself numbers a table without
    AUTOINCREMENT, while this transaction holds the write lock)."""
    if not rows:
        return []
    ids = _allocate_ids(session, table, len(rows))
    insert_rows(session, table, [{"id": id_, **row} for id_, row in zip(ids, rows, strict=True)])
    return ids


def _allocate_ids(session: Session, table: Table, count: int) -> list[int]:
    if session.get_bind().dialect.name == "postgresql":
        return list(session.scalars(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                 "FROM generate_series(1, :count)"), {"table": table.name, "count": count}))
    if table.dialect_options["sqlite"]["autoincrement"]:
        raise ValueError(f"{table.name} numbers its rows with AUTOINCREMENT")
    highest = session.scalar(select(func.max(table.c.id))) or 0
    return list(range(highest + 1, highest + 1 + count))


def driver_rows(table: Table, rows: list[dict], dialect, *, common: dict | None = None,
                common_first: bool = False) -> Iterator[tuple]:
    """Each row (dicts with the same keys) as the tuple of its values converted by their
    column types, as an INSERT converts them; the values of `common` (the same for every
    row) after them, or before with `common_first`."""
    columns = list(rows[0])
    processors = [(i, _converter(process)) for i, name in enumerate(columns)
                  if (process := _processor(table, name, dialect)) is not None]
    constants = []
    for name, value in (common or {}).items():
        process = _processor(table, name, dialect)
        constants.append(value if process is None else process(value))
    before, after = (constants, []) if common_first else ([], constants)
    values_of = itemgetter(*columns)
    for row in rows:
        values = list(values_of(row)) if len(columns) > 1 else [values_of(row)]
        for i, process in processors:
            values[i] = process(values[i])
        yield (*before, *values, *after)


# Values converted once per distinct value of a column: equal values of these types convert
# to equal driver values (a NUMERIC quantised, a DATE formatted), and the rows of one insert
# repeat a few quantities, prices and dates many times. Exact types only: `1 == True ==
# Decimal(1)`, and a float must still be refused by an exact column.
_SAME_WHEN_EQUAL = (Decimal, date)


def _converter(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`process`, converting each distinct value of `_SAME_WHEN_EQUAL` types once, and any
    other value once when it is the very object the previous row had (a timestamp shared by
    every row)."""
    seen: dict[Any, Any] = {}
    last: list[Any] = [_NOTHING, None]  # the previous value of another type, and its result

    def convert(value: Any) -> Any:
        if type(value) in _SAME_WHEN_EQUAL:
            try:
                return seen[value]
            except KeyError:
                converted = seen[value] = process(value)
                return converted
            except TypeError:  # unhashable (a signalling NaN): the type says why
                return process(value)
        if value is last[0]:
            return last[1]
        converted = process(value)
        last[0], last[1] = value, converted
        return converted

    return convert


_NOTHING = object()


def _processor(table: Table, column: str, dialect):
    # The dialect's own implementation: the generic type's processor would, for one, turn
    # an exact NUMERIC into a float on PostgreSQL.
    return table.c[column].type.dialect_impl(dialect).bind_processor(dialect)


@contextmanager
def refused_as_statement_error(statement: str, dialect) -> Iterator[None]:
    try:
        yield
    except (ValueError, TypeError, ArithmeticError) as exc:  # a column type refused a value
        raise StatementError(str(exc), statement, None, exc) from exc
    except dialect.loaded_dbapi.Error as exc:  # the database refused it (COPY)
        raise DBAPIError.instance(statement, None, exc, dialect.loaded_dbapi.Error) from exc
