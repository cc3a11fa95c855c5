"""API payloads (v1)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class IssueRead(_Read):
    code: str = Field(description="Acknowledgement vocabulary code (TA1/AK9/AK5/AK3/AK4 for "
                                  "X12, CONTRL 0085 for EDIFACT) or a short reason")
    severity: str
    scope: str = Field(description="interchange | group | transaction | segment | element")
    location: dict[str, Any] = Field(description="offset, segment_number, segment_tag, "
                                                 "element, component, repetition")
    text: str


class MessageRead(_Read):
    id: int
    type: str
    control_number: str
    version: str | None
    status: str = Field(description="accepted | accepted_with_errors | rejected | unsupported")
    issues: list[IssueRead] = []


class InterchangeRead(_Read):
    id: int
    control_number: str
    sender: str
    sender_qualifier: str | None
    receiver: str
    receiver_qualifier: str | None
    version: str | None
    test: bool
    status: str
    issues: list[IssueRead] = []
    messages: list[MessageRead] = []


class AcknowledgementLink(BaseModel):
    kind: str = Field(description="997 | 999 | TA1 | CONTRL")
    standard: str
    status: str
    url: str


class UploadRead(BaseModel):
    id: int
    standard: str | None
    status: str = Field(description="processed | partially_accepted | rejected | failed | "
                                    "duplicate")
    duplicate: bool
    duplicate_of: int | None = None
    sha256: str
    size: int
    received_at: datetime
    issues: list[IssueRead] = Field(default=[], description="Problems outside any interchange")
    interchanges: list[InterchangeRead] = []
    acknowledgement: AcknowledgementLink | None = None
    acknowledgements: list[AcknowledgementLink] = []


class PromiseRead(_Read):
    version: int
    status: str
    quantity: Decimal | None
    uom: str | None
    promised_ship: date | None
    promised_delivery: date | None
    message_id: int


class ShipmentLineRead(_Read):
    shipment_id: int
    quantity_shipped: Decimal
    quantity_ordered: Decimal | None
    uom: str
    message_id: int


class OrderLineRead(_Read):
    id: int
    line_number: str
    product_id: int | None
    gtin: str | None = None
    description: str | None
    quantity: Decimal
    uom: str
    base_quantity: Decimal | None
    pack_size: Decimal | None
    unit_price: Decimal | None
    currency: str | None
    requested_delivery: date | None
    requested_ship: date | None
    status: str
    message_id: int
    segment_number: int | None
    promises: list[PromiseRead] = []
    shipments: list[ShipmentLineRead] = []


class OrderRead(_Read):
    id: int
    po_number: str
    buyer_id: int
    seller_id: int | None
    ship_to_id: int | None
    order_date: date | None
    purpose: str
    status: str
    currency: str | None
    requested_delivery: date | None
    requested_ship: date | None
    revision: int
    test: bool
    message_id: int
    created_at: datetime
    updated_at: datetime
    lines: list[OrderLineRead] = []


class Health(BaseModel):
    status: str
