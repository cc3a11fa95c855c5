"""Money and quantities are exact Decimals and timestamps are aware, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from app.store.models import ExchangeRate, Interaction, Partner


def test_decimal_round_trips_exactly(session) -> None:
    session.add(ExchangeRate(currency="USD", base_currency="EUR", rate=Decimal("0.91234567"),
                             valid_from=datetime(2026, 1, 1).date()))
    session.flush()
    session.expire_all()
    rate = session.query(ExchangeRate).one().rate
    assert rate == Decimal("0.91234567")
    assert isinstance(rate, Decimal)


def test_float_money_is_refused(session) -> None:
    partner = Partner(slug="p", name="P", role="distributor")
    session.add(partner)
    session.flush()
    session.add(Interaction(partner_id=partner.id, kind="note",
                            occurred_at=datetime.now(UTC), amount=0.1))
    with pytest.raises(Exception, match="use Decimal"):
        session.flush()


def test_timestamps_come_back_aware_in_utc(session) -> None:
    partner = Partner(slug="p", name="P", role="distributor")
    session.add(partner)
    session.flush()
    cet = timezone(timedelta(hours=1))
    session.add(Interaction(partner_id=partner.id, kind="note",
                            occurred_at=datetime(2026, 11, 20, 13, 0, tzinfo=cet)))
    session.flush()
    session.expire_all()
    when = session.query(Interaction).one().occurred_at
    assert when == datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert when.tzinfo is not None


def test_naive_timestamps_are_refused(session) -> None:
    partner = Partner(slug="p", name="P", role="distributor")
    session.add(partner)
    session.flush()
    session.add(Interaction(partner_id=partner.id, kind="note",
                            occurred_at=datetime(2026, 11, 20, 13, 0)))
    with pytest.raises(Exception, match="timezone-aware"):
        session.flush()
