"""EDIFACT / EANCOM SLSRPT (D96A, D01B) -> `ProductActivityDoc` with sales lines.

BGM gives the report number; DTM+137 the report date and DTM+356 (a day, week, month or range)
or DTM+90 / DTM+91 the sales period; NAD the reporter and the supplier; each LOC (location of
sale) opens a group of LIN items, and each QTY+153 (sold) or QTY+61 / QTY+210 (returned) under a
LIN is one `SalesLineDoc` for that location, product and period. A MOA right after a QTY is its
amount. A DTM after a LOC, LIN or QTY narrows the period for what follows / that quantity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from adapters.common import Mapped
from adapters.edifact_common import (
    MOA_C516,
    MOA_CURRENCY,
    PARTY_ROLES,
    add_imd,
    add_party,
    add_pia,
    amount,
    beginning,
    currency,
    dtm_period,
    dtm_qualifier,
    edifact_missing_segment,
    lin_product,
    place,
    product_ref,
    quantity,
)
from edi.model import Issue, Message, Segment
from schemas.documents import PartyRef, ProductActivityDoc, SalesLineDoc, SalesMeasure

# 6063: 153 statistical sales quantity; 61 return quantity; 210 (returns, per DESIGN section 4).
MEASURES: dict[str, SalesMeasure] = {"153": "sold", "61": "returned", "210": "returned"}
# 2005: 356 sales date and/or period; 90 report start date; 91 report end date; 137 document.
SALES_PERIOD, REPORT_START, REPORT_END, DOCUMENT_DATE = "356", "90", "91", "137"
# 3035: the retailer / distributor that reports the sales is the buyer (or the message sender).
ROLES = {**PARTY_ROLES, "BY": "reporter", "MS": "reporter", "SU": "seller"}
DEFAULT_UNIT = "PCE"


@dataclass
class _Period:
    start: date | None = None
    end: date | None = None

    def apply(self, seg: Segment, issues: list[Issue]) -> bool:
        qualifier = dtm_qualifier(seg)
        if qualifier not in (SALES_PERIOD, REPORT_START, REPORT_END):
            return False
        period = dtm_period(seg, issues)
        if period is None:
            return False
        if qualifier == SALES_PERIOD:
            self.start, self.end = period
        elif qualifier == REPORT_START:
            self.start = period[0]
        else:
            self.end = period[1]
        return True

    def over(self, *outer: _Period) -> tuple[date | None, date | None]:
        start = self.start or next((p.start for p in outer if p.start), None)
        end = self.end or next((p.end for p in outer if p.end), None)
        return start, end


@dataclass
class _Sale:
    qty: Segment
    measure: SalesMeasure
    values: dict
    period: _Period = field(default_factory=_Period)
    scopes: tuple[_Period, ...] = ()


def map_message(message: Message) -> Mapped:
    result = Mapped()
    bgm = beginning(message, "report number", number_required=False)
    parties: list[PartyRef] = []
    header = _Period()
    report_date: date | None = None
    report_currency: str | None = None
    location: PartyRef | None = None
    location_period = _Period()
    line_period = _Period()
    product: dict[str, str] | None = None
    sales: list[_Sale] = []
    last: _Sale | None = None

    for seg in message.body():
        tag = seg.tag
        if tag == "LOC":
            location, location_period, product, last = place(seg), _Period(), None, None
        elif tag == "LIN":
            product, line_period, last = lin_product(seg), _Period(), None
        elif tag == "DTM":
            target = (last.period if last is not None else line_period if product is not None
                      else location_period if location is not None else header)
            if not target.apply(seg, result.issues) and dtm_qualifier(seg) == DOCUMENT_DATE:
                period = dtm_period(seg, result.issues)
                report_date = report_date or (period[0] if period else None)
        elif product is not None and tag == "PIA":
            add_pia(seg, product)
        elif product is not None and tag == "IMD":
            add_imd(seg, product)
        elif product is not None and tag == "QTY":
            qty = quantity(seg)
            measure = MEASURES.get(qty.qualifier)
            last = None
            if measure is not None:
                last = _Sale(seg, measure, {
                    "location": location, "product": product, "quantity": qty.value,
                    "uom": qty.unit or DEFAULT_UNIT, "segment_number": seg.number,
                    "raw_qualifier": f"QTY:{qty.qualifier}"},
                    scopes=(line_period, location_period, header))
                sales.append(last)
        elif tag == "MOA" and last is not None:
            _, value = amount(seg)
            if value is not None and "amount" not in last.values:
                last.values["amount"] = value
                last.values["currency"] = seg.value(MOA_C516, MOA_CURRENCY).strip() or None
        elif tag == "NAD" and product is None and location is None:
            add_party(parties, result.issues, seg, ROLES)
        elif tag == "CUX" and product is None:
            report_currency = report_currency or currency(seg)

    lines = []
    for sale in sales:
        start, end = sale.period.over(*sale.scopes)
        if start is None or end is None:
            raise edifact_missing_segment("DTM", sale.qty, "no sales period (DTM+356, or "
                                          "DTM+90 and DTM+91) covers this quantity")
        values = dict(sale.values, product=product_ref(sale.values["product"]))
        if values.get("amount") is not None and not values.get("currency"):
            values["currency"] = report_currency
        lines.append(SalesLineDoc(period_start=start, period_end=end, measure=sale.measure,
                                  **values))
    result.documents.append(ProductActivityDoc(
        report_number=bgm.number or None, report_date=report_date, period_start=header.start,
        period_end=header.end, parties=tuple(parties), sales=tuple(lines),
        segment_number=bgm.segment.number))
    return result
