"""X12 867 Product Transfer and Resale Report (004010, 005010) -> `ProductActivityDoc`.

BPT gives the report number and date; DTM 090/091 the reporting period (in the header, or
per PTD loop); N1 the reporter. Each PTD loop is one kind of transfer (PTD01: SS stock sale,
DS drop ship sale ... sales; BN/RU returns), with an N1 naming the place or customer and
QTY + LIN pairs per product. Partners write the pair either way round (QTY then LIN, as the
standard's QTY loop has it, or LIN then QTY); the first of the two in a PTD loop decides.
"""

from __future__ import annotations

from datetime import date

from adapters.common import (
    X12_MANDATORY_ELEMENT_MISSING,
    Mapped,
    ccyymmdd,
    element_error,
    missing_segment,
    required,
)
from adapters.x12_common import (
    DTM01_QUALIFIER,
    DTM02_DATE,
    amount,
    beginning,
    party,
    product,
    warning,
)
from edi.model import Message, Segment
from schemas.documents import PartyRef, ProductActivityDoc, SalesLineDoc

BPT01_PURPOSE = 1
BPT02_REFERENCE = 2
BPT03_DATE = 3
PTD01_TRANSFER_TYPE = 1
QTY01_QUALIFIER = 1
QTY02_QUANTITY = 2
QTY03_UOM = 3
LIN02_FIRST_ID_QUALIFIER = 2

PERIOD_START, PERIOD_END = "090", "091"  # report start, report end (374)
# PTD01 product transfer type (521) -> the measure its quantities count.
TRANSFER_TYPES = {
    "SS": "sold",  # stock sale
    "DS": "sold",  # drop ship sale
    "SD": "sold",  # ship and debit sale
    "CS": "sold",  # contract sale
    "BN": "returned",  # return
    "RU": "returned",  # return to usable inventory
}
# QTY01 quantity qualifier (673): which quantities are the movement itself.
MOVED = ("39", "32", "83")  # shipped quantity, quantity sold, submitted quantity sold
RETURNED = ("76", "84")  # returns, submitted quantity returned
ENTITY_ROLES = {"DS": "reporter", "FR": "reporter", "RL": "reporter",
                "SU": "seller", "MF": "seller", "VN": "seller", "SE": "seller",
                "BY": "buyer"}
LOCATION_ROLES = {code: "location" for code in ("ST", "BY", "SN", "WH", "SH", "EN", "OB")}


def map_message(message: Message) -> Mapped:
    result = Mapped()
    bpt = beginning(message, "BPT", "beginning segment for product transfer and resale")
    required(bpt, BPT01_PURPOSE, "transaction set purpose code")
    report_number = required(bpt, BPT02_REFERENCE, "reference identification")
    report_date = ccyymmdd(bpt, BPT03_DATE, "report date")
    header: dict[str, date | None] = {PERIOD_START: None, PERIOD_END: None}
    parties: list[PartyRef] = []
    loops: list[_Transfer] = []
    loop: _Transfer | None = None

    for seg in message.body():
        tag = seg.tag
        if tag == "PTD":
            loop = _Transfer(seg)
            loops.append(loop)
        elif tag == "DTM":
            qualifier = seg.value(DTM01_QUALIFIER).strip()
            when = ccyymmdd(seg, DTM02_DATE, "date")
            if qualifier in header and when is not None:
                (loop.period if loop is not None else header)[qualifier] = when
        elif tag == "N1" and loop is None:
            found = party(seg, ENTITY_ROLES)
            if found is not None:
                parties.append(found)
        elif tag == "N1" and loop is not None and loop.location is None:
            loop.location = party(seg, LOCATION_ROLES)
        elif tag in ("QTY", "LIN") and loop is not None:
            loop.events.append(seg)

    start, end = header[PERIOD_START], header[PERIOD_END]
    undated = [lp for lp in loops if lp.events and not lp.period.keys() >= header.keys()]
    if (start is None or end is None) and undated:
        if report_date is None:
            raise missing_segment("DTM", bpt, "no reporting period (DTM 090/091) and no "
                                              "report date (BPT03)")
        result.issues.append(warning(bpt, BPT03_DATE, "DTM-period",
                                     "no reporting period (DTM 090/091): the report date "
                                     "BPT03 is used as the period"))
        start, end = start or report_date, end or report_date
    sales: list[SalesLineDoc] = []
    for lp in loops:
        sales.extend(lp.lines(start, end, result))
    if sales and start is None:  # only the PTD loops are dated: the report spans them all
        start = min(ln.period_start for ln in sales)
    if sales and end is None:
        end = max(ln.period_end for ln in sales)
    result.documents.append(ProductActivityDoc(
        report_number=report_number, report_date=report_date, period_start=start,
        period_end=end, parties=tuple(parties), sales=tuple(sales),
        segment_number=bpt.number))
    return result


class _Transfer:
    """One PTD loop: its type, place, own period, and its QTY/LIN segments in order."""

    def __init__(self, ptd: Segment) -> None:
        self.ptd = ptd
        self.code = required(ptd, PTD01_TRANSFER_TYPE, "product transfer type code")
        self.location: PartyRef | None = None
        self.period: dict[str, date] = {}
        self.events: list[Segment] = []

    def lines(self, start: date | None, end: date | None, result: Mapped) -> list[SalesLineDoc]:
        measure = TRANSFER_TYPES.get(self.code)
        if measure is None:
            if self.events:
                result.issues.append(warning(
                    self.ptd, PTD01_TRANSFER_TYPE, "PTD-unmapped",
                    f"product transfer type {self.code!r} is not a sale or a return; its "
                    "quantities are not kept"))
            return []
        start = self.period.get(PERIOD_START, start)
        end = self.period.get(PERIOD_END, end)
        if start is None or end is None:
            raise missing_segment("DTM", self.ptd, "no reporting period (DTM 090/091)")
        out = []
        for qty, lin in self._pairs():
            code = required(qty, QTY01_QUALIFIER, "quantity qualifier")
            if code in MOVED:
                line_measure = measure
            elif code in RETURNED:
                line_measure = "returned"
            else:
                result.issues.append(warning(
                    qty, QTY01_QUALIFIER, "QTY-unmapped",
                    f"quantity qualifier {code!r} is not one this hub records; not kept"))
                continue
            ref = product(lin, LIN02_FIRST_ID_QUALIFIER)
            if ref.is_empty():
                raise element_error(lin, LIN02_FIRST_ID_QUALIFIER + 1,
                                    X12_MANDATORY_ELEMENT_MISSING,
                                    "no product identifier this hub can use")
            out.append(SalesLineDoc(
                location=self.location, product=ref, measure=line_measure,
                quantity=amount(qty, QTY02_QUANTITY, "quantity"),
                uom=qty.value(QTY03_UOM).strip() or "EA", period_start=start, period_end=end,
                segment_number=qty.number,
                raw_qualifier=f"PTD:{self.code}/QTY:{code}"))
        return out

    def _pairs(self) -> list[tuple[Segment, Segment]]:
        events = self.events
        if not events:
            return []
        pairs: list[tuple[Segment, Segment]] = []
        if events[0].tag == "LIN":  # LIN then its QTYs
            lin = events[0]
            for seg in events[1:]:
                if seg.tag == "LIN":
                    lin = seg
                else:
                    pairs.append((seg, lin))
            return pairs
        waiting: list[Segment] = []  # QTYs then the LIN they describe
        for seg in events:
            if seg.tag == "QTY":
                waiting.append(seg)
            else:
                pairs.extend((qty, seg) for qty in waiting)
                waiting = []
        if waiting:
            raise missing_segment("LIN", waiting[-1], "QTY without the LIN that names its "
                                                      "product")
        return pairs
