"""EDIFACT / EANCOM ORDRSP (D96A, D01B) -> `OrderResponseDoc`.

BGM gives the response number and the answer for the whole order (1225, or 4343 when 1225 is
only "original"); RFF+ON the PO it answers; each LIN (1229 action) one promise line with the
quantity to be delivered (QTY+113) and its dates. A QTY+83 backorder quantity becomes a second
line with status `backordered`, dated by DTM+506 when given.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from adapters.common import Mapped
from adapters.edifact_common import (
    BGM_FUNCTION,
    LIN_ACTION,
    add_imd,
    add_party,
    add_pia,
    beginning,
    currency,
    dtm_date,
    dtm_qualifier,
    edifact_missing_segment,
    invalid,
    lin_line_number,
    lin_product,
    product_ref,
    quantity,
    reference,
    unit_price,
)
from edi.model import Message, Segment
from schemas.documents import OrderResponseDoc, OrderResponseLineDoc, PartyRef, PromiseStatus

# 1225 message function in an order response: 29 accepted without amendment, 44 accepted
# without reserves, 6 confirmation; 4 change, 28 / 30 / 34 accepted with amendment (in heading /
# detail / anywhere), 45 accepted with reserves; 27 not accepted. 9 original / 5 replace /
# 7 duplicate / 31 copy say nothing about the answer: then 4343 decides, or else the lines.
ANSWERS: dict[str, str] = {"29": "accepted", "44": "accepted", "6": "accepted",
                           "4": "changed", "28": "changed", "30": "changed", "34": "changed",
                           "45": "changed", "27": "rejected"}
NEUTRAL_FUNCTIONS = ("9", "5", "7", "31", "")
# 4343 response type: AP accepted, AC acknowledged with detail and change, CA conditionally
# accepted, RE rejected, AB message acknowledgement (taken as accepted).
RESPONSE_TYPES = {"AP": "accepted", "AB": "accepted", "AC": "changed", "CA": "changed",
                  "RE": "rejected"}
# 1229 action request: 5 accepted without amendment, 11 not amended, 4 no action; 3 change,
# 6 accepted with amendment, 24 accepted with amendment (no confirmation required), 1 added;
# 7 not accepted, 2 deleted, 10 not found.
LINE_ACTIONS: dict[str, PromiseStatus] = {
    "5": "accepted", "11": "accepted", "4": "accepted", "3": "changed", "6": "changed",
    "24": "changed", "1": "changed", "7": "rejected", "2": "rejected", "10": "rejected"}
# 2005 dates, in order of preference: 69 delivery promised for, 76 delivery scheduled for,
# 17 delivery estimated, 2 delivery requested (echoed). Ship: 79 shipment promised for,
# 11 despatch date. 506 back order delivery date. 137 document date.
DELIVERY_DATES = ("69", "76", "17", "2")
SHIP_DATES = ("79", "11")
BACKORDER_DATES = ("506",)
RESPONSE_DATES = ("137",)
# 6063: 113 quantity to be delivered, 21 ordered quantity, 83 backorder quantity.
PROMISED, ORDERED, BACKORDER = "113", "21", "83"
PRICES = ("AAA", "INV", "CAL", "AAB")


def map_message(message: Message) -> Mapped:
    result = Mapped()
    bgm = beginning(message, "order response number (BGM 1004)")
    header_status = ANSWERS.get(bgm.function)
    raw_status = bgm.function or None
    if header_status is None:
        if bgm.function not in NEUTRAL_FUNCTIONS:
            raise invalid(bgm.segment, BGM_FUNCTION, f"message function code {bgm.function!r} "
                          f"is not one of {sorted(ANSWERS) + [c for c in NEUTRAL_FUNCTIONS if c]}")
        header_status = RESPONSE_TYPES.get(bgm.response_type)
        if header_status is not None:
            raw_status = bgm.response_type

    parties: list[PartyRef] = []
    header: dict = {"response_number": bgm.number, "segment_number": bgm.segment.number}
    header_dates: dict[str, date] = {}
    po_number: str | None = None
    groups: list[_Line] = []
    for seg in message.body():
        tag = seg.tag
        line = groups[-1] if groups else None
        if tag == "LIN":
            groups.append(_Line(seg, len(groups) + 1))
        elif tag == "DTM":
            qualifier = dtm_qualifier(seg)
            if qualifier in DELIVERY_DATES + SHIP_DATES + BACKORDER_DATES + RESPONSE_DATES:
                when = dtm_date(seg, result.issues)
                if when is not None:
                    (line.dates if line else header_dates).setdefault(qualifier, when)
        elif line is not None:
            line.add(seg)
        elif tag == "RFF":
            qualifier, value, _ = reference(seg)
            if qualifier == "ON" and value and po_number is None:
                po_number = value
        elif tag == "CUX":
            header.setdefault("currency", currency(seg))
        elif tag == "NAD":
            add_party(parties, result.issues, seg)

    if po_number is None:
        raise edifact_missing_segment("RFF", bgm.segment,
                                      "the order number it answers (RFF+ON) is missing")
    lines: list[OrderResponseLineDoc] = []
    for group in groups:
        lines.extend(group.build(header_status, header_dates))
    if header_status is None:
        statuses = {ln.status for ln in lines}
        header_status = ("rejected" if statuses == {"rejected"} else
                         "accepted" if statuses <= {"accepted"} else "changed")
    result.documents.append(OrderResponseDoc(
        po_number=po_number, response_date=_pick(header_dates, RESPONSE_DATES),
        status=header_status, raw_status=raw_status, parties=tuple(parties),
        lines=tuple(lines), **header))
    return result


def _pick(dates: dict[str, date], preference: tuple[str, ...]) -> date | None:
    return next((dates[q] for q in preference if q in dates), None)


class _Line:
    def __init__(self, lin: Segment, ordinal: int) -> None:
        self.lin = lin
        self.line_number = lin_line_number(lin) or str(ordinal)
        self.action = lin.value(LIN_ACTION).strip()
        if self.action and self.action not in LINE_ACTIONS:
            raise invalid(lin, LIN_ACTION, f"action code (1229) {self.action!r} is not one of "
                          f"{sorted(LINE_ACTIONS)}")
        self.product = lin_product(lin)
        self.quantities: dict[str, tuple[Decimal, str | None]] = {}
        self.prices: dict[str, Decimal] = {}
        self.dates: dict[str, date] = {}

    def add(self, seg: Segment) -> None:
        if seg.tag == "PIA":
            add_pia(seg, self.product)
        elif seg.tag == "IMD":
            add_imd(seg, self.product)
        elif seg.tag == "QTY":
            qty = quantity(seg)
            self.quantities.setdefault(qty.qualifier, (qty.value, qty.unit))
        elif seg.tag == "PRI":
            qualifier, price = unit_price(seg)
            if price is not None:
                self.prices.setdefault(qualifier, price)

    def build(self, header_status: str | None, header_dates: dict[str, date]
              ) -> list[OrderResponseLineDoc]:
        promised = self.quantities.get(PROMISED)
        ordered = self.quantities.get(ORDERED)
        status: PromiseStatus
        if self.action:
            status = LINE_ACTIONS[self.action]
        elif header_status == "accepted" or header_status == "rejected":
            status = header_status
        else:
            status = ("changed" if promised and ordered and promised[0] != ordered[0]
                      else "accepted")
        quantity_promised = promised[0] if promised else None
        if quantity_promised is None:
            if status == "accepted" and ordered:
                quantity_promised = ordered[0]
            elif status == "rejected":
                quantity_promised = Decimal(0)
        unit = next((q[1] for q in (promised, ordered) if q and q[1]), None)
        dates = {**header_dates, **self.dates}
        common = {
            "line_number": self.line_number,
            "product": product_ref(self.product),
            "raw_status": self.action or None,
            "ordered_quantity": ordered[0] if ordered else None,
            "unit_price": next((self.prices[q] for q in PRICES if q in self.prices), None),
            "segment_number": self.lin.number,
        }
        lines = [OrderResponseLineDoc(
            status=status, quantity=quantity_promised, uom=unit,
            promised_delivery=_pick(dates, DELIVERY_DATES),
            promised_ship=_pick(dates, SHIP_DATES),
            raw_qualifier=f"QTY:{PROMISED}" if promised else
            (f"LIN:{self.action}" if self.action else None), **common)]
        backorder = self.quantities.get(BACKORDER)
        if backorder is not None and backorder[0] > 0:
            lines.append(OrderResponseLineDoc(
                status="backordered", quantity=backorder[0], uom=backorder[1] or unit,
                promised_delivery=_pick(dates, BACKORDER_DATES),
                raw_qualifier=f"QTY:{BACKORDER}", **common))
        return lines
