"""API payloads (v1)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A page of a list; pass `next_cursor` back as `cursor` for the next page (null: done)."""

    items: list[T]
    next_cursor: str | None = None


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


STATUS_HELP = (
    "requested | confirmed | confirmed_changed | backordered | rejected | shipped | at_risk | "
    "late | delivered_on_time | delivered_late | delivered_short | cancelled. at_risk: open and "
    "the latest ETA is after the promised delivery, or no ship notice within the lane transit "
    "days before it; late: promised delivery passed, not shipped in full. Ship promises become "
    "delivery promises by adding the supplier's lane transit days (default 2)."
)


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
    status: str = Field(description="open | cancelled (the order's own line status)")
    delivery_status: str | None = Field(default=None, description=STATUS_HELP)
    delay_days: int | None = None
    promised_delivery: date | None = None
    expected_delivery: date | None = None
    shipped_quantity: Decimal | None = None
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


class PromiseLineRead(BaseModel):
    order_id: int
    po_number: str
    buyer_id: int
    seller_id: int | None
    line_id: int
    line_number: str
    product_id: int | None
    ordered_quantity: Decimal
    uom: str
    requested_delivery: date | None
    promised_delivery: date | None = Field(description="Latest promise version's delivery date")
    first_promised_delivery: date | None = Field(description="Version 1's delivery date")
    expected_delivery: date | None = Field(
        description="From the ship notices: estimated delivery, else ship date + transit days")
    shipped_quantity: Decimal
    promise_versions: int
    status: str = Field(description=STATUS_HELP)
    delay_days: int | None = Field(
        description="Promised (or, once shipped, expected) delivery minus requested delivery; "
                    "for late lines, days past the promised delivery")
    reasons: list[str] = []


class PromiseSummary(BaseModel):
    lines: int = Field(description="Order lines in scope (window on due date)")
    lines_due: int = Field(description="Lines whose due date (promised delivery, else requested) "
                                       "is in the window and not after today")
    counts: dict[str, int] = Field(description="Lines by status. " + STATUS_HELP)
    on_time_rate: float | None = Field(
        description="Lines due whose expected delivery is on or before their due date / lines due")
    in_full_rate: float | None = Field(description="Lines due shipped complete / lines due")
    otif_rate: float | None = Field(
        description="Lines shipped complete by the promised date / lines due in the window")
    unit_fill_rate: float | None = Field(
        description="Units shipped (capped at ordered) / units ordered, over lines due")
    promise_accuracy: float | None = Field(
        description="Lines delivered by their FIRST promised date / lines delivered")
    avg_ack_latency_hours: float | None = Field(
        description="Average hours from receiving the order to its first promise")
    window_from: date | None
    window_to: date | None
    as_of: date


class OrderSummaryRead(_Read):
    id: int
    po_number: str
    buyer_id: int
    seller_id: int | None
    order_date: date | None
    purpose: str
    status: str
    currency: str | None
    revision: int
    test: bool
    line_count: int = 0


class SellThroughRow(BaseModel):
    product_id: int
    gtin: str | None
    location_id: int
    location_code: str | None
    period_start: date
    period_end: date
    units_sold: Decimal
    units_returned: Decimal
    units_received: Decimal | None = Field(
        description="Facts of measure `received`, else the period's inventory snapshots' "
                    "`received` figures")
    on_hand_begin: Decimal | None = Field(
        description="On hand of the latest snapshot before the period start")
    on_hand_end: Decimal | None = Field(
        description="On hand of the latest snapshot on or before the period end")
    sell_through_rate: Decimal | None = Field(
        description="units_sold / (on_hand_begin + units_received); null when the denominator "
                    "is unknown or zero")
    weeks_of_supply: Decimal | None = Field(
        description="on_hand_end / average weekly units sold over the trailing 4 weeks "
                    "(28 days ending at the period end)")


class SellThroughTotals(BaseModel):
    units_sold: Decimal
    units_returned: Decimal
    units_received: Decimal
    series: int = Field(description="product x location series on this page")
    rows: int


class SellThroughPage(BaseModel):
    items: list[SellThroughRow]
    totals: SellThroughTotals = Field(description="Totals over the rows of this page")
    next_cursor: str | None = None


class SalesFactRead(_Read):
    id: int
    reporter_id: int
    location_id: int
    product_id: int
    period_start: date
    period_end: date
    measure: str = Field(description="sold | returned | received")
    quantity: Decimal
    uom: str
    amount: Decimal | None
    currency: str | None
    raw_qualifier: str | None = Field(description="As sent, e.g. ZA:QS or QTY:153")
    message_id: int
    segment_number: int | None
    test: bool
    created_at: datetime


class InventoryRead(_Read):
    product_id: int
    location_id: int
    reporter_id: int
    as_of: date
    on_hand: Decimal | None
    available: Decimal | None
    on_order: Decimal | None
    in_transit: Decimal | None
    uom: str
    raw_qualifier: str | None
    message_id: int


SIGNAL_HELP = (
    "Per product x location. avg_daily_demand and demand_std: units sold per day over the "
    "trailing window (default 28 days ending yesterday; multi-day facts spread evenly); "
    "safety_stock = z * demand_std * sqrt(lead_time_days), z the normal quantile of the cycle "
    "service level (default 0.95); reorder_point = avg_daily_demand * lead_time_days + "
    "safety_stock; inventory_position = available + on_order + in_transit - backorders "
    "(latest snapshot; backorders 0: not reported per location); days_of_cover = on_hand / "
    "avg_daily_demand; suggested_qty = max(0, reorder_point + avg_daily_demand * review_days - "
    "inventory_position) rounded up to the pack multiple; urgency: critical when "
    "days_of_cover < lead_time_days, reorder when inventory_position <= reorder_point, else "
    "ok; unknown when the location never reported stock."
)


class SignalRead(BaseModel):
    product_id: int
    location_id: int
    on_hand: Decimal | None
    available: Decimal | None
    on_order: Decimal | None
    in_transit: Decimal | None
    stock_as_of: date | None
    avg_daily_demand: float
    demand_std: float
    lead_time_days: int
    review_days: int
    service_level: float
    z: float
    safety_stock: float
    reorder_point: float
    inventory_position: float | None
    backorders: float
    days_of_cover: float | None
    suggested_qty: float | None
    pack_multiple: float
    urgency: str = Field(description="critical | reorder | ok | unknown")
    window_start: date
    window_end: date


class ParametersUpdate(BaseModel):
    """Replenishment parameters for one product at one location; omitted fields keep their
    value (null resets to the default)."""

    product_id: int = Field(ge=1, le=2**63 - 1)
    location_id: int = Field(ge=1, le=2**63 - 1)
    lead_time_days: int | None = Field(default=None, ge=0, le=365)
    review_days: int | None = Field(default=None, ge=0, le=365)
    service_level: Decimal | None = Field(default=None, ge=Decimal("0.5"),
                                          le=Decimal("0.9999"), decimal_places=4)
    pack_multiple: Decimal | None = Field(default=None, gt=0, lt=Decimal("1e9"),
                                          decimal_places=4)
    window_days: int | None = Field(default=None, ge=1, le=730)


class ForecastPoint(BaseModel):
    date: date
    quantity: float


class ForecastRead(BaseModel):
    product_id: int
    location_id: int
    history_start: date
    history_end: date
    classification: str = Field(
        description="smooth | erratic | intermittent | lumpy | none, by average demand "
                    "interval (ADI, cut-off 1.32) and squared coefficient of variation of "
                    "non-zero demand (CV2, cut-off 0.49)")
    adi: float | None
    cv2: float | None
    method: str = Field(description="ses (smooth, erratic) | croston_sba (intermittent) | "
                                    "tsb (lumpy) | zero")
    daily_rate: float
    forecast: list[ForecastPoint]
    backtest_method: str
    backtest_days: int = Field(description="Days of one-step-ahead backtest (up to 28)")
    backtest_mae: float | None = Field(description="Mean absolute error over the backtest")
    backtest_bias: float | None = Field(description="Mean of forecast - actual")


class QuoteRequest(BaseModel):
    product_id: int | None = Field(default=None, ge=1, le=2**63 - 1)
    gtin: str | None = Field(default=None, max_length=14)
    location_id: int = Field(ge=1, le=2**63 - 1, description="The supplier's stocking location")
    quantity: Decimal = Field(gt=0, lt=Decimal("1e12"))
    requested_date: date
    allow_partial: bool = True


class ScheduledReceipt(BaseModel):
    date: date
    quantity: Decimal


class PartialOffer(BaseModel):
    quantity: Decimal
    date: date


class QuoteRead(BaseModel):
    product_id: int
    location_id: int
    quantity: Decimal
    requested_date: date
    available_now: Decimal = Field(description="Latest snapshot's available (else on hand)")
    open_allocations: Decimal = Field(
        description="Open order lines of the location's owner for the product, not yet shipped")
    scheduled_receipts: list[ScheduledReceipt] = Field(
        description="Ship notices to the location, by expected delivery")
    can_promise_in_full: bool
    promised_date: date | None = Field(
        description="Earliest date the full quantity is available to promise (the requested "
                    "date if it can be met)")
    partial: PartialOffer | None = Field(
        description="When the full quantity cannot be promised by the requested date: what can")


class JobRunRead(_Read):
    id: int
    job_id: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str = Field(description="running | ok | failed")
    error: str | None
    detail: dict[str, Any] | None
    host: str | None
