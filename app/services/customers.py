"""One record per customer: value, segment, tier, churn warnings, timeline and service log.

A customer is a buying party (distributor, retailer, any partner that placed orders). Scores
are computed over the store in the base currency (order or invoice values converted with the
exchange-rate table at the document's date), stored with the moment they were computed and
the inputs that produced them; tier changes are recorded with their reason.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from app.errors import InvalidParameter, NotFound
from app.security import Caller, Role
from app.services import bgnbd, customer_scores
from app.services.paging import cursor_int, decode_cursor, encode_cursor
from app.services.promise_status import OPEN_STATUSES
from app.services.promises import thread_lines
from app.settings import Settings
from app.store import customer as customer_store
from app.store import order as order_store
from app.store import partner as partner_store
from app.store.models import Case, CustomerScore, TierChange
from app.store.types import utcnow
from schemas.customer import (
    CaseCreate,
    CaseRead,
    ChurnRead,
    CustomerDetail,
    CustomerRead,
    ExchangeRateIn,
    FitRead,
    ScoreRun,
    SegmentRead,
    TimelineEntry,
)

WINDOW_DAYS = 365


def _viewer(caller: Caller | None) -> tuple[str | None, int | None]:
    if caller is None or caller.role is Role.OPS:
        return None, None
    return caller.role.value, caller.partner_id


def _require_visible(session: Session, partner_id: int, caller: Caller) -> None:
    role, viewer = _viewer(caller)
    if partner_store.get_by_id(session, partner_id) is None or not customer_store.is_visible(
            session, partner_id, viewer_role=role, viewer_id=viewer):
        raise NotFound(f"customer {partner_id} does not exist")


# --- money in the base currency -----------------------------------------------------------


class Converter:
    """Document amounts into the base currency with the rate valid on the document's date."""

    def __init__(self, table: dict[str, list[tuple[date, Decimal]]], base: str) -> None:
        self.table, self.base = table, base
        self.missing: set[str] = set()

    def __call__(self, amount: Decimal, currency: str | None, on: date) -> Decimal | None:
        if currency is None or currency == self.base:
            return amount
        rates = self.table.get(currency)
        if not rates:
            self.missing.add(currency)
            return None
        i = bisect.bisect_right([d for d, _ in rates], on) - 1
        rate = rates[max(i, 0)][1]  # before the first rate: the earliest one known
        return amount * rate


def put_exchange_rates(session: Session, settings: Settings,
                       rates: list[ExchangeRateIn]) -> int:
    for item in rates:
        if item.currency == settings.base_currency:
            raise InvalidParameter(f"{item.currency} is the base currency",
                                   location={"field": "currency"})
        customer_store.upsert_rate(session, currency=item.currency,
                                   base=settings.base_currency, rate=item.rate,
                                   valid_from=item.valid_from)
    return len(rates)


# --- scores ---------------------------------------------------------------------------------


def compute_scores(session: Session, settings: Settings, today: date,
                   basis: str = "orders", computed_at: datetime | None = None) -> ScoreRun:
    """Score every customer as of `today`, store the scores and any tier change; returns a
    summary. `computed_at` stamps the scores (default: now; the demo replays its history)."""
    ids = customer_store.list_customer_ids(session, viewer_role=None, viewer_id=None, q=None)
    start = today - timedelta(days=WINDOW_DAYS - 1)
    history_start = today - timedelta(days=3 * WINDOW_DAYS)
    convert = Converter(customer_store.rates(session, settings.base_currency),
                        settings.base_currency)
    fetch = customer_store.invoice_values if basis == "invoices" else customer_store.order_values
    documents = fetch(session, ids, history_start, today)
    orders_by: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for buyer, _doc_id, day, currency, value in documents:
        converted = convert(value, currency, day)
        orders_by[buyer].append((day, converted if converted is not None else Decimal(0)))
    revenue = {pid: sum((v for d, v in orders_by[pid] if d >= start), Decimal(0))
               for pid in ids}
    abc = customer_scores.abc_classes(revenue)
    rfm_rows = {}
    for pid in ids:
        recent = [(d, v) for d, v in orders_by[pid] if d >= start]
        if recent:
            first_ever = min(d for d, _ in orders_by[pid])
            rfm_rows[pid] = customer_scores.RfmInput(
                recency_days=(today - max(d for d, _ in recent)).days,
                frequency=len(recent), monetary=sum((v for _, v in recent), Decimal(0)),
                first_order_days=(today - first_ever).days)
    rfm = customer_scores.rfm_scores(rfm_rows)
    fit, alive = _bgnbd(orders_by, ids, today)
    previous = customer_store.latest_scores(session, ids)
    now = computed_at or utcnow()
    stored = []
    for pid in ids:
        dates = sorted({d for d, _ in orders_by[pid]})
        churn = customer_scores.churn_flags(dates, sorted(orders_by[pid]), today)
        year_orders = [v for d, v in orders_by[pid] if d >= start]
        tier = customer_scores.assign_tier(sum(year_orders, Decimal(0)), len(year_orders))
        value = abc[pid]
        score = CustomerScore(
            partner_id=pid, computed_at=now, window_start=start, window_end=today,
            revenue=value.revenue, currency=settings.base_currency, share=value.share,
            cumulative_share=value.cumulative_share, abc_class=value.abc_class,
            segment=rfm[pid].segment if pid in rfm else None, tier=tier.tier,
            overdue=churn.overdue, declining=churn.declining, lost=churn.lost,
            p_alive=alive.get(pid),
            inputs=_jsonable({
                "basis": basis, "abc": value, "rfm": rfm.get(pid), "tier": tier,
                "churn": churn, "bgnbd": fit, "missing_rates": sorted(convert.missing)}),
        )
        stored.append(score)
        before = previous.get(pid)
        if before is None or before.tier != tier.tier:
            customer_store.add_tier_change(session, TierChange(
                partner_id=pid, changed_at=now, from_tier=before.tier if before else None,
                to_tier=tier.tier, reason=tier.reason))
    customer_store.add_scores(session, stored)
    return ScoreRun(customers=len(ids), computed_at=now.isoformat(), basis=basis,
                    missing_rates=sorted(convert.missing))


def _bgnbd(orders_by: dict[int, list[tuple[date, Decimal]]], ids: list[int], today: date):
    """BG/NBD over the whole customer base (time in days): repeat purchases x = distinct
    order days - 1, recency t_x = days from first to last order, age T = days since first."""
    frequency, recency, age, who = [], [], [], []
    for pid in ids:
        days = sorted({d for d, _ in orders_by[pid]})
        if not days:
            continue
        frequency.append(len(days) - 1)
        recency.append((days[-1] - days[0]).days)
        age.append(max((today - days[0]).days, 1))
        who.append(pid)
    if len(who) < 3 or not any(frequency):
        return None, {}
    fit = bgnbd.fit(frequency, recency, age)
    alive = bgnbd.p_alive(fit, frequency, recency, age)
    return fit, {pid: Decimal(str(round(float(p), 6))) for pid, p in zip(who, alive,
                                                                          strict=True)}


def _jsonable(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- reads ----------------------------------------------------------------------------------


def _read(partner, score: CustomerScore | None) -> CustomerRead:
    return CustomerRead(
        id=partner.id, slug=partner.slug, name=partner.name, role=partner.role,
        identifiers=[f"{i.scheme}:{i.value}" for i in partner.identifiers],
        revenue=score.revenue if score else None, currency=score.currency if score else None,
        share=score.share if score else None, abc_class=score.abc_class if score else None,
        segment=score.segment if score else None, tier=score.tier if score else None,
        churn_flags=[f for f in ("overdue", "declining", "lost") if score and getattr(score, f)],
        p_alive=score.p_alive if score else None,
        scored_at=score.computed_at if score else None)


def list_customers(session: Session, caller: Caller, *, q: str | None, sort: str,
                   cursor: str | None, limit: int) -> tuple[list[CustomerRead], str | None]:
    role, viewer = _viewer(caller)
    ids = customer_store.list_customer_ids(session, viewer_role=role, viewer_id=viewer, q=q)
    scores = customer_store.latest_scores(session, ids)
    items = [_read(partner_store.get_by_id(session, pid), scores.get(pid)) for pid in ids]
    if sort == "value":
        items.sort(key=lambda c: (-(c.revenue or 0), c.id))
    start = cursor_int(cursor, "offset", 0)
    return items[start:start + limit], (encode_cursor({"offset": start + limit})
                                        if start + limit < len(items) else None)


def get_customer(session: Session, caller: Caller, partner_id: int, today: date
                 ) -> CustomerDetail:
    _require_visible(session, partner_id, caller)
    partner = partner_store.get_by_id(session, partner_id)
    score = customer_store.latest_scores(session, [partner_id]).get(partner_id)
    rows = order_store.list_lines(session, viewer_id=None, partner_id=partner_id,
                                  include_test=False)
    open_lines = [t for t in thread_lines(session, rows, today)
                  if t.status.status in OPEN_STATUSES and t.order.buyer_id == partner_id]
    last = customer_store.last_order_dates(session, [partner_id]).get(partner_id)
    return CustomerDetail(
        **_read(partner, score).model_dump(),
        locations=[{"id": loc.id, "code": loc.code, "gln": loc.gln, "name": loc.name}
                   for loc in partner_store.list_locations(session, partner_id)],
        open_promise_lines=len(open_lines),
        late_or_at_risk_lines=sum(1 for t in open_lines
                                  if t.status.status in ("late", "at_risk")),
        last_order=last,
        tier_history=[{"changed_at": c.changed_at, "from_tier": c.from_tier,
                       "to_tier": c.to_tier, "reason": c.reason}
                      for c in customer_store.tier_history(session, partner_id)],
        score_inputs=score.inputs if score else None,
    )


def timeline(session: Session, caller: Caller, partner_id: int, *, cursor: str | None,
             limit: int) -> tuple[list[TimelineEntry], str | None]:
    """Newest first. The cursor is the last entry handed out (time, kind, id) plus how many
    entries at exactly that time were handed out so far, so entries sharing a timestamp
    across a page boundary are neither repeated nor skipped."""
    _require_visible(session, partner_id, caller)
    position = decode_cursor(cursor)
    try:
        last_key = tuple(position["key"]) if "key" in position else None
        until = datetime.fromisoformat(last_key[0]) if last_key else None
        at_boundary = int(position.get("same", 0))
        if last_key is not None and not (
                len(last_key) == 3 and isinstance(last_key[1], str)
                and isinstance(last_key[2], int) and until.tzinfo is not None
                and 0 <= at_boundary < 10_000):
            raise ValueError("malformed timeline cursor")
    except (TypeError, ValueError, IndexError, AttributeError) as exc:
        raise InvalidParameter("the cursor is not one this API handed out",
                               location={"parameter": "cursor"}) from exc
    rows = customer_store.timeline_sources(session, partner_id, until=until,
                                           limit=limit + 1 + at_boundary)
    if last_key is not None:
        rows = [r for r in rows if (r[0].isoformat(), r[1], r[2]) < last_key]
    page, more = rows[:limit], len(rows) > limit
    entries = [TimelineEntry(at=at, kind=kind, id=ident, reference=ref,
                             detail=_jsonable(extra)) for at, kind, ident, ref, extra in page]
    if not (more and page):
        return entries, None
    last = page[-1]
    same = sum(1 for r in page if r[0] == last[0])
    if until is not None and last[0] == until:
        same += at_boundary
    return entries, encode_cursor({"key": [last[0].isoformat(), last[1], last[2]],
                                   "same": same})


def add_case(session: Session, caller: Caller, partner_id: int, body: CaseCreate) -> CaseRead:
    _require_visible(session, partner_id, caller)
    case = customer_store.add_case(session, Case(
        partner_id=partner_id, subject=body.subject, category=body.category,
        owner=body.owner, status=body.status, resolution=body.resolution,
        resolved_at=utcnow() if body.status == "resolved" else None))
    return CaseRead.model_validate(case)


def search_cases(session: Session, caller: Caller, *, q: str | None, cursor: str | None,
                 limit: int) -> tuple[list[CaseRead], str | None]:
    role, viewer = _viewer(caller)
    visible = None if role is None else customer_store.list_customer_ids(
        session, viewer_role=role, viewer_id=viewer, q=None)
    terms = [t for t in (q or "").split() if t]
    before = cursor_int(cursor, "before_id")
    cases = customer_store.search_cases(session, terms=terms, partner_ids=visible,
                                        limit=limit + 1, before_id=before)
    page = cases[:limit]
    return ([CaseRead.model_validate(c) for c in page],
            encode_cursor({"before_id": page[-1].id}) if len(cases) > limit else None)


def segments(session: Session, caller: Caller) -> list[SegmentRead]:
    role, viewer = _viewer(caller)
    ids = customer_store.list_customer_ids(session, viewer_role=role, viewer_id=viewer, q=None)
    members: dict[str, list[int]] = defaultdict(list)
    for pid, score in customer_store.latest_scores(session, ids).items():
        members[score.segment or "inactive"].append(pid)
    return [SegmentRead(segment=name, count=len(ids_), members=sorted(ids_))
            for name, ids_ in sorted(members.items())]


def churn_risk(session: Session, caller: Caller, *, only_flagged: bool) -> list[ChurnRead]:
    role, viewer = _viewer(caller)
    ids = customer_store.list_customer_ids(session, viewer_role=role, viewer_id=viewer, q=None)
    out = []
    for pid, score in sorted(customer_store.latest_scores(session, ids).items()):
        churn = score.inputs.get("churn") or {}
        flags = [f for f in ("overdue", "declining", "lost") if getattr(score, f)]
        if only_flagged and not flags:
            continue
        fit = score.inputs.get("bgnbd")
        out.append(ChurnRead(
            customer_id=pid, flags=flags, p_alive=score.p_alive,
            median_gap_days=churn.get("median_gap_days"),
            days_since_last=churn.get("days_since_last"), inputs=churn,
            model=FitRead(**{k: fit[k] for k in ("r", "alpha", "a", "b")}) if fit else None,
            scored_at=score.computed_at))
    out.sort(key=lambda c: (-len(c.flags), float(c.p_alive) if c.p_alive is not None else 1.0))
    return out


def follow_ups(session: Session, today: date, days: int) -> list[dict]:
    """Customers with no contact (document or case) for `days` days."""
    ids = customer_store.list_customer_ids(session, viewer_role=None, viewer_id=None, q=None)
    contacts = customer_store.last_contacts(session, ids)
    due = []
    for pid in ids:
        last = contacts.get(pid)
        if last is None or (today - last.date()).days >= days:
            due.append({"customer_id": pid, "last_contact": last.isoformat() if last else None})
    return due
