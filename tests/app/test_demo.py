"""`build_demo` tells its story on both databases: every file it sends is accepted, the store
holds what the generator's parameters imply, and the promise, churn and growth cases are there
as of the demo's `today`. The demo is built once per backend (it commits for real)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from fastapi.testclient import TestClient
from rich.console import Console
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app import demo
from app.services.promises import thread_lines
from app.store import order as order_store
from app.store.db import make_engine, make_session_factory
from app.store.models import (
    ForecastBucket,
    Interaction,
    InventorySnapshot,
    Invoice,
    Location,
    Message,
    Order,
    OrderLine,
    Partner,
    Product,
    ProductIdentifier,
    Promise,
    SalesFact,
    Shipment,
    StoredFile,
)
from tests.conftest import BACKENDS, fresh_database

TODAY = date(2026, 11, 23)


@dataclass
class Built:
    url: str
    keys: dict[str, str]
    workdir: Path
    sessions: sessionmaker[Session]


@pytest.fixture(scope="module", params=BACKENDS)
def built(request, tmp_path_factory) -> Iterator[Built]:
    workdir = tmp_path_factory.mktemp("demo")
    with fresh_database(request.param, workdir) as url, pytest.MonkeyPatch.context() as mp:
        mp.chdir(workdir)
        keys = demo.build_demo(url, console=Console(quiet=True), today=TODAY)
        engine = make_engine(url)
        try:
            yield Built(url, keys, workdir, make_session_factory(engine))
        finally:
            engine.dispose()


def _partner(session: Session, name: str) -> Partner:
    return session.scalars(select(Partner).where(Partner.name == name)).one()


def _order_dates(session: Session, name: str) -> list[date]:
    buyer = _partner(session, name)
    return sorted(session.scalars(select(Order.order_date).where(Order.buyer_id == buyer.id)))


def test_every_file_is_processed_and_every_message_accepted(built):
    with built.sessions() as session:
        files = Counter(session.scalars(select(StoredFile.status)))
        messages = Counter(session.scalars(select(Message.status)))
        standards = set(session.scalars(select(StoredFile.standard)))
    assert set(files) == {"processed"}
    assert set(messages) == {"accepted"}
    assert standards == {"x12", "edifact", "xml"}
    written = [p for p in (built.workdir / "demo-files").iterdir()
               if p.name != "northwind-850-new.edi"]
    assert len(written) == files["processed"]


def test_the_upload_example_and_the_keys_file_are_written(built):
    assert (built.workdir / "demo-files" / "northwind-850-new.edi").read_text().startswith("ISA")
    assert set(built.keys) >= {"ops", "manufacturer", "distributor", "distributor:northwind",
                               "distributor:bolt", "distributor:cobalt"}
    assert (built.workdir / "demo-keys.json").exists()


def test_each_customer_has_the_orders_its_cadence_implies(built):
    days = demo.HISTORY_DAYS
    with built.sessions() as session:
        northwind = _order_dates(session, "Northwind Distribution")
        bolt = _order_dates(session, "Bolt Retail")
        cobalt = _order_dates(session, "Cobalt Grocers")
    cadence = demo.NORTHWIND_CADENCE
    assert days // (cadence + 1) <= len(northwind) <= days // (cadence - 1) + 1
    mean_gap = sum(demo.BOLT_CADENCE) / 2
    assert days / (mean_gap + 1) <= len(bolt) <= days / (mean_gap - 1) + 1
    span = demo.COBALT_FIRST - demo.COBALT_LAST
    assert span // (demo.COBALT_CADENCE + 1) <= len(cobalt) <= span // (demo.COBALT_CADENCE - 1) + 1
    assert min(len(northwind), len(bolt), len(cobalt)) >= 20
    assert TODAY - timedelta(days=days) <= northwind[0] and northwind[-1] < TODAY


def test_every_line_is_promised_once_and_shipments_and_invoices_follow(built):
    # Acme answers and ships the story distributors' orders; the smaller buyers only order.
    names = [c.envelope.name for c in demo.DISTRIBUTORS.values()]
    story = select(Order.id).join(Partner, Partner.id == Order.buyer_id).where(
        Partner.name.in_(names))
    with built.sessions() as session:
        orders = session.scalar(select(func.count()).select_from(Order)
                                .where(Order.id.in_(story)))
        lines = session.scalar(select(func.count()).select_from(OrderLine)
                               .where(OrderLine.order_id.in_(story)))
        promised = session.scalar(select(func.count(func.distinct(Promise.order_line_id))))
        promises = session.scalar(select(func.count()).select_from(Promise))
        shipments = session.scalar(select(func.count()).select_from(Shipment))
        invoices = session.scalar(select(func.count()).select_from(Invoice))
        unlinked = session.scalar(select(func.count()).select_from(Promise)
                                  .where(Promise.order_line_id.is_(None)))
    assert promises == promised == lines  # the last order is answered by `today`
    assert unlinked == 0
    assert orders * 0.9 <= shipments <= lines
    assert shipments // demo.INVOICE_EVERY - 2 <= invoices <= shipments // demo.INVOICE_EVERY


def test_weekly_store_reports_give_sales_receipts_and_stock_per_store(built):
    series = 2 * 3 * len(demo.CATALOGUE)  # distributors x stores x products
    with built.sessions() as session:
        sold = session.scalar(select(func.count()).select_from(SalesFact)
                              .where(SalesFact.measure == "sold"))
        received = session.scalar(select(func.count()).select_from(SalesFact)
                                  .where(SalesFact.measure == "received"))
        snapshots = session.scalar(select(func.count()).select_from(InventorySnapshot))
        needs_review = session.scalar(select(func.count()).select_from(Location)
                                      .where(Location.needs_review))
        buckets = session.scalar(select(func.count()).select_from(ForecastBucket))
    assert sold == snapshots == series * demo.REPORT_WEEKS
    assert 0 < received < sold
    assert needs_review == 0  # every store it reports on is a registered location
    assert buckets == len(demo.CATALOGUE) * 8


def test_two_store_series_hold_less_than_a_week_of_recent_sales(built):
    with built.sessions() as session:
        for slug, code, part in demo.LOW_STOCK:
            partner = _partner(session, demo.DISTRIBUTORS[slug].envelope.name)
            location = session.scalars(select(Location).where(
                Location.partner_id == partner.id, Location.code == code)).one()
            product = session.scalars(
                select(Product).join(ProductIdentifier)
                .where(ProductIdentifier.value == part)).first()
            last = session.scalars(
                select(InventorySnapshot).where(
                    InventorySnapshot.location_id == location.id,
                    InventorySnapshot.product_id == product.id)
                .order_by(InventorySnapshot.as_of.desc())).first()
            sold = list(session.scalars(
                select(SalesFact.quantity).where(
                    SalesFact.location_id == location.id, SalesFact.product_id == product.id,
                    SalesFact.measure == "sold")
                .order_by(SalesFact.period_end.desc()).limit(4)))
            assert 0 < last.on_hand < sum(sold) / len(sold), (slug, code, part)


def test_there_are_late_and_at_risk_lines_as_of_today(built):
    with built.sessions() as session:
        rows = order_store.list_lines(session, viewer_id=None, partner_id=None,
                                      include_test=False)
        statuses = Counter(t.status.status for t in thread_lines(session, rows, TODAY))
    assert statuses["late"] >= 2 and statuses["at_risk"] >= 1
    assert statuses["delivered_on_time"] > statuses["delivered_late"] > 0
    assert statuses["delivered_short"] > 0


def test_the_promise_api_shows_the_mix_to_ops(built):
    from app.main import create_app
    from app.settings import Settings

    auth = {"Authorization": f"Bearer {built.keys['ops']}"}
    with time_machine.travel(datetime(2026, 11, 23, 12, 0, tzinfo=UTC), tick=False), \
            TestClient(create_app(Settings(database_url=built.url))) as client:
        summary = client.get("/v1/promises/summary", headers=auth).json()
        late = client.get("/v1/promises?status=late", headers=auth).json()["items"]
        inventory = client.get("/v1/inventory", headers=auth).json()["items"]
    assert summary["counts"]["late"] == len(late) >= 2
    assert summary["counts"]["at_risk"] >= 1
    assert 0.5 < summary["on_time_rate"] < 1
    assert summary["avg_ack_latency_hours"] > 12  # promises come the day after the order
    assert inventory


def test_the_watch_jobs_ran_once_and_their_alerts_are_listed(built):
    from app.main import create_app
    from app.settings import Settings

    auth = {"Authorization": f"Bearer {built.keys['ops']}"}
    with TestClient(create_app(Settings(database_url=built.url))) as client:
        alerts = client.get("/v1/alerts?limit=500", headers=auth).json()["items"]
        runs = client.get("/v1/jobs?limit=50", headers=auth).json()["items"]
    kinds = Counter(a["kind"] for a in alerts)
    assert kinds["promise_late"] >= 2  # the late lines of the story
    assert kinds["replenishment_critical"] >= 1  # the two thin store series
    assert {(r["job_id"], r["outcome"]) for r in runs} == {
        (job_id, "ok") for job_id in demo.WATCH_JOBS}


def test_cobalt_stopped_ordering_four_months_ago(built):
    with built.sessions() as session:
        cobalt = _order_dates(session, "Cobalt Grocers")
        partner = _partner(session, "Cobalt Grocers")
        last_seen = session.scalar(select(func.max(Interaction.occurred_at)).where(
            Interaction.partner_id == partner.id, Interaction.kind == "order"))
    assert 115 <= (TODAY - cobalt[-1]).days <= 125
    assert last_seen.date() == cobalt[-1]  # the timeline is dated like the story


def test_bolt_orders_more_in_its_last_60_days_than_in_its_first(built):
    with built.sessions() as session:
        partner = _partner(session, "Bolt Retail")
        rows = session.execute(
            select(Order.order_date, OrderLine.quantity, OrderLine.unit_price)
            .join(OrderLine, OrderLine.order_id == Order.id)
            .where(Order.buyer_id == partner.id)).all()
    start = min(day for day, _, _ in rows)

    def value(first: date, last: date) -> Decimal:
        return sum((q * p for day, q, p in rows if first <= day < last), Decimal(0))

    early = value(start, start + timedelta(days=60))
    late = value(TODAY - timedelta(days=60), TODAY)
    assert late > 2 * early


def test_the_customer_views_tell_the_story(built):
    from app.main import create_app
    from app.settings import Settings

    auth = {"Authorization": f"Bearer {built.keys['ops']}"}
    with time_machine.travel(datetime(2026, 11, 23, 12, 0, tzinfo=UTC), tick=False), \
            TestClient(create_app(Settings(database_url=built.url))) as client:
        customers = {c["name"]: c for c in
                     client.get("/v1/customers", headers=auth).json()["items"]}
        risk = client.get("/v1/customers/churn-risk?flagged=true", headers=auth).json()
        bolt = client.get(f"/v1/customers/{customers['Bolt Retail']['id']}",
                          headers=auth).json()
        segments = client.get("/v1/customers/segments", headers=auth).json()
    cobalt = customers["Cobalt Grocers"]
    assert "overdue" in cobalt["churn_flags"]
    assert risk[0]["customer_id"] == cobalt["id"]
    tiers = [t["to_tier"] for t in bolt["tier_history"]]
    order = ["prospect", "bronze", "silver", "gold", "key"]
    assert len(tiers) >= 2 and order.index(tiers[-1]) > order.index(tiers[0])  # promoted
    assert sum(s["count"] for s in segments) == len(customers)


def test_every_segment_has_a_member_as_of_today(built):
    from app.main import create_app
    from app.settings import Settings

    auth = {"Authorization": f"Bearer {built.keys['ops']}"}
    with time_machine.travel(datetime(2026, 11, 23, 12, 0, tzinfo=UTC), tick=False), \
            TestClient(create_app(Settings(database_url=built.url))) as client:
        segments = {s["segment"]: s["count"] for s in
                    client.get("/v1/customers/segments", headers=auth).json()}
    for segment in ("champions", "loyal", "new", "promising", "at_risk", "hibernating",
                    "needs_attention"):
        assert segments.get(segment, 0) >= 1, (segment, segments)
    assert len(demo.BUYERS) >= 9
