"""X12 846 Inventory Inquiry/Advice (004010, 005010) -> `ProductActivityDoc` (inventory only).

BIA gives the report number and date (the default as-of date; a header or item DTM 184/007/
194 overrides it); N1 the reporter and the warehouse; each LIN loop one product whose QTY
segments give its figures (17 on hand, 33 available for sale, 63 on order). SDQ segments
right after a QTY split it by location; an N1 inside the LIN loop names the location of the
QTYs that follow it. A QTY code the hub does not use is a warning.
"""

from __future__ import annotations

from datetime import date

from adapters.common import (
    X12_INVALID_CODE_VALUE,
    X12_MANDATORY_ELEMENT_MISSING,
    Mapped,
    ccyymmdd,
    element_error,
    required,
)
from adapters.x12_common import (
    DTM01_QUALIFIER,
    DTM02_DATE,
    amount,
    beginning,
    check_count,
    party,
    product,
    sdq_splits,
    warning,
    with_description,
)
from edi.model import Message, Segment
from schemas.documents import InventoryLineDoc, PartyRef, ProductActivityDoc, ProductRef

BIA01_PURPOSE = 1
BIA02_REPORT_TYPE = 2
BIA03_REFERENCE = 3
BIA04_DATE = 4
LIN02_FIRST_ID_QUALIFIER = 2
UIT01_UOM = 1
QTY01_QUALIFIER = 1
QTY02_QUANTITY = 2
QTY03_UOM = 3

PURPOSES = ("00", "01", "05", "06", "07", "18", "25", "26", "27")
# QTY01 quantity qualifier (673) -> InventoryLineDoc field.
QUANTITIES = {
    "17": "on_hand",  # quantity on hand
    "33": "available",  # quantity available for sale (stock quantity)
    "63": "on_order",  # on order quantity
    "87": "received",  # quantity received
}
# DTM01 qualifiers (374) that date the inventory figures.
AS_OF_DATES = ("184", "007", "194")  # inventory, effective, period end
ENTITY_ROLES = {"RL": "reporter", "FR": "reporter", "DS": "reporter",
                "WH": "location", "SN": "location", "ST": "location",
                "BY": "buyer", "VN": "seller", "SU": "seller", "SE": "seller",
                "MF": "seller"}


def map_message(message: Message) -> Mapped:
    result = Mapped()
    bia = beginning(message, "BIA", "beginning segment for inventory inquiry/advice")
    purpose = required(bia, BIA01_PURPOSE, "transaction set purpose code")
    if purpose not in PURPOSES:
        raise element_error(bia, BIA01_PURPOSE, X12_INVALID_CODE_VALUE,
                            f"purpose code {purpose!r} is not one of {list(PURPOSES)}")
    required(bia, BIA02_REPORT_TYPE, "report type code")
    report_date = ccyymmdd(bia, BIA04_DATE, "report date")
    if report_date is None:
        raise element_error(bia, BIA04_DATE, X12_MANDATORY_ELEMENT_MISSING,
                            "report date is missing")
    parties: list[PartyRef] = []
    header_location: PartyRef | None = None
    header_as_of = report_date
    lines: list[InventoryLineDoc] = []
    item: _Item | None = None
    items = 0
    ctt: Segment | None = None
    segments = message.body()

    for index, seg in enumerate(segments):
        tag = seg.tag
        if tag == "LIN":
            if item is not None:
                lines.extend(item.lines())
            ref = product(seg, LIN02_FIRST_ID_QUALIFIER)
            if ref.is_empty():
                raise element_error(seg, LIN02_FIRST_ID_QUALIFIER + 1,
                                    X12_MANDATORY_ELEMENT_MISSING,
                                    "no product identifier this hub can use")
            item = _Item(ref, header_location, header_as_of)
            items += 1
        elif tag == "DTM":
            when = ccyymmdd(seg, DTM02_DATE, "date")
            if when is not None and seg.value(DTM01_QUALIFIER).strip() in AS_OF_DATES:
                if item is None:
                    header_as_of = when
                else:
                    item.as_of = when
        elif tag == "N1":
            found = party(seg, ENTITY_ROLES)
            if found is None:
                continue
            if item is None:
                parties.append(found)
                if found.role == "location" and header_location is None:
                    header_location = found
            elif found.role == "location":
                item.location = found
        elif item is None:
            if tag == "CTT":
                ctt = seg
            continue
        elif tag == "PID":
            item.product = with_description(item.product, seg)
        elif tag == "UIT":
            item.uom = seg.value(UIT01_UOM).strip() or item.uom
        elif tag == "QTY":
            sdqs = []
            for follower in segments[index + 1:]:
                if follower.tag != "SDQ":
                    break
                sdqs.append(follower)
            item.quantity(seg, sdqs, result)
        elif tag == "CTT":
            ctt = seg
    if item is not None:
        lines.extend(item.lines())

    issue = check_count(ctt, items, "line items")
    if issue is not None:
        result.issues.append(issue)
    result.documents.append(ProductActivityDoc(
        report_number=bia.value(BIA03_REFERENCE).strip() or None, report_date=report_date,
        parties=tuple(parties), inventory=tuple(lines), segment_number=bia.number))
    return result


class _Item:
    """One LIN loop: its figures by (location, uom, as-of)."""

    def __init__(self, ref: ProductRef, location: PartyRef | None, as_of: date) -> None:
        self.product, self.location, self.as_of = ref, location, as_of
        self.uom = "EA"
        self.figures: dict[tuple, dict] = {}

    def quantity(self, qty: Segment, sdqs: list[Segment], result: Mapped) -> None:
        code = required(qty, QTY01_QUALIFIER, "quantity qualifier")
        figure = QUANTITIES.get(code)
        if figure is None:
            result.issues.append(warning(
                qty, QTY01_QUALIFIER, "QTY-unmapped",
                f"quantity qualifier {code!r} is not one this hub records; not kept"))
            return
        uom = qty.value(QTY03_UOM).strip() or self.uom
        if sdqs:
            entries = [(s.location, s.quantity, s.uom, s.segment)
                       for sdq in sdqs for s in sdq_splits(sdq, uom)]
            qualifier = f"QTY:{code}/SDQ"
        else:
            entries = [(self.location, amount(qty, QTY02_QUANTITY, "quantity"), uom, qty)]
            qualifier = f"QTY:{code}"
        for location, quantity, unit, seg in entries:
            entry = self.figures.setdefault((location, unit, self.as_of),
                                            {"segment_number": seg.number, "codes": []})
            entry[figure] = quantity
            entry["codes"].append(qualifier)

    def lines(self) -> list[InventoryLineDoc]:
        out = []
        for (location, uom, as_of), entry in self.figures.items():
            codes = entry.pop("codes")
            out.append(InventoryLineDoc(location=location, product=self.product, as_of=as_of,
                                        uom=uom, raw_qualifier=",".join(codes), **entry))
        return out
