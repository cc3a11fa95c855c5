"""Queries for the customer view: who is a customer of whom, order values, stored scores,
cases, the sources of a timeline, exchange rates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from app.store.models import (
    Acknowledgement,
    Case,
    CustomerScore,
    ExchangeRate,
    Interaction,
    Invoice,
    Order,
    OrderLine,
    Partner,
    PartnerIdentifier,
    StoredFile,
    TierChange,
)

CUSTOMER_ROLES = ("distributor", "retailer")


def _customers_of(viewer_role: str | None, viewer_id: int | None):
    """A select of customer partner ids a viewer may see (ops: viewer_role None)."""
    buyers = select(Order.buyer_id).where(Order.test.is_(False))
    if viewer_role == "manufacturer":
        return buyers.where(Order.seller_id == viewer_id)
    if viewer_role is not None:  # a distributor sees itself only
        return select(Partner.id).where(Partner.id == viewer_id)
    return select(Partner.id).where(or_(Partner.id.in_(buyers),
                                        Partner.role.in_(CUSTOMER_ROLES)))


def list_customer_ids(session: Session, *, viewer_role: str | None, viewer_id: int | None,
                      q: str | None) -> list[int]:
    query = select(Partner.id).where(Partner.id.in_(_customers_of(viewer_role, viewer_id)))
    if q:
        like = f"%{q.strip().lower()}%"
        query = query.where(or_(
            func.lower(Partner.name).like(like), func.lower(Partner.slug).like(like),
            Partner.id.in_(select(PartnerIdentifier.partner_id).where(
                func.lower(PartnerIdentifier.value).like(like)))))
    return list(session.scalars(query.order_by(Partner.id)))


def is_visible(session: Session, partner_id: int, *, viewer_role: str | None,
               viewer_id: int | None) -> bool:
    return session.scalar(select(func.count()).where(
        Partner.id == partner_id, Partner.id.in_(_customers_of(viewer_role, viewer_id)))) > 0


def order_values(session: Session, buyer_ids: list[int], start: date, end: date
                 ) -> list[tuple[int, int, date, str | None, Decimal]]:
    """(buyer, order id, order date, currency, value = sum of quantity x unit price) of the
    non-test, non-cancelled orders dated in the window (created date when undated)."""
    if not buyer_ids:
        return []
    day = func.coalesce(Order.order_date, func.date(Order.created_at))
    orders = session.execute(
        select(Order.id, Order.buyer_id, Order.order_date, Order.created_at, Order.currency)
        .where(Order.buyer_id.in_(buyer_ids), Order.test.is_(False),
               Order.status != "cancelled", day >= start, day <= end))
    rows = {o.id: o for o in orders}
    values: dict[int, Decimal] = dict.fromkeys(rows, Decimal(0))
    for start_i in range(0, len(rows), 500):
        ids = list(rows)[start_i:start_i + 500]
        for order_id, quantity, price in session.execute(
                select(OrderLine.order_id, OrderLine.quantity, OrderLine.unit_price)
                .where(OrderLine.order_id.in_(ids), OrderLine.status != "cancelled")):
            if price is not None:
                values[order_id] += quantity * price
    return [(o.buyer_id, o.id, o.order_date or o.created_at.date(), o.currency,
             values[o.id]) for o in rows.values()]


def invoice_values(session: Session, buyer_ids: list[int], start: date, end: date
                   ) -> list[tuple[int, int, date, str | None, Decimal]]:
    if not buyer_ids:
        return []
    rows = session.execute(
        select(Invoice.buyer_id, Invoice.id, Invoice.invoice_date, Invoice.created_at,
               Invoice.currency, Invoice.total, Invoice.purpose)
        .where(Invoice.buyer_id.in_(buyer_ids), Invoice.test.is_(False),
               Invoice.total.is_not(None)))
    out = []
    for buyer, invoice_id, day, created, currency, total, purpose in rows:
        when = day or created.date()
        if start <= when <= end:
            out.append((buyer, invoice_id, when, currency,
                        -total if purpose == "credit" else total))
    return out


def rates(session: Session, base: str) -> dict[str, list[tuple[date, Decimal]]]:
    table: dict[str, list[tuple[date, Decimal]]] = {}
    for currency, valid_from, rate in session.execute(
            select(ExchangeRate.currency, ExchangeRate.valid_from, ExchangeRate.rate)
            .where(ExchangeRate.base_currency == base).order_by(ExchangeRate.valid_from)):
        table.setdefault(currency, []).append((valid_from, rate))
    return table


def upsert_rate(session: Session, *, currency: str, base: str, rate: Decimal,
                valid_from: date) -> None:
    row = session.scalar(select(ExchangeRate).where(
        ExchangeRate.currency == currency, ExchangeRate.base_currency == base,
        ExchangeRate.valid_from == valid_from))
    if row is None:
        session.add(ExchangeRate(currency=currency, base_currency=base, rate=rate,
                                 valid_from=valid_from))
    else:
        row.rate = rate
    session.flush()


def latest_scores(session: Session, partner_ids: list[int]) -> dict[int, CustomerScore]:
    if not partner_ids:
        return {}
    newest = (select(CustomerScore.partner_id, func.max(CustomerScore.id).label("id"))
              .where(CustomerScore.partner_id.in_(partner_ids))
              .group_by(CustomerScore.partner_id).subquery())
    return {s.partner_id: s for s in session.scalars(
        select(CustomerScore).join(newest, CustomerScore.id == newest.c.id))}


def add_scores(session: Session, scores: list[CustomerScore]) -> None:
    session.add_all(scores)
    session.flush()


def add_tier_change(session: Session, change: TierChange) -> None:
    session.add(change)
    session.flush()


def tier_history(session: Session, partner_id: int) -> list[TierChange]:
    return list(session.scalars(select(TierChange).where(TierChange.partner_id == partner_id)
                                .order_by(TierChange.changed_at, TierChange.id)))


def last_order_dates(session: Session, partner_ids: list[int]) -> dict[int, date]:
    if not partner_ids:
        return {}
    day = func.coalesce(Order.order_date, func.date(Order.created_at))
    rows = session.execute(select(Order.buyer_id, func.max(day)).where(
        Order.buyer_id.in_(partner_ids), Order.test.is_(False)).group_by(Order.buyer_id))
    return {buyer: (value if isinstance(value, date) else date.fromisoformat(str(value)))
            for buyer, value in rows}


def last_contacts(session: Session, partner_ids: list[int]) -> dict[int, datetime]:
    """The latest interaction or case per partner."""
    found: dict[int, datetime] = {}
    for model, column in ((Interaction, Interaction.occurred_at), (Case, Case.created_at)):
        for partner, when in session.execute(
                select(model.partner_id, func.max(column))
                .where(model.partner_id.in_(partner_ids)).group_by(model.partner_id)):
            if when is not None and (partner not in found or when > found[partner]):
                found[partner] = when
    return found


def add_case(session: Session, case: Case) -> Case:
    session.add(case)
    session.flush()
    return case


def search_cases(session: Session, *, terms: list[str], partner_ids: list[int] | None,
                 limit: int, before_id: int | None) -> list[Case]:
    """Cases whose subject or resolution contain every term (PostgreSQL: full-text match on
    the simple configuration, so words match whatever their case and order)."""
    query = select(Case)
    if partner_ids is not None:
        query = query.where(Case.partner_id.in_(partner_ids))
    if terms:
        if session.get_bind().dialect.name == "postgresql":
            document = func.to_tsvector(text("'simple'"), func.concat_ws(
                " ", Case.subject, func.coalesce(Case.resolution, "")))
            query = query.where(document.op("@@")(
                func.plainto_tsquery(text("'simple'"), " ".join(terms))))
        else:
            for term in terms:
                like = f"%{term.lower()}%"
                query = query.where(or_(func.lower(Case.subject).like(like),
                                        func.lower(func.coalesce(Case.resolution, ""))
                                        .like(like)))
    if before_id is not None:
        query = query.where(Case.id < before_id)
    return list(session.scalars(query.order_by(Case.id.desc()).limit(limit)))


def timeline_sources(session: Session, partner_id: int, *, until: datetime | None,
                     limit: int) -> list[tuple[datetime, str, int, str, dict]]:
    """(when, kind, id, reference, extra) from interactions, cases, acknowledgements and
    rejected files, newest first, at most `limit` of each source."""
    rows: list[tuple[datetime, str, int, str, dict]] = []

    def before(column):  # inclusive: the caller drops what it already handed out
        return column <= until if until is not None else True

    for i in session.scalars(select(Interaction).where(
            Interaction.partner_id == partner_id, Interaction.test.is_(False),
            before(Interaction.occurred_at)).order_by(Interaction.occurred_at.desc())
            .limit(limit)):
        rows.append((i.occurred_at, i.kind, i.id, i.reference or "",
                     {"amount": i.amount, "currency": i.currency, "message_id": i.message_id,
                      "note": i.note}))
    for c in session.scalars(select(Case).where(Case.partner_id == partner_id,
                                                before(Case.created_at))
                             .order_by(Case.created_at.desc()).limit(limit)):
        rows.append((c.created_at, "case", c.id, c.subject,
                     {"category": c.category, "status": c.status, "owner": c.owner,
                      "resolution": c.resolution}))
    for a in session.scalars(select(Acknowledgement).where(
            Acknowledgement.partner_id == partner_id, before(Acknowledgement.created_at))
            .order_by(Acknowledgement.created_at.desc()).limit(limit)):
        rows.append((a.created_at, "acknowledgement", a.id, f"{a.kind} {a.status}",
                     {"direction": a.direction, "control_number": a.control_number}))
    for f in session.scalars(select(StoredFile).where(
            StoredFile.uploader_id == partner_id,
            StoredFile.status.in_(("rejected", "failed")), before(StoredFile.received_at))
            .order_by(StoredFile.received_at.desc()).limit(limit)):
        rows.append((f.received_at, "rejected_file", f.id, f.filename or f"upload {f.id}",
                     {"status": f.status, "error": f.error}))
    rows.sort(key=lambda r: (r[0], r[1], r[2]), reverse=True)
    return rows
