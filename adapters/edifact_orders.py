"""EDIFACT / EANCOM ORDERS (D96A, D01B, EAN008/EAN010) -> `OrderDoc`.

BGM gives the PO number and message function; DTM the order and requested dates; CUX the
currency; NAD the parties; each LIN (with PIA, IMD, QTY, PRI, PAC and line DTM) one order line.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from adapters.common import Mapped, is_digits
from adapters.edifact_common import (
    BGM_DOCUMENT,
    BGM_FUNCTION,
    add_imd,
    add_party,
    add_pia,
    beginning,
    code_from,
    currency,
    dtm_date,
    dtm_qualifier,
    edifact_missing_segment,
    lin_line_number,
    lin_product,
    product_ref,
    quantity,
    unit_price,
    warning,
)
from edi.model import Message, Segment
from schemas.documents import OrderDoc, OrderLineDoc, PartyRef

# 1001 document name codes that are orders: 220 order, 221 blanket order, 224 rush order,
# 226 call off order, 227 consignment order.
ORDER_DOCUMENTS = ("220", "221", "224", "226", "227")
# 1225 message function: 9 original, 1 cancellation, 3 deletion, 5 replace, 4 change,
# 7 duplicate, 31 copy. Absent (conditional in D96A) = original.
PURPOSES = {"9": "original", "1": "cancel", "3": "cancel", "5": "replace", "4": "change",
            "7": "original", "31": "original", "": "original"}
# 2005 qualifiers, in order of preference: 2 delivery requested, 64 earliest, 63 latest,
# X14 requested for delivery week commencing (GS1); 10 shipment requested, 37 ship not before,
# 38 ship not later than, 200 pick-up / collection. 137 document date, 4 order date.
DELIVERY_DATES = ("2", "64", "63", "X14")
SHIP_DATES = ("10", "37", "38", "200")
ORDER_DATES = ("137", "4")
# 6063: 21 ordered quantity, 1 discrete quantity; 59 number of consumer units in the traded
# unit and 52 quantity per pack give the pack size.
ORDERED_QUANTITIES = ("21", "1")
PACK_QUANTITIES = ("59", "52")
# 5125: AAA calculation net, INV invoice price, CAL calculation price, AAB calculation gross.
PRICES = ("AAA", "INV", "CAL", "AAB")
# CNT: C270 = 6069 qualifier : 6066 value; 6069 2 = number of line items in message.
CNT_C270, CNT_QUALIFIER, CNT_VALUE = 1, 1, 2
CNT_LINE_COUNT = "2"
DEFAULT_UNIT = "PCE"  # no 6411: the quantity counts the ordered trade item


def map_message(message: Message) -> Mapped:
    result = Mapped()
    bgm = beginning(message, "order number (BGM 1004)")
    if bgm.document_code and bgm.document_code not in ORDER_DOCUMENTS:
        result.issues.append(warning(bgm.segment, BGM_DOCUMENT, f"document name code "
                                     f"{bgm.document_code!r} is not an order code", 1))
    purpose = code_from(PURPOSES, bgm.segment, BGM_FUNCTION, bgm.function,
                        "message function code (1225)")
    header_dates: dict[str, date] = {}
    parties: list[PartyRef] = []
    lines: list[OrderLineDoc] = []
    line: _Line | None = None
    header: dict = {"po_number": bgm.number, "purpose": purpose,
                    "segment_number": bgm.segment.number}
    cnt: Segment | None = None

    for seg in message.body():
        tag = seg.tag
        if tag == "LIN":
            if line is not None:
                lines.append(line.build())
            line = _Line(seg, len(lines) + 1)
        elif tag == "DTM":
            qualifier = dtm_qualifier(seg)
            if qualifier in DELIVERY_DATES + SHIP_DATES + ORDER_DATES:
                when = dtm_date(seg, result.issues)
                target = line.dates if line is not None else header_dates
                if when is not None:
                    target.setdefault(qualifier, when)
        elif tag == "CNT":
            cnt = seg
        elif line is not None:
            line.add(seg)
        elif tag == "CUX":
            header.setdefault("currency", currency(seg))
        elif tag == "NAD":
            add_party(parties, result.issues, seg)
    if line is not None:
        lines.append(line.build())

    if cnt is not None and cnt.value(CNT_C270, CNT_QUALIFIER).strip() == CNT_LINE_COUNT:
        declared = cnt.value(CNT_C270, CNT_VALUE).strip()
        if is_digits(declared) and int(declared) != len(lines):
            result.issues.append(warning(cnt, CNT_C270, f"CNT says {declared} line items, the "
                                         f"message has {len(lines)}", CNT_VALUE))
    if purpose != "cancel" and not lines:
        raise edifact_missing_segment("LIN", bgm.segment, "the order has no LIN line items")
    result.documents.append(OrderDoc(
        order_date=_pick(header_dates, ORDER_DATES),
        requested_delivery=_pick(header_dates, DELIVERY_DATES),
        requested_ship=_pick(header_dates, SHIP_DATES),
        parties=tuple(parties), lines=tuple(lines), **header))
    return result


def _pick(dates: dict[str, date], preference: tuple[str, ...]) -> date | None:
    return next((dates[q] for q in preference if q in dates), None)


class _Line:
    """One LIN group while it is being read."""

    def __init__(self, lin: Segment, ordinal: int) -> None:
        self.lin = lin
        self.line_number = lin_line_number(lin) or str(ordinal)
        self.product = lin_product(lin)
        self.quantities: dict[str, tuple[Decimal, str | None, Segment]] = {}
        self.prices: dict[str, Decimal] = {}
        self.dates: dict[str, date] = {}

    def add(self, seg: Segment) -> None:
        if seg.tag == "PIA":
            add_pia(seg, self.product)
        elif seg.tag == "IMD":
            add_imd(seg, self.product)
        elif seg.tag == "QTY":
            qty = quantity(seg)
            self.quantities.setdefault(qty.qualifier, (qty.value, qty.unit, seg))
        elif seg.tag == "PRI":
            qualifier, price = unit_price(seg)
            if price is not None:
                self.prices.setdefault(qualifier, price)

    def build(self) -> OrderLineDoc:
        ordered = next((q for q in ORDERED_QUANTITIES if q in self.quantities), None)
        if ordered is None:
            raise edifact_missing_segment("QTY", self.lin, f"line {self.line_number} has no "
                                          "ordered quantity (QTY+21)")
        value, unit, _ = self.quantities[ordered]
        pack = next((self.quantities[q] for q in PACK_QUANTITIES if q in self.quantities), None)
        return OrderLineDoc(
            line_number=self.line_number,
            product=product_ref(self.product),
            quantity=value,
            uom=unit or DEFAULT_UNIT,
            pack_size=pack[0] if pack is not None else None,
            unit_price=next((self.prices[q] for q in PRICES if q in self.prices), None),
            requested_delivery=_pick(self.dates, DELIVERY_DATES),
            requested_ship=_pick(self.dates, SHIP_DATES),
            segment_number=self.lin.number,
            raw_qualifier=f"QTY:{ordered}",
        )

