"""Rows written in bulk (`app.store.bulk`: COPY on PostgreSQL, executemany on SQLite) come
back exactly as an INSERT would have stored them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from app.store import bulk
from app.store.models import ExchangeRate

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_exact_decimals_are_not_rounded_through_a_float(session) -> None:
    # 18 significant digits: a float keeps about 16, so a float on the way would change it
    rows = [{"currency": "USD", "rate": Decimal("1234567890.12345678"),
             "valid_from": date(2026, 1, 1)},
            {"currency": "GBP", "rate": Decimal("0.00000001"), "valid_from": date(2026, 1, 1)}]
    bulk.insert_rows(session, ExchangeRate.__table__, rows,
                     {"base_currency": "EUR", "created_at": NOW})
    session.expire_all()
    stored = {r.currency: r for r in session.scalars(select(ExchangeRate))}
    assert stored["USD"].rate == Decimal("1234567890.12345678")
    assert stored["GBP"].rate == Decimal("0.00000001")
    assert {r.base_currency for r in stored.values()} == {"EUR"}
    assert stored["USD"].created_at == NOW


def test_ids_are_allocated_in_the_order_of_the_rows(session) -> None:
    rows = [{"currency": c, "base_currency": "EUR", "rate": Decimal(1),
             "valid_from": date(2026, 1, 1), "created_at": NOW} for c in ("USD", "GBP", "CHF")]
    ids = bulk.insert_rows_with_ids(session, ExchangeRate.__table__, rows)
    assert ids == sorted(ids) and len(set(ids)) == 3
    session.expire_all()
    assert [session.get(ExchangeRate, i).currency for i in ids] == ["USD", "GBP", "CHF"]


def test_a_value_the_column_refuses_is_a_statement_error(session) -> None:
    rows = [{"currency": "USD", "base_currency": "EUR", "rate": Decimal("1e12"),
             "valid_from": date(2026, 1, 1), "created_at": NOW}]
    with pytest.raises(StatementError, match="does not fit"):
        bulk.insert_rows(session, ExchangeRate.__table__, rows)
