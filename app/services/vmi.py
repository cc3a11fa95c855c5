"""Replenishment signals as EDI for vendor-managed inventory: one document per location
owner, written by the EDI layer's writers (X12 850/830, EDIFACT ORDERS/DELFOR). Each
interchange written is recorded as sent (`outbound.record_sent`), so its 997/CONTRL is
awaited."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal

from sqlalchemy.orm import Session

from app.security import Caller
from app.services.outbound import record_sent
from app.services.signals import list_signals
from app.settings import Settings
from app.store import interchange as ic_store
from app.store import partner as partner_store
from app.store import product as product_store
from app.store.models import Location, Partner, Product
from app.store.types import UTC, utcnow
from edi.documents import (
    EnvelopeSpec,
    Order,
    OrderLine,
    PartyId,
    PlanningSchedule,
    ScheduleBucket,
    ScheduleLine,
)
from edi.edifact.writer import write_delfor, write_orders
from edi.x12.writer import write_830, write_850
from schemas.api import SignalRead

FORMATS = ("x12-850", "x12-830", "edifact-orders", "edifact-delfor")
MESSAGE_TYPES = {"x12-850": "850", "x12-830": "830", "edifact-orders": "ORDERS",
                 "edifact-delfor": "DELFOR"}
MEDIA = {"x12": "application/edi-x12", "edifact": "application/edifact"}
# identifier scheme -> envelope qualifier (X12 ISA05/07, EDIFACT UNB 0007)
X12_QUALIFIERS = {"ZZ": "ZZ", "DUNS": "01", "GLN": "08"}
EDIFACT_QUALIFIERS = {"ZZ": "ZZZ", "DUNS": "1", "GLN": "14"}
PLANNING_WEEKS = 4


def party_id(partner: Partner | None, syntax: str) -> PartyId:
    """The identifier a partner is addressed by: its agreed code, else GLN, else DUNS."""
    table = X12_QUALIFIERS if syntax == "x12" else EDIFACT_QUALIFIERS
    if partner is None:
        return PartyId("EDIHUB", table["ZZ"], "edihub")
    ids = {i.scheme: i.value for i in partner.identifiers}
    for scheme in ("ZZ", "GLN", "DUNS"):
        if scheme in ids:
            return PartyId(ids[scheme], table[scheme], partner.name)
    return PartyId(partner.slug.upper()[:15], table["ZZ"], partner.name)


def signals_as_edi(session: Session, caller: Caller, settings: Settings, *, fmt: str,
                   today: date, location_id: int | None, product_id: int | None,
                   urgency: str | None) -> tuple[str, str]:
    """Every signal the caller may see, as one EDI text dated `today`."""
    signals = list_signals(session, caller, settings, today=today, location_id=location_id,
                           product_id=product_id, urgency=urgency, include_test=False,
                           cursor=None, limit=None).items
    return write_signals(session, caller, signals, fmt, today)


def write_signals(session: Session, caller: Caller, signals: list[SignalRead], fmt: str,
                  today: date) -> tuple[str, str]:
    """(EDI text, media type): one interchange per location owner with something to order."""
    syntax = fmt.split("-")[0]
    sender_partner = partner_store.get_by_id(session, caller.partner_id)
    sender = party_id(sender_partner if sender_partner and sender_partner.identifiers
                      else None, syntax)
    by_owner: dict[int, list[tuple[SignalRead, Location, Product]]] = defaultdict(list)
    for signal in signals:
        if not signal.suggested_qty and not fmt.endswith(("830", "delfor")):
            continue
        location = partner_store.get_location_by_id(session, signal.location_id)
        product = product_store.get_by_id(session, signal.product_id)
        if location is None or product is None or not product.gtin:
            continue
        by_owner[location.partner_id].append((signal, location, product))
    created = datetime.combine(today, time(0, 0), tzinfo=UTC)
    parts = []
    for owner_id, rows in sorted(by_owner.items()):
        owner = partner_store.get_by_id(session, owner_id)
        receiver = party_id(owner, syntax)
        key = f"{syntax}:{receiver.qualifier}:{receiver.id}"
        env = EnvelopeSpec(
            sender=sender, receiver=receiver,
            interchange_control=ic_store.next_control_number(session, key, "interchange"),
            group_control=ic_store.next_control_number(session, key, "group"),
            version="00401" if syntax == "x12" else "UNOC:3",
            message_version="004010" if syntax == "x12" else "D:96A:UN:EAN008",
            created=created,
        )
        number = f"VMI-{today:%Y%m%d}-{env.interchange_control}"
        text = _document(fmt, number, today, receiver, sender, rows, env)
        record_sent(session, receiver=owner, standard=syntax, message_type=MESSAGE_TYPES[fmt],
                    document_number=number, sender_id=f"{sender.qualifier}:{sender.id}",
                    receiver_id=f"{receiver.qualifier}:{receiver.id}",
                    interchange_control=env.interchange_control,
                    group_control=env.group_control, content=text, sent_at=utcnow())
        parts.append(text)
    return "".join(parts), MEDIA[syntax]


def _units(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_CEILING)


def _document(fmt: str, number: str, today: date, buyer: PartyId, supplier: PartyId,
              rows: list, env: EnvelopeSpec) -> str:
    if fmt in ("x12-850", "edifact-orders"):
        lines = tuple(
            OrderLine(line_number=str(i), quantity=_units(signal.suggested_qty), unit="EA",
                      gtin=product.gtin, requested_date=today + timedelta(
                          days=signal.lead_time_days))
            for i, (signal, _, product) in enumerate(rows, start=1))
        order = Order(number=number, issued=today, buyer=buyer, supplier=supplier,
                      ship_to=PartyId(rows[0][1].gln or rows[0][1].code,
                                      "UL" if rows[0][1].gln else "92"),
                      lines=lines)
        return write_850(order, env) if fmt == "x12-850" else write_orders(order, env)
    lines = []
    for signal, location, product in rows:
        weekly = _units(signal.avg_daily_demand * 7)
        buckets = [ScheduleBucket(today, today + timedelta(days=signal.lead_time_days),
                                  _units(signal.suggested_qty or 0), "firm")]
        start = today + timedelta(days=signal.lead_time_days + 1)
        for week in range(PLANNING_WEEKS):
            first = start + timedelta(days=7 * week)
            buckets.append(ScheduleBucket(first, first + timedelta(days=6), weekly, "planning"))
        lines.append(ScheduleLine(gtin=product.gtin, quantity_unit="EA",
                                  location=PartyId(location.gln or location.code,
                                                   "UL" if location.gln else "92"),
                                  buckets=tuple(buckets)))
    schedule = PlanningSchedule(
        number=number, issued=today, horizon_start=today,
        horizon_end=max(b.end for line in lines for b in line.buckets), buyer=buyer,
        supplier=supplier, lines=tuple(lines))
    return write_830(schedule, env) if fmt == "x12-830" else write_delfor(schedule, env)
