"""The change feed for pollers, on a store with real commits (the feed only hands out facts of
finished transactions, so the usual rolled-back test transaction would hide everything)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.main import create_app
from app.services.demand import apply_product_activity
from app.services.parties import FactContext
from app.services.partners import issue_key, register_partner
from app.settings import Settings
from app.store.db import make_engine, make_session_factory, session_scope
from app.store.models import Interchange, Message, Partner, StoredFile
from schemas.documents import PartyRef, ProductActivityDoc, ProductRef, SalesLineDoc

D = Decimal
S1 = PartyRef(role="location", scheme="ZZ", value="S1", location_code="S1")


def report(start: date, sold: int, gtin: str = "00012345678905") -> ProductActivityDoc:
    return ProductActivityDoc(sales=(SalesLineDoc(
        location=S1, product=ProductRef(gtin=gtin), measure="sold", quantity=D(sold), uom="EA",
        period_start=start, period_end=start + timedelta(days=6), raw_qualifier="ZA:QS"),))


def context(session: Session, reporter: Partner, n: int) -> FactContext:
    file = StoredFile(sha256=f"{n:064d}", size=1, source="cli", status="processed")
    session.add(file)
    session.flush()
    ic = Interchange(file_id=file.id, position=1, standard="x12", sender="NORTHWIND",
                     receiver="HUB", control_number=str(n), status="accepted")
    session.add(ic)
    session.flush()
    msg = Message(interchange_id=ic.id, position=1, type="852", control_number="1",
                  status="accepted")
    session.add(msg)
    session.flush()
    return FactContext(message_id=msg.id, sender=reporter, receiver=None, test=False,
                       received_at=datetime(2026, 11, 20, tzinfo=UTC))


@pytest.fixture
def store(fresh_store_url):
    engine = make_engine(fresh_store_url)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        reporter = register_partner(session, name="Northwind", role="distributor",
                                    identifiers=["ZZ:NORTHWIND"]).partner
        ops_key = register_partner(session, name="Ops", role="ops", identifiers=[]).api_key
    app = create_app(Settings(database_url=fresh_store_url))
    with TestClient(app) as client:
        yield engine, sessions, reporter.id, client, {"Authorization": f"Bearer {ops_key}"}
    engine.dispose()


def add_report(sessions, reporter_id: int, n: int, doc: ProductActivityDoc) -> None:
    with session_scope(sessions) as session:
        reporter = session.get(Partner, reporter_id)
        apply_product_activity(session, doc, context(session, reporter, n))


def quantities(page: dict) -> list[Decimal]:
    return [D(f["quantity"]) for f in page["items"]]


def test_each_fact_once_in_order_with_etag(store):
    _, sessions, reporter, client, ops = store
    for n, (day, sold) in enumerate([(date(2026, 11, 2), 10), (date(2026, 11, 9), 14),
                                     (date(2026, 11, 16), 8)], start=1):
        add_report(sessions, reporter, n, report(day, sold))
    page1 = client.get("/v1/sell-through/changes?limit=2", headers=ops).json()
    assert quantities(page1) == [D(10), D(14)]
    page2 = client.get(f"/v1/sell-through/changes?cursor={page1['next_cursor']}",
                       headers=ops).json()
    assert quantities(page2) == [D(8)]
    empty = client.get(f"/v1/sell-through/changes?cursor={page2['next_cursor']}", headers=ops)
    assert empty.json()["items"] == []
    again = client.get(f"/v1/sell-through/changes?cursor={page2['next_cursor']}",
                       headers={**ops, "If-None-Match": empty.headers["etag"]})
    assert again.status_code == 304


def test_a_replaced_fact_reaches_a_poller_that_already_holds_the_last_id(store):
    _, sessions, reporter, client, ops = store
    add_report(sessions, reporter, 1, report(date(2026, 11, 2), 10))
    held = client.get("/v1/sell-through/changes", headers=ops).json()["next_cursor"]
    add_report(sessions, reporter, 2, report(date(2026, 11, 2), 11))  # re-sent week
    fresh = client.get(f"/v1/sell-through/changes?cursor={held}", headers=ops).json()
    assert quantities(fresh) == [D(11)]


def test_a_slow_upload_that_commits_last_is_not_skipped(store):
    engine, sessions, reporter, client, ops = store
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite runs one writing transaction at a time: the case cannot arise")
    # both products and the store exist already, so the two uploads below touch no shared row
    add_report(sessions, reporter, 1, report(date(2026, 10, 5), 1, "04006381333931"))
    add_report(sessions, reporter, 2, report(date(2026, 10, 5), 1))
    start = client.get("/v1/sell-through/changes", headers=ops).json()["next_cursor"]
    slow = sessions()
    apply_product_activity(slow, report(date(2026, 11, 2), 10, "04006381333931"),
                           context(slow, slow.get(Partner, reporter), 3))
    slow.flush()  # written, not committed: the slow upload is still running
    add_report(sessions, reporter, 4, report(date(2026, 11, 9), 14))  # a fast one commits
    seen = client.get(f"/v1/sell-through/changes?cursor={start}", headers=ops).json()
    assert seen["items"] == []  # held back while an older transaction is still open
    slow.commit()
    slow.close()
    after = client.get(f"/v1/sell-through/changes?cursor={seen['next_cursor']}",
                       headers=ops).json()
    assert quantities(after) == [D(10), D(14)]  # commit order does not lose the slow one


def test_the_feed_shows_each_partner_only_its_own_demand(store):
    _, sessions, reporter, client, _ = store
    with session_scope(sessions) as session:
        other_key = register_partner(session, name="Bolt", role="distributor",
                                     identifiers=["ZZ:BOLT"]).api_key
        own_key = issue_key(session, session.get(Partner, reporter), "distributor")
    add_report(sessions, reporter, 1, report(date(2026, 11, 2), 10))
    mine = client.get("/v1/sell-through/changes", headers={"Authorization": f"Bearer {own_key}"})
    theirs = client.get("/v1/sell-through/changes",
                        headers={"Authorization": f"Bearer {other_key}"})
    assert quantities(mine.json()) == [D(10)]
    assert theirs.json()["items"] == []
