"""Rows written in bulk convert each distinct value once (`bulk.driver_rows`): every row must
come out as converting each value alone would, and what a column refuses is still refused.
(Here rather than in tests/store/test_bulk.py only because that file is another change's.)"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy.exc import StatementError

from app.store import bulk
from app.store.models import ExchangeRate, OrderLine

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def alone(table, rows: list[dict], dialect) -> list[tuple]:
    """Each value converted by its column type on its own, as an INSERT converts it."""
    converted = []
    for row in rows:
        values = []
        for name, value in row.items():
            process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            values.append(value if process is None else process(value))
        converted.append(tuple(values))
    return converted


def test_repeated_values_convert_as_each_would_alone(session) -> None:
    dialect = session.get_bind().dialect
    later = NOW + timedelta(hours=1)
    eastern = datetime(2026, 11, 23, 3, 0, tzinfo=timezone(timedelta(hours=-5)))  # == NOW
    values = [Decimal("2"), Decimal("2.00"), Decimal("2"), Decimal("0.5"), 3, Decimal(3),
              None, Decimal("-1.25"), Decimal("-1.25"), Decimal("0.00005")]
    dates = [date(2026, 12, 1), date(2026, 12, 1), None, date(2026, 12, 2), None,
             date(2026, 12, 1), date(2026, 12, 3), None, None, date(2026, 12, 1)]
    stamps = [NOW, NOW, later, eastern, NOW, later, later, eastern, NOW, NOW]
    rows = [{"order_id": n, "quantity": quantity, "requested_delivery": when,
             "created_at": stamp, "unit_price": quantity, "uom": "EA", "test": n % 2 == 0}
            for n, (quantity, when, stamp) in enumerate(zip(values, dates, stamps, strict=True))]
    assert list(bulk.driver_rows(OrderLine.__table__, rows, dialect)) == alone(
        OrderLine.__table__, rows, dialect)


def test_a_float_is_refused_after_an_equal_decimal(session) -> None:
    rows = [{"currency": currency, "base_currency": "EUR", "rate": rate,
             "valid_from": date(2026, 1, 1), "created_at": NOW}
            for currency, rate in (("USD", Decimal("1.5")), ("GBP", 1.5))]
    with pytest.raises(StatementError, match=r"float 1\.5 for an exact column"):
        bulk.insert_rows(session, ExchangeRate.__table__, rows)


def test_a_signalling_nan_is_refused_as_not_fitting(session) -> None:
    rows = [{"currency": currency, "base_currency": "EUR", "rate": rate,
             "valid_from": date(2026, 1, 1), "created_at": NOW}
            for currency, rate in (("USD", Decimal("1.5")), ("GBP", Decimal("sNaN")))]
    with pytest.raises(StatementError, match="does not fit NUMERIC"):
        bulk.insert_rows(session, ExchangeRate.__table__, rows)


def test_a_naive_timestamp_is_refused_after_an_aware_one(session) -> None:
    rows = [{"currency": "USD", "base_currency": "EUR", "rate": Decimal(1),
             "valid_from": date(2026, 1, 1), "created_at": stamp}
            for stamp in (NOW, NOW.replace(tzinfo=None))]
    with pytest.raises(StatementError, match="naive datetime"):
        bulk.insert_rows(session, ExchangeRate.__table__, rows)
