"""X12 855 Purchase Order Acknowledgment (004010, 005010) -> `OrderResponseDoc`.

BAK gives the acknowledgment type (-> document status), the PO number and the seller's
order number; CUR the currency; N1 the parties. Each PO1 names an order line; every ACK
after it is one promise for that line (a split line - part now, part backordered - gives
several promises with the same line number). A PO1 without ACK is answered by BAK02.
"""

from __future__ import annotations

from datetime import date

from adapters.common import (
    X12_INVALID_CODE_VALUE,
    Mapped,
    ccyymmdd,
    decimal_value,
    element_error,
    missing_segment,
    required,
)
from adapters.x12_common import (
    CUR02_CURRENCY,
    DTM01_QUALIFIER,
    DTM02_DATE,
    beginning,
    check_count,
    party,
    product,
    with_description,
)
from edi.model import Message, Segment
from schemas.documents import OrderResponseDoc, OrderResponseLineDoc, PartyRef, ProductRef

BAK01_PURPOSE = 1
BAK02_ACK_TYPE = 2
BAK03_PO_NUMBER = 3
BAK04_PO_DATE = 4
BAK08_SELLER_ORDER = 8
BAK09_ACK_DATE = 9
PO101_LINE = 1
PO102_QUANTITY = 2
PO103_UOM = 3
PO104_PRICE = 4
PO106_FIRST_ID_QUALIFIER = 6
ACK01_STATUS = 1
ACK02_QUANTITY = 2
ACK03_UOM = 3
ACK04_DATE_QUALIFIER = 4
ACK05_DATE = 5
ACK07_FIRST_ID_QUALIFIER = 7

# BAK02 acknowledgment type (587) -> document status.
ACK_TYPES = {
    "AC": "changed",  # acknowledge - with detail and change
    "AE": "changed",  # acknowledge - with exception detail only
    "AH": "changed",  # acknowledge - hold status
    "AD": "accepted",  # acknowledge - with detail, no change
    "AK": "accepted",  # acknowledge - no detail or change
    "AP": "accepted",  # acknowledge - product replenishment
    "AT": "accepted",  # accepted
    "NA": "accepted",  # no acknowledgment needed
    "RD": "rejected",  # reject with detail
    "RF": "rejected",  # reject with exception detail only
    "RJ": "rejected",  # rejected - no detail
    "RN": "rejected",  # rejected - not as agreed
    "RO": "rejected",  # rejected with counter offer
    "RV": "rejected",  # rejected - violates industry practices
}
# ACK01 line item status (668) -> promise status.
LINE_STATUSES = {
    "IA": "accepted",  # item accepted
    "AC": "accepted",  # item accepted and shipped
    "AR": "accepted",  # item accepted and released for shipment
    "AA": "accepted",  # accepted - order forwarded to alternate supplier location
    "IE": "accepted",  # item accepted, price pending
    "SP": "accepted",  # item accepted - schedule date pending
    "IC": "changed",  # item accepted - changes made
    "IP": "changed",  # item accepted - price changed
    "IQ": "changed",  # item accepted - quantity changed
    "IS": "changed",  # item accepted - substitution made
    "DR": "changed",  # item accepted - date rescheduled
    "IB": "backordered",  # item backordered
    "BP": "backordered",  # partial shipment, balance backordered
    "IH": "backordered",  # item on hold (not promised: treated as not available now)
    "IF": "backordered",  # item on hold, incomplete description
    "IW": "backordered",  # item on hold - waiver required
    "IR": "rejected",  # item rejected
    "ID": "rejected",  # item deleted
    **{f"R{n}": "rejected" for n in range(1, 9)},  # item rejected, with a reason
}
# Line status when a PO1 has no ACK: the document's answer applies to it.
UNDETAILED = {"accepted": "accepted", "changed": "accepted", "rejected": "rejected"}
# ACK04 / DTM01 date qualifiers (374).
SHIP_DATES = ("068", "079")  # current scheduled ship, promised for shipment
DELIVERY_DATES = ("067", "069", "017")  # current scheduled delivery, promised, estimated
ENTITY_ROLES = {"BY": "buyer", "ST": "ship_to", "SE": "seller", "VN": "seller",
                "SU": "seller", "SF": "ship_from", "BT": "bill_to"}


def map_message(message: Message) -> Mapped:
    result = Mapped()
    bak = beginning(message, "BAK", "beginning segment for purchase order acknowledgment")
    required(bak, BAK01_PURPOSE, "transaction set purpose code")
    ack_type = required(bak, BAK02_ACK_TYPE, "acknowledgment type")
    status = ACK_TYPES.get(ack_type)
    if status is None:
        raise element_error(bak, BAK02_ACK_TYPE, X12_INVALID_CODE_VALUE,
                            f"acknowledgment type {ack_type!r} is not one of {sorted(ACK_TYPES)}")
    po_number = required(bak, BAK03_PO_NUMBER, "purchase order number")
    ccyymmdd(bak, BAK04_PO_DATE, "purchase order date")  # checked; the PO keeps its own date
    header: dict = {
        "po_number": po_number,
        "status": status,
        "raw_status": ack_type,
        "response_number": bak.value(BAK08_SELLER_ORDER).strip() or None,
        "response_date": ccyymmdd(bak, BAK09_ACK_DATE, "acknowledgment date"),
        "segment_number": bak.number,
    }
    parties: list[PartyRef] = []
    lines: list[OrderResponseLineDoc] = []
    order = _Dates()  # header DTMs: the dates of every line that names none
    item: _Item | None = None
    items = 0
    ctt: Segment | None = None

    for seg in message.body():
        tag = seg.tag
        if tag == "PO1":
            if item is not None:
                lines.extend(item.lines(status, ack_type))
            item = _Item(seg, order)
            items += 1
        elif tag == "ACK":
            if item is None:
                raise missing_segment("PO1", seg, "ACK before any PO1 line item")
            item.acks.append(_ack(seg, item))
        elif tag == "DTM":
            (item or order).date(seg.value(DTM01_QUALIFIER).strip(),
                                 ccyymmdd(seg, DTM02_DATE, "date"))
        elif item is not None and tag == "PID":
            item.product = with_description(item.product, seg)
        elif item is None and tag == "CUR":
            header["currency"] = seg.value(CUR02_CURRENCY).strip() or None
        elif item is None and tag == "N1":
            found = party(seg, ENTITY_ROLES)
            if found is not None:
                parties.append(found)
        elif tag == "CTT":
            ctt = seg
    if item is not None:
        lines.extend(item.lines(status, ack_type))

    issue = check_count(ctt, items, "line items")
    if issue is not None:
        result.issues.append(issue)
    result.documents.append(OrderResponseDoc(parties=tuple(parties), lines=tuple(lines),
                                             **header))
    return result


class _Dates:
    """Promise dates from DTM segments (header or PO1 loop) for ACKs that carry none."""

    def __init__(self) -> None:
        self.promised_ship: date | None = None
        self.promised_delivery: date | None = None

    def date(self, qualifier: str, when: date | None) -> None:
        if when is None:
            return
        if qualifier in SHIP_DATES and self.promised_ship is None:
            self.promised_ship = when
        elif qualifier in DELIVERY_DATES and self.promised_delivery is None:
            self.promised_delivery = when


class _Item(_Dates):
    """One PO1 loop: the line as ordered, the ACKs that answer it, and loop-level dates."""

    def __init__(self, po1: Segment, order: _Dates) -> None:
        super().__init__()
        self.po1 = po1
        self.line_number = po1.value(PO101_LINE).strip() or str(po1.number)
        self.ordered = decimal_value(po1, PO102_QUANTITY, "quantity ordered")
        self.uom = po1.value(PO103_UOM).strip() or None
        self.unit_price = decimal_value(po1, PO104_PRICE, "unit price")
        self.product = product(po1, PO106_FIRST_ID_QUALIFIER)
        self.acks: list[dict] = []
        self.order = order

    def lines(self, doc_status: str, ack_type: str) -> list[OrderResponseLineDoc]:
        self.promised_ship = self.promised_ship or self.order.promised_ship
        self.promised_delivery = self.promised_delivery or self.order.promised_delivery
        common = {"line_number": self.line_number, "ordered_quantity": self.ordered,
                  "unit_price": self.unit_price}
        if not self.acks:
            return [OrderResponseLineDoc(
                **common, product=self.product, status=UNDETAILED[doc_status],
                raw_status=None, quantity=self.ordered, uom=self.uom,
                promised_ship=self.promised_ship, promised_delivery=self.promised_delivery,
                segment_number=self.po1.number, raw_qualifier=f"BAK:{ack_type}")]
        out = []
        for ack in self.acks:
            ack.setdefault("product", self.product)
            if ack["promised_ship"] is None:
                ack["promised_ship"] = self.promised_ship
            if ack["promised_delivery"] is None:
                ack["promised_delivery"] = self.promised_delivery
            out.append(OrderResponseLineDoc(**common, **ack))
        return out


def _ack(seg: Segment, item: _Item) -> dict:
    code = required(seg, ACK01_STATUS, "line item status code")
    status = LINE_STATUSES.get(code)
    if status is None:
        raise element_error(seg, ACK01_STATUS, X12_INVALID_CODE_VALUE,
                            f"line item status {code!r} is not a known code")
    ack: dict = {
        "status": status,
        "raw_status": code,
        "quantity": decimal_value(seg, ACK02_QUANTITY, "quantity"),
        "uom": seg.value(ACK03_UOM).strip() or item.uom,
        "promised_ship": None,
        "promised_delivery": None,
        "segment_number": seg.number,
        "raw_qualifier": f"ACK:{code}",
    }
    qualifier = seg.value(ACK04_DATE_QUALIFIER).strip()
    when = ccyymmdd(seg, ACK05_DATE, "date")
    if when is not None and qualifier in SHIP_DATES:
        ack["promised_ship"] = when
    elif when is not None and qualifier in DELIVERY_DATES:
        ack["promised_delivery"] = when
    substitute: ProductRef = product(seg, ACK07_FIRST_ID_QUALIFIER)
    if not substitute.is_empty():
        ack["product"] = substitute  # the item the seller will send (IS substitution ...)
    return ack
