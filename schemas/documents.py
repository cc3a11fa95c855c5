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


Document = OrderDoc
