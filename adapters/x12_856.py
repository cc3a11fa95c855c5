"""X12 856 Ship Notice/Manifest (004010, 005010) -> `ShipNoticeDoc`.

BSN gives the purpose and shipment id. The HL tree carries the rest: the shipment level (S:
TD5 carrier, REF BM bill of lading, DTM 011 shipped / 017 estimated delivery, N1 parties), the
order levels (O: PRF PO number), optional pack/tare levels (P/T: MAN marks) and item levels
(I: LIN product ids, SN1 quantities, PO4 pack). Both "pick and pack" (S-O-P-I) and "standard
pack" (S-O-I) work: an item takes the PO number of the O level above it, found through the
HL02 parent ids, not through the order of appearance.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from adapters.common import (
    X12_INVALID_CODE_VALUE,
    X12_MANDATORY_ELEMENT_MISSING,
    Mapped,
    ccyymmdd,
    decimal_value,
    element_error,
    missing_segment,
    required,
)
from adapters.x12_common import (
    DTM01_QUALIFIER,
    DTM02_DATE,
    PO4_01_PACK,
    amount,
    beginning,
    party,
    product,
    warning,
    with_description,
)
from edi.model import Message, Segment
from schemas.documents import PartyRef, ShipmentLineDoc, ShipNoticeDoc

BSN01_PURPOSE = 1
BSN02_SHIPMENT_ID = 2
BSN03_DATE = 3
HL01_ID = 1
HL02_PARENT = 2
HL03_LEVEL = 3
PRF01_PO_NUMBER = 1
PRF04_PO_DATE = 4

TD503_CARRIER_CODE = 3
TD505_ROUTING = 5
REF01_QUALIFIER = 1
REF02_VALUE = 2
LIN01_LINE = 1
LIN02_FIRST_ID_QUALIFIER = 2
SN101_LINE = 1
SN102_SHIPPED = 2
SN103_UOM = 3
SN105_ORDERED = 5

PURPOSES = {"00": "original", "06": "original", "07": "original", "01": "cancel",
            "03": "cancel", "05": "replace"}
SHIPMENT, ORDER, ITEM = "S", "O", "I"
SHIPPED_DATE = "011"
ESTIMATED_DELIVERY = ("017", "067")
ENTITY_ROLES = {"ST": "ship_to", "SF": "ship_from", "BY": "buyer", "SE": "seller",
                "VN": "seller", "SU": "seller", "BT": "bill_to"}


@dataclass(slots=True)
class _Level:
    hl: Segment
    code: str
    parent: str
    po_number: str | None = None
    pack_size: Decimal | None = None
    lin: Segment | None = None
    sn1: Segment | None = None
    extra: dict = field(default_factory=dict)


def map_message(message: Message) -> Mapped:
    result = Mapped()
    bsn = beginning(message, "BSN", "beginning segment for ship notice")
    purpose_code = required(bsn, BSN01_PURPOSE, "transaction set purpose code")
    purpose = PURPOSES.get(purpose_code)
    if purpose is None:
        raise element_error(bsn, BSN01_PURPOSE, X12_INVALID_CODE_VALUE,
                            f"purpose code {purpose_code!r} is not one of {sorted(PURPOSES)}")
    header: dict = {
        "shipment_number": required(bsn, BSN02_SHIPMENT_ID, "shipment identification"),
        "purpose": purpose,
        "segment_number": bsn.number,
    }
    ccyymmdd(bsn, BSN03_DATE, "ship notice date")
    parties: list[PartyRef] = []
    levels: dict[str, _Level] = {}
    items: list[_Level] = []
    current: _Level | None = None

    for seg in message.body():
        tag = seg.tag
        if tag == "HL":
            current = _hl(seg, levels)
            if current.code == ITEM:
                items.append(current)
        elif tag == "DTM" and (current is None or current.code == SHIPMENT):
            qualifier, when = seg.value(DTM01_QUALIFIER).strip(), ccyymmdd(seg, DTM02_DATE, "date")
            if when is not None and qualifier == SHIPPED_DATE:
                header.setdefault("shipped_on", when)
            elif when is not None and qualifier in ESTIMATED_DELIVERY:
                header.setdefault("estimated_delivery", when)
        elif current is None:
            continue
        elif tag == "TD5" and "carrier" not in header:
            carrier = seg.value(TD503_CARRIER_CODE).strip() or seg.value(TD505_ROUTING).strip()
            if carrier:
                header["carrier"] = carrier
        elif tag == "REF" and seg.value(REF01_QUALIFIER).strip() == "BM":
            header.setdefault("bill_of_lading", seg.value(REF02_VALUE).strip() or None)
        elif tag == "N1" and current.code == SHIPMENT:
            found = party(seg, ENTITY_ROLES)
            if found is not None:
                parties.append(found)
        elif tag == "PRF":
            current.po_number = required(seg, PRF01_PO_NUMBER, "purchase order number")
            ccyymmdd(seg, PRF04_PO_DATE, "purchase order date")
        elif tag == "PO4":
            current.pack_size = decimal_value(seg, PO4_01_PACK, "pack")
        elif tag == "LIN" and current.code == ITEM:
            current.lin = seg
        elif tag == "SN1" and current.code == ITEM:
            current.sn1 = seg
        elif tag == "PID" and current.code == ITEM:
            current.extra["pid"] = seg

    if not items:
        raise missing_segment("HL", bsn, "the ship notice has no item (HL*I) level")
    lines = [_line(level, levels, result) for level in items]
    result.documents.append(ShipNoticeDoc(parties=tuple(parties), lines=tuple(lines), **header))
    return result


def _hl(seg: Segment, levels: dict[str, _Level]) -> _Level:
    number = required(seg, HL01_ID, "hierarchical id number")
    parent = seg.value(HL02_PARENT).strip()
    if parent and parent not in levels:
        raise element_error(seg, HL02_PARENT, X12_INVALID_CODE_VALUE,
                            f"parent id {parent!r} names no earlier HL")
    level = _Level(seg, required(seg, HL03_LEVEL, "hierarchical level code"), parent)
    levels[number] = level
    return level


def _ancestors(level: _Level, levels: dict[str, _Level]) -> Iterator[_Level]:
    seen: set[str] = set()
    while level.parent and level.parent not in seen:
        seen.add(level.parent)
        level = levels[level.parent]
        yield level


def _line(level: _Level, levels: dict[str, _Level], result: Mapped) -> ShipmentLineDoc:
    sn1 = level.sn1
    if sn1 is None:
        raise missing_segment("SN1", level.hl, f"item level HL {level.hl.value(HL01_ID)} "
                                               "has no SN1 (item detail, shipment)")
    uom = sn1.value(SN103_UOM).strip()
    if not uom:
        raise element_error(sn1, SN103_UOM, X12_MANDATORY_ELEMENT_MISSING,
                            "unit of measure is missing")
    ancestors = list(_ancestors(level, levels))
    order = next((a for a in ancestors if a.code == ORDER), None)
    if order is None or order.po_number is None:
        result.issues.append(warning(level.hl, HL02_PARENT, "HL-no-order",
                                     "item level has no order level (HL*O with PRF) above it"))
    pack = level.pack_size
    if pack is None:  # a PO4 on the pack level above the item
        pack = next((a.pack_size for a in ancestors if a.pack_size is not None), None)
    ref = product(level.lin, LIN02_FIRST_ID_QUALIFIER) if level.lin is not None else None
    if ref is not None and "pid" in level.extra:
        ref = with_description(ref, level.extra["pid"])
    line_number = (level.lin.value(LIN01_LINE).strip() if level.lin is not None else "") \
        or sn1.value(SN101_LINE).strip() or None
    fields: dict = {
        "po_number": order.po_number if order is not None else None,
        "line_number": line_number,
        "quantity_shipped": amount(sn1, SN102_SHIPPED, "number of units shipped"),
        "quantity_ordered": decimal_value(sn1, SN105_ORDERED, "quantity ordered"),
        "uom": uom,
        "pack_size": pack,
        "segment_number": sn1.number,
        "raw_qualifier": "SN1",
    }
    if ref is not None:
        fields["product"] = ref
    return ShipmentLineDoc(**fields)
