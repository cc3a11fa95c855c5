"""API payloads of the customer view."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class CustomerRead(BaseModel):
    id: int
    slug: str
    name: str
    role: str
    identifiers: list[str]
    revenue: Decimal | None = Field(description="Revenue over the last 12 months in the base "
                                                "currency (orders, or invoices when scored so)")
    currency: str | None
    share: Decimal | None = Field(description="Share of all customers' revenue")
    abc_class: str | None = Field(description="A: the customers making the first 80% of "
                                              "revenue; B: the next 15%; C: the rest")
    segment: str | None = Field(description="RFM segment: champions, loyal, new, promising, "
                                            "at_risk, hibernating, needs_attention")
    tier: str | None
    churn_flags: list[str] = Field(description="overdue | declining | lost")
    p_alive: Decimal | None = Field(description="BG/NBD probability the customer is active")
    scored_at: datetime | None


class CustomerPage(BaseModel):
    items: list[CustomerRead]
    next_cursor: str | None = None


class CustomerDetail(CustomerRead):
    locations: list[dict[str, Any]]
    open_promise_lines: int
    late_or_at_risk_lines: int
    last_order: date | None
    tier_history: list[dict[str, Any]]
    score_inputs: dict[str, Any] | None = Field(description="Everything the scores came from")


class TimelineEntry(BaseModel):
    at: datetime
    kind: str = Field(description="order | promise | shipment | sales_report | "
                                  "inventory_report | invoice | forecast | case | "
                                  "acknowledgement | rejected_file | note")
    id: int
    reference: str
    detail: dict[str, Any]


class TimelinePage(BaseModel):
    items: list[TimelineEntry]
    next_cursor: str | None = None


class CaseCreate(BaseModel):
    subject: str = Field(min_length=1, max_length=200)
    category: Literal["complaint", "question", "return", "visit", "call"]
    owner: str | None = Field(default=None, max_length=100)
    status: Literal["open", "resolved"] = "open"
    resolution: str | None = Field(default=None, max_length=20_000)


class CaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    partner_id: int
    subject: str
    category: str
    owner: str | None
    status: str
    resolution: str | None
    created_at: datetime
    resolved_at: datetime | None


class CasePage(BaseModel):
    items: list[CaseRead]
    next_cursor: str | None = None


class ExchangeRateIn(BaseModel):
    currency: str = Field(pattern="^[A-Z]{3}$")
    rate: Decimal = Field(gt=0, lt=Decimal("1e9"), decimal_places=8,
                          description="Units of the base currency for 1 unit")
    valid_from: date


class ExchangeRatesPut(BaseModel):
    rates: list[ExchangeRateIn] = Field(min_length=1, max_length=1000)


class SegmentRead(BaseModel):
    segment: str
    count: int
    members: list[int]


class FitRead(BaseModel):
    r: float
    alpha: float
    a: float
    b: float


class ChurnRead(BaseModel):
    customer_id: int
    flags: list[str] = Field(description="overdue: days since the last order > 2x the median "
                                         "gap between its orders (3+ orders); declining: last "
                                         "90 days' volume < 60% of the prior 90 days'; lost: no "
                                         "order for 365 days")
    p_alive: Decimal | None
    median_gap_days: float | None
    days_since_last: int | None
    inputs: dict[str, Any]
    model: FitRead | None = Field(description="BG/NBD parameters fitted (maximum likelihood) "
                                              "to the whole customer base, time in days")
    scored_at: datetime


class ScoreRun(BaseModel):
    customers: int
    computed_at: str
    basis: str
    missing_rates: list[str]
