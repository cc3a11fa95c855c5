"""Sales, inventory and forecasts: what reporters sold, what they hold, what customers plan."""

from __future__ import annotations

from decimal import Decimal

from app.services import parties
from app.services.parties import FactContext
from app.store import sales as sales_store
from app.store.models import ForecastBucket, Interaction, Location, Product
from schemas.documents import PartyRef, PlanningScheduleDoc, ProductActivityDoc, ProductRef


def apply_product_activity(session, doc: ProductActivityDoc, ctx: FactContext) -> None:
    """Write a report's sales facts and inventory snapshots, each set in bulk (a report of
    50 stores x 100 items is 10,000 facts), then its interaction."""
    reporter = ctx.sender
    seller = parties.counterparty(session, doc.party("seller"), ctx, role="manufacturer")
    doc_location = doc.party("location")
    products: dict[int, Product | None] = {}  # id(ProductRef) -> product: lines share refs
    claimed: set[int] = set()

    def product_of(ref: ProductRef) -> Product | None:
        key = id(ref)
        if key not in products:
            products[key] = parties.resolve_product(session, ref, reporter)
        product = products[key]
        if product is not None and product.id not in claimed:
            claimed.add(product.id)
            parties.claim_product(product, seller)
        return product

    def location_of(ref: PartyRef | None) -> Location:
        chosen = ref or doc_location
        if chosen is None:
            return parties.default_location(session, reporter)
        return parties.resolve_location(session, chosen, reporter)

    amount = Decimal(0)
    currency = None
    sales = []
    for ld in doc.sales:
        product = product_of(ld.product)
        if product is None:
            continue
        sales.append({
            "location_id": location_of(ld.location).id, "product_id": product.id,
            "period_start": ld.period_start, "period_end": ld.period_end,
            "measure": ld.measure, "quantity": ld.quantity, "uom": ld.uom,
            "amount": ld.amount, "currency": ld.currency, "message_id": ctx.message_id,
            "segment_number": ld.segment_number, "raw_qualifier": ld.raw_qualifier,
        })
        if ld.amount is not None and ld.measure == "sold":
            amount += ld.amount
            currency = currency or ld.currency
    sales_store.replace_sales_facts(session, reporter_id=reporter.id, test=ctx.test,
                                    rows=sales)
    del sales
    snapshots = []
    for ld in doc.inventory:
        product = product_of(ld.product)
        if product is None:
            continue
        snapshots.append({
            "location_id": location_of(ld.location).id, "product_id": product.id,
            "as_of": ld.as_of, "on_hand": ld.on_hand, "available": ld.available,
            "on_order": ld.on_order, "in_transit": ld.in_transit, "received": ld.received,
            "uom": ld.uom, "message_id": ctx.message_id, "segment_number": ld.segment_number,
            "raw_qualifier": ld.raw_qualifier,
        })
    sales_store.replace_inventory_snapshots(session, reporter_id=reporter.id, test=ctx.test,
                                            rows=snapshots)
    session.flush()
    kind = "sales_report" if doc.sales else "inventory_report"
    period = (f" {doc.period_start}..{doc.period_end}"
              if doc.period_start and doc.period_end else "")
    session.add(Interaction(
        partner_id=ctx.sender.id, kind=kind,
        occurred_at=ctx.when(doc.period_end or doc.report_date),
        reference=f"{len(doc.sales)} sales, {len(doc.inventory)} stock lines{period}"[:120],
        amount=amount or None, currency=currency, message_id=ctx.message_id, test=ctx.test,
    ))


def apply_planning_schedule(session, doc: PlanningScheduleDoc, ctx: FactContext) -> None:
    customer = ctx.sender
    seller = parties.counterparty(session, doc.party("seller"), ctx, role="manufacturer")
    total = 0
    for ld in doc.lines:
        product = parties.resolve_product(session, ld.product, customer)
        if product is None or not ld.buckets:
            continue
        parties.claim_product(product, seller)
        location = (parties.resolve_location(session, ld.location, customer)
                    if ld.location is not None else None)
        sales_store.clear_forecast(
            session, partner_id=customer.id, product_id=product.id,
            location_id=location.id if location else None,
            start_from=min(b.start for b in ld.buckets), test=ctx.test)
        for bucket in ld.buckets:
            total += 1
            session.add(ForecastBucket(
                partner_id=customer.id, location_id=location.id if location else None,
                product_id=product.id, period_start=bucket.start, period_end=bucket.end,
                quantity=bucket.quantity, uom=ld.uom, commitment=bucket.commitment,
                message_id=ctx.message_id,
                segment_number=bucket.segment_number or ld.segment_number,
                raw_qualifier=bucket.raw_qualifier, test=ctx.test,
            ))
    session.flush()
    session.add(Interaction(
        partner_id=ctx.sender.id, kind="forecast", occurred_at=ctx.when(doc.issued),
        reference=f"schedule {doc.schedule_number}: {total} buckets"[:120],
        message_id=ctx.message_id, test=ctx.test,
    ))
