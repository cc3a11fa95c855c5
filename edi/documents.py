"""Neutral inputs for the outbound writers (X12 850/855/830, EDIFACT ORDERS/ORDRSP/DELFOR).

The EDI layer imports nothing of ours, so the application maps its own records onto these
small frozen shapes and hands them to a writer. Quantities and money are Decimal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class PartyId:
    """An identifier as the envelope or a party segment carries it.

    X12 ISA: qualifier `ZZ`/`01`/`14`..., EDIFACT UNB: qualifier `14` (GLN) / `ZZZ`...
    """

    id: str
    qualifier: str = ""
    name: str = ""


@dataclass(frozen=True, slots=True)
class EnvelopeSpec:
    sender: PartyId
    receiver: PartyId
    interchange_control: int
    group_control: int
    message_control_start: int = 1
    version: str = ""  # X12: `00401`/`00501` ISA12; EDIFACT: `UNOC:3` syntax
    message_version: str = ""  # X12 GS08 `004010`; EDIFACT `D:96A:UN` (+ `:EAN008`)
    created: datetime | None = None
    test: bool = False
    ack_requested: bool = False


@dataclass(frozen=True, slots=True)
class OrderLine:
    line_number: str
    quantity: Decimal
    unit: str = "EA"
    gtin: str = ""
    buyer_part: str = ""
    vendor_part: str = ""
    unit_price: Decimal | None = None
    requested_date: date | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class Order:
    """A purchase order the hub sends (VMI replenishment): X12 850, EDIFACT ORDERS."""

    number: str
    issued: date
    buyer: PartyId
    supplier: PartyId
    ship_to: PartyId | None = None
    currency: str = ""
    purpose: str = "original"  # original | cancel | replace
    lines: tuple[OrderLine, ...] = ()


@dataclass(frozen=True, slots=True)
class ResponseLine:
    line_number: str
    status: str  # accepted | changed | backordered | rejected
    ordered_quantity: Decimal
    promised_quantity: Decimal
    unit: str = "EA"
    gtin: str = ""
    vendor_part: str = ""
    promised_date: date | None = None  # delivery date promised
    unit_price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class OrderResponse:
    """An order acknowledgement / promise: X12 855, EDIFACT ORDRSP."""

    order_number: str
    order_date: date | None
    response_number: str
    issued: date
    status: str  # accepted | changed | rejected
    buyer: PartyId
    supplier: PartyId
    currency: str = ""
    lines: tuple[ResponseLine, ...] = ()


@dataclass(frozen=True, slots=True)
class ScheduleBucket:
    start: date
    end: date
    quantity: Decimal
    commitment: str = "planning"  # firm | planning


@dataclass(frozen=True, slots=True)
class ScheduleLine:
    gtin: str
    quantity_unit: str = "EA"
    location: PartyId | None = None
    buyer_part: str = ""
    buckets: tuple[ScheduleBucket, ...] = ()


@dataclass(frozen=True, slots=True)
class PlanningSchedule:
    """A forecast / replenishment schedule: X12 830, EDIFACT DELFOR."""

    number: str
    issued: date
    horizon_start: date
    horizon_end: date
    buyer: PartyId
    supplier: PartyId
    lines: tuple[ScheduleLine, ...] = field(default_factory=tuple)
