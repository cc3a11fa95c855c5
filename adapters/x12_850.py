"""X12 850 Purchase Order (004010, 005010) -> `OrderDoc`.

BEG gives the purpose and PO number; CUR the currency; DTM the requested dates; N1 the
parties; each PO1 (with its PO4 pack, PID description and line DTM) one order line.
"""

from __future__ import annotations

from datetime import date

from adapters import x12_common
from adapters.common import (
    X12_INVALID_CODE_VALUE,
    Mapped,
    ccyymmdd,
    decimal_text,
    decimal_value,
    element_error,
    is_digits,
    missing_segment,
    required,
)
from adapters.x12_common import (
    CTT01_LINE_COUNT,
    CUR02_CURRENCY,
    DTM01_QUALIFIER,
    DTM02_DATE,
    PO4_01_PACK,
)
from edi.model import Issue, Message, Scope, Segment, Severity
from schemas.documents import OrderDoc, OrderLineDoc, PartyRef

BEG01_PURPOSE = 1
BEG03_PO_NUMBER = 3
BEG05_DATE = 5
PO101_LINE = 1
PO102_QUANTITY = 2
PO103_UOM = 3
PO104_PRICE = 4
PO106_FIRST_ID_QUALIFIER = 6

PURPOSES = {"00": "original", "01": "cancel", "04": "change", "05": "replace",
            "06": "original", "07": "original"}
# DTM qualifiers: 002 delivery requested, 010 requested ship, 037 ship not before,
# 038 ship no later, 063 do not deliver after, 064 do not deliver before.
DELIVERY_DATES = ("002", "063", "064")
SHIP_DATES = ("010", "038", "037")
ENTITY_ROLES = {"BY": "buyer", "ST": "ship_to", "SE": "seller", "VN": "seller",
                "SU": "seller", "BT": "bill_to", "SF": "ship_from"}


def map_message(message: Message) -> Mapped:
    segments = message.body()
    result = Mapped()
    beg = next((s for s in segments if s.tag == "BEG"), None)
    if beg is None:
        raise missing_segment("BEG", message.segments[0], "BEG (beginning segment) is missing")
    purpose_code = required(beg, BEG01_PURPOSE, "transaction set purpose code")
    purpose = PURPOSES.get(purpose_code)
    if purpose is None:
        raise element_error(beg, BEG01_PURPOSE, X12_INVALID_CODE_VALUE,
                            f"purpose code {purpose_code!r} is not one of {sorted(PURPOSES)}")
    header: dict = {
        "po_number": required(beg, BEG03_PO_NUMBER, "purchase order number"),
        "purpose": purpose,
        "order_date": ccyymmdd(beg, BEG05_DATE, "purchase order date"),
        "segment_number": beg.number,
    }
    parties: list[PartyRef] = []
    lines: list[OrderLineDoc] = []
    line: dict | None = None
    ctt: Segment | None = None

    for seg in segments:
        tag = seg.tag
        if tag == "PO1":
            if line is not None:
                lines.append(OrderLineDoc(**line))
            line = _line(seg)
        elif tag == "DTM":
            qualifier, when = seg.value(DTM01_QUALIFIER), ccyymmdd(seg, DTM02_DATE, "date")
            _apply_date(line if line is not None else header, qualifier, when)
        elif line is not None and tag == "PO4":
            line["pack_size"] = decimal_value(seg, PO4_01_PACK, "pack")
        elif line is not None and tag == "PID":
            line["product"] = x12_common.with_description(line["product"], seg)
        elif tag == "CUR" and line is None:
            header["currency"] = seg.value(CUR02_CURRENCY).strip() or None
        elif tag == "N1" and line is None:
            party = x12_common.party(seg, ENTITY_ROLES)
            if party is not None:
                parties.append(party)
        elif tag == "CTT":
            ctt = seg
    if line is not None:
        lines.append(OrderLineDoc(**line))

    if ctt is not None:
        declared = ctt.value(CTT01_LINE_COUNT).strip()
        if is_digits(declared) and int(declared) != len(lines):
            result.issues.append(Issue(
                "CTT01", Severity.WARNING, Scope.SEGMENT, ctt.location(CTT01_LINE_COUNT),
                f"CTT01 says {declared} line items, the message has {len(lines)}"))
    if purpose != "cancel" and not lines:
        raise missing_segment("PO1", beg, "the purchase order has no PO1 line items")
    result.documents.append(OrderDoc(parties=tuple(parties), lines=tuple(lines), **header))
    return result


def _line(seg: Segment) -> dict:
    text = x12_common.texts(seg, PO104_PRICE)  # PO101 to PO104, read at once
    return {
        "line_number": text[PO101_LINE - 1] or str(seg.number),
        "quantity": decimal_text(seg, PO102_QUANTITY, text[PO102_QUANTITY - 1],
                                 "quantity ordered", mandatory=True),
        "uom": text[PO103_UOM - 1] or "EA",
        "unit_price": decimal_text(seg, PO104_PRICE, text[PO104_PRICE - 1], "unit price"),
        "product": x12_common.product(seg, PO106_FIRST_ID_QUALIFIER),
        "segment_number": seg.number,
    }


def _apply_date(target: dict, qualifier: str, when: date | None) -> None:
    if when is None:
        return
    if qualifier in DELIVERY_DATES and target.get("requested_delivery") is None:
        target["requested_delivery"] = when
    elif qualifier in SHIP_DATES and target.get("requested_ship") is None:
        target["requested_ship"] = when
