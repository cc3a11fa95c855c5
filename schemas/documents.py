"""Canonical documents: what adapters produce from a parsed message, whatever its syntax.

Frozen, keyed by business identifiers (PO number, GTIN, GLN, partner codes), never by
database ids. The ingest service resolves the identifiers and writes the facts.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict


class _Doc(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PartyRef(_Doc):
    """A party as a document names it. `scheme` is GLN, DUNS, ZZ (a code agreed between the
    partners) or another qualifier as sent; `role` is buyer, seller, ship_to, bill_to,
    supplier, reporter, location..."""

    role: str
    scheme: str
    value: str
    name: str | None = None
    location_code: str | None = None  # the sender's own code for the place, if any


class ProductRef(_Doc):
    """A product as a line names it; `gtin` is normalised to 14 digits with a valid check
    digit, the others are kept as sent."""

    gtin: str | None = None
    upc: str | None = None
    ean: str | None = None
    buyer_part: str | None = None
    vendor_part: str | None = None
    description: str | None = None

    def is_empty(self) -> bool:
        return not any((self.gtin, self.buyer_part, self.vendor_part))


class OrderLineDoc(_Doc):
    line_number: str
    product: ProductRef
    quantity: Decimal
    uom: str
    pack_size: Decimal | None = None
    unit_price: Decimal | None = None
    requested_delivery: date | None = None
    requested_ship: date | None = None
    segment_number: int | None = None
    raw_qualifier: str | None = None

    @property
    def base_quantity(self) -> Decimal | None:
        if self.uom in ("EA", "PCE", "C62", "EACH"):
            return self.quantity
        if self.pack_size is not None:
            return self.quantity * self.pack_size
        return None


class OrderDoc(_Doc):
    kind: Literal["order"] = "order"
    po_number: str
    purpose: Literal["original", "replace", "change", "cancel"]
    order_date: date | None = None
    currency: str | None = None
    parties: tuple[PartyRef, ...] = ()
    requested_delivery: date | None = None
    requested_ship: date | None = None
    lines: tuple[OrderLineDoc, ...] = ()
    segment_number: int | None = None

    def party(self, role: str) -> PartyRef | None:
        return next((p for p in self.parties if p.role == role), None)

    @property
    def total(self) -> Decimal | None:
        priced = [ln.quantity * ln.unit_price for ln in self.lines if ln.unit_price is not None]
        return sum(priced, Decimal(0)) if priced else None


# --- order response / promise ----------------------------------------------------------------

PromiseStatus = Literal["accepted", "changed", "backordered", "rejected"]


class OrderResponseLineDoc(_Doc):
    """One line of a supplier's answer. `status` is normalised; `raw_status` keeps the code
    as sent (X12 ACK01 `IA`, EDIFACT LIN 1229 `5`, cXML `accept`)."""

    line_number: str | None = None
    product: ProductRef = ProductRef()
    status: PromiseStatus
    raw_status: str | None = None
    quantity: Decimal | None = None  # the quantity promised
    ordered_quantity: Decimal | None = None
    uom: str | None = None
    promised_ship: date | None = None  # X12 ACK 068 / 079 (ship dates)
    promised_delivery: date | None = None  # X12 ACK 067 / 069 / 017, EDIFACT DTM+69 / 2 / 17
    unit_price: Decimal | None = None
    segment_number: int | None = None
    raw_qualifier: str | None = None  # e.g. `ACK:IA`, `QTY:113`


class OrderResponseDoc(_Doc):
    kind: Literal["order_response"] = "order_response"
    po_number: str
    response_number: str | None = None
    response_date: date | None = None
    status: Literal["accepted", "changed", "rejected"]
    raw_status: str | None = None  # X12 BAK02 `AC`, EDIFACT BGM 1225 `29`
    currency: str | None = None
    parties: tuple[PartyRef, ...] = ()
    lines: tuple[OrderResponseLineDoc, ...] = ()
    segment_number: int | None = None

    def party(self, role: str) -> PartyRef | None:
        return next((p for p in self.parties if p.role == role), None)


# --- ship notice -----------------------------------------------------------------------------


class ShipmentLineDoc(_Doc):
    po_number: str | None = None  # from the order level (HL O / PRF, RFF+ON, OrderReference)
    line_number: str | None = None  # the order line it ships (LIN01, LIN+n with RFF+LI ...)
    product: ProductRef = ProductRef()
    quantity_shipped: Decimal
    quantity_ordered: Decimal | None = None
    uom: str
    pack_size: Decimal | None = None
    segment_number: int | None = None
    raw_qualifier: str | None = None  # e.g. `SN1`, `QTY:12`


class ShipNoticeDoc(_Doc):
    kind: Literal["ship_notice"] = "ship_notice"
    shipment_number: str
    purpose: Literal["original", "replace", "cancel"] = "original"
    shipped_on: date | None = None  # X12 DTM 011, EDIFACT DTM+11
    estimated_delivery: date | None = None  # X12 DTM 017, EDIFACT DTM+17 / DTM+191
    carrier: str | None = None  # TD5 / TDT
    bill_of_lading: str | None = None  # REF BM / RFF+BM
    parties: tuple[PartyRef, ...] = ()
    lines: tuple[ShipmentLineDoc, ...] = ()
    segment_number: int | None = None

    def party(self, role: str) -> PartyRef | None:
        return next((p for p in self.parties if p.role == role), None)


# --- sales and inventory (852, 867, 846, SLSRPT, INVRPT, cXML ProductActivityMessage) ---------

SalesMeasure = Literal["sold", "returned", "received"]


class SalesLineDoc(_Doc):
    """Units sold / returned / received at one location for one product over a period."""

    location: PartyRef | None = None  # the store / place; None = the reporter's own location
    product: ProductRef
    measure: SalesMeasure
    quantity: Decimal
    uom: str
    period_start: date
    period_end: date
    amount: Decimal | None = None
    currency: str | None = None
    segment_number: int | None = None
    raw_qualifier: str  # `ZA:QS`, `QTY:153`, `SDQ:QS` ...


class InventoryLineDoc(_Doc):
    location: PartyRef | None = None
    product: ProductRef
    as_of: date
    on_hand: Decimal | None = None
    available: Decimal | None = None
    on_order: Decimal | None = None
    in_transit: Decimal | None = None
    received: Decimal | None = None
    uom: str
    segment_number: int | None = None
    raw_qualifier: str  # the qualifiers that gave the figures, e.g. `ZA:QA,ZA:QP`


class ProductActivityDoc(_Doc):
    """A sales and/or inventory report from a reporter (distributor, retailer)."""

    kind: Literal["product_activity"] = "product_activity"
    report_number: str | None = None
    report_date: date | None = None
    period_start: date | None = None
    period_end: date | None = None
    parties: tuple[PartyRef, ...] = ()  # `reporter`, `location`, `seller` ...
    sales: tuple[SalesLineDoc, ...] = ()
    inventory: tuple[InventoryLineDoc, ...] = ()
    segment_number: int | None = None

    def party(self, role: str) -> PartyRef | None:
        return next((p for p in self.parties if p.role == role), None)


# --- invoice ---------------------------------------------------------------------------------


class InvoiceLineDoc(_Doc):
    line_number: str | None = None
    product: ProductRef = ProductRef()
    quantity: Decimal
    uom: str
    unit_price: Decimal | None = None
    amount: Decimal | None = None  # line net amount
    po_number: str | None = None
    segment_number: int | None = None


class InvoiceDoc(_Doc):
    kind: Literal["invoice"] = "invoice"
    invoice_number: str
    invoice_date: date | None = None
    purpose: Literal["original", "credit", "replace", "cancel"] = "original"
    po_number: str | None = None
    currency: str | None = None
    total: Decimal | None = None  # total amount due (TDS, MOA+77/86/39, cXML/UBL totals)
    parties: tuple[PartyRef, ...] = ()  # `seller` (invoicer), `buyer` (invoicee) ...
    lines: tuple[InvoiceLineDoc, ...] = ()
    segment_number: int | None = None

    def party(self, role: str) -> PartyRef | None:
        return next((p for p in self.parties if p.role == role), None)


# --- planning schedule (forecast from the customer: 830, DELFOR) ------------------------------


class ScheduleBucketDoc(_Doc):
    start: date
    end: date
    quantity: Decimal
    commitment: Literal["firm", "planning"]
    raw_qualifier: str | None = None  # `FST:C:D`, `SCC:1` ...
    segment_number: int | None = None


class ScheduleLineDoc(_Doc):
    product: ProductRef
    location: PartyRef | None = None  # ship-to / consignee the quantities are for
    uom: str
    buckets: tuple[ScheduleBucketDoc, ...] = ()
    segment_number: int | None = None


class PlanningScheduleDoc(_Doc):
    kind: Literal["planning_schedule"] = "planning_schedule"
    schedule_number: str
    issued: date | None = None
    horizon_start: date | None = None
    horizon_end: date | None = None
    purpose: Literal["original", "replace", "cancel"] = "original"
    parties: tuple[PartyRef, ...] = ()  # `buyer` (issuer), `seller` (supplier) ...
    lines: tuple[ScheduleLineDoc, ...] = ()
    segment_number: int | None = None

    def party(self, role: str) -> PartyRef | None:
        return next((p for p in self.parties if p.role == role), None)


# --- acknowledgement received (997, 999, CONTRL) ---------------------------------------------

AckStatus = Literal["accepted", "accepted_with_errors", "partially_accepted", "rejected",
                    "received"]


class AcknowledgedMessageDoc(_Doc):
    """What an acknowledgement says of one message it answers (AK2/AK5, IK5, UCM)."""

    type: str | None = None
    control_number: str
    status: AckStatus
    codes: tuple[str, ...] = ()  # AK502-506 / IK502-506 / UCM 0085
    segment_number: int | None = None


class FunctionalAckDoc(_Doc):
    """A partner's acknowledgement of an interchange the hub sent: X12 997/999 answer one
    functional group (AK1 group control number), EDIFACT CONTRL one interchange (UCI 0020).
    `received` (CONTRL action 8) says the interchange arrived, not yet whether it is
    accepted."""

    kind: Literal["functional_ack"] = "functional_ack"
    ack_type: Literal["997", "999", "CONTRL"]
    functional_id: str | None = None  # AK101
    group_control: str | None = None  # AK102
    interchange_control: str | None = None  # UCI 0020
    status: AckStatus
    codes: tuple[str, ...] = ()  # AK905-909 / UCI 0085
    messages: tuple[AcknowledgedMessageDoc, ...] = ()
    segment_number: int | None = None


Document = (OrderDoc | OrderResponseDoc | ShipNoticeDoc | ProductActivityDoc | InvoiceDoc
            | PlanningScheduleDoc | FunctionalAckDoc)
