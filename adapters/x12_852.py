"""X12 852 Product Activity Data (004010, 005010) -> `ProductActivityDoc`.

XQ gives the reporting period (XQ02 start, XQ03 end); N1 the reporter and, for a one-store
report, the location; each LIN loop one product, whose ZA segments each carry one activity
(sold, returned, received, on hand, on order, in transit). SDQ segments right after a ZA split
its quantity by store: one line per store, and the ZA02 total is not counted again (a total
that differs from the sum of its splits is a warning). A ZA code this hub does not use is a
warning, never silently dropped.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from adapters.common import (
    X12_INVALID_DATE,
    X12_MANDATORY_ELEMENT_MISSING,
    Mapped,
    ccyymmdd,
    decimal_value,
    element_error,
    missing_segment,
    required,
)
from adapters.x12_common import (
    Split,
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
from schemas.documents import (
    InventoryLineDoc,
    PartyRef,
    ProductActivityDoc,
    ProductRef,
    SalesLineDoc,
)

XQ01_REPORTING_CODE = 1
XQ02_START = 2
XQ03_END = 3
XQ04_REFERENCE = 4
N902_REFERENCE = 2
LIN02_FIRST_ID_QUALIFIER = 2
ZA01_ACTIVITY = 1
ZA02_QUANTITY = 2
ZA03_UOM = 3
ZA04_DATE_QUALIFIER = 4
ZA05_DATE = 5

# ZA01 activity code (859) -> sales measure.
SALES = {
    "QS": "sold",  # quantity sold
    "Q1": "sold",  # quantity sold (net)
    "TS": "sold",  # total sales quantity
    "RE": "sold",  # retail sales quantity
    "QU": "returned",  # quantity returned by consumer
    "Q2": "returned",  # quantity returned
    "Q3": "returned",  # quantity returned (defective/damaged)
    "RQ": "returned",  # quantity returned (sellable/resellable)
    "QR": "received",  # quantity received (also an inventory figure)
}
# ZA01 activity code -> InventoryLineDoc field. QA (available for shipment or sale) is the
# on-hand figure unless OH (gross on hand) is also sent; it is always `available`.
INVENTORY = {
    "OH": "on_hand",  # gross quantity on hand
    "QA": "available",  # current inventory quantity available for shipment or sale
    "QP": "on_order",  # quantity on order, not yet received
    "QI": "in_transit",  # quantity in transit
    "QR": "received",  # quantity received
}
ENTITY_ROLES = {"RL": "reporter", "FR": "reporter", "DS": "reporter",
                "SN": "location", "WH": "location", "ST": "location",
                "BY": "buyer", "VN": "seller", "SU": "seller", "SE": "seller"}


def map_message(message: Message) -> Mapped:
    result = Mapped()
    xq = beginning(message, "XQ", "reporting date/action")
    required(xq, XQ01_REPORTING_CODE, "reporting code")
    start = ccyymmdd(xq, XQ02_START, "reporting period start")
    if start is None:
        raise element_error(xq, XQ02_START, X12_MANDATORY_ELEMENT_MISSING,
                            "reporting period start is missing")
    end = ccyymmdd(xq, XQ03_END, "reporting period end") or start
    if end < start:
        raise element_error(xq, XQ03_END, X12_INVALID_DATE,
                            f"the period ends ({end}) before it starts ({start})")
    report_number = xq.value(XQ04_REFERENCE).strip() or None
    parties: list[PartyRef] = []
    report = _Report(start, end, result)
    ctt: Segment | None = None
    segments = message.body()

    for index, seg in enumerate(segments):
        tag = seg.tag
        if tag == "LIN":
            report.flush()
            report.product = product(seg, LIN02_FIRST_ID_QUALIFIER)
            report.lin = seg
            report.items += 1
            if report.product.is_empty():
                raise element_error(seg, LIN02_FIRST_ID_QUALIFIER + 1,
                                    X12_MANDATORY_ELEMENT_MISSING,
                                    "no product identifier this hub can use (UP, EN, UK, "
                                    "VN, BP, IN ...)")
        elif tag == "PID" and report.lin is not None:
            report.product = with_description(report.product, seg)
        elif tag == "ZA" and report.lin is None:
            raise missing_segment("LIN", seg, "ZA before any LIN: its product is unknown")
        elif tag == "ZA":
            splits = []
            for follower in segments[index + 1:]:
                if follower.tag != "SDQ":
                    break
                splits.append(follower)
            report.activity(seg, splits)
        elif tag == "N1" and report.lin is None:
            found = party(seg, ENTITY_ROLES)
            if found is not None:
                parties.append(found)
                if found.role == "location" and report.location is None:
                    report.location = found
        elif tag == "N9" and report.lin is None and report_number is None:
            report_number = seg.value(N902_REFERENCE).strip() or None
        elif tag == "CTT":
            ctt = seg
    report.flush()

    issue = check_count(ctt, report.items, "line items")
    if issue is not None:
        result.issues.append(issue)
    result.documents.append(ProductActivityDoc(
        report_number=report_number, period_start=start, period_end=end,
        parties=tuple(parties), sales=tuple(report.sales), inventory=tuple(report.inventory),
        segment_number=xq.number))
    return result


class _Report:
    """Collects the lines of the LIN loop being read."""

    def __init__(self, start: date, end: date, result: Mapped) -> None:
        self.start, self.end, self.result = start, end, result
        self.location: PartyRef | None = None  # the one store of a single-location report
        self.product = ProductRef()
        self.lin: Segment | None = None
        self.items = 0
        self.sales: list[SalesLineDoc] = []
        self.inventory: list[InventoryLineDoc] = []
        # (location, uom, as_of) -> figures of the current product
        self.stock: dict[tuple, dict] = {}

    def activity(self, za: Segment, sdqs: list[Segment]) -> None:
        code = required(za, ZA01_ACTIVITY, "activity code")
        measure, figure = SALES.get(code), INVENTORY.get(code)
        if measure is None and figure is None:
            self.result.issues.append(warning(
                za, ZA01_ACTIVITY, "ZA-unmapped",
                f"activity code {code!r} is not one this hub records; its quantity is not kept"))
            return
        uom = za.value(ZA03_UOM).strip() or "EA"
        as_of = ccyymmdd(za, ZA05_DATE, "activity date") if za.value(ZA04_DATE_QUALIFIER) \
            else None
        if sdqs:
            splits = [s for sdq in sdqs for s in sdq_splits(sdq, uom)]
            self._check_total(za, splits)
            qualifier = f"ZA:{code}/SDQ"
            entries = [(s.location, s.quantity, s.uom, s.segment) for s in splits]
        else:
            qualifier = f"ZA:{code}"
            entries = [(self.location, amount(za, ZA02_QUANTITY, "activity quantity"), uom, za)]
        for location, quantity, unit, seg in entries:
            if measure is not None:
                self.sales.append(SalesLineDoc(
                    location=location, product=self.product, measure=measure,
                    quantity=quantity, uom=unit, period_start=self.start,
                    period_end=self.end, segment_number=seg.number, raw_qualifier=qualifier))
            if figure is not None:
                key = (location, unit, as_of or self.end)
                entry = self.stock.setdefault(key, {"segment_number": seg.number, "codes": []})
                entry[figure] = quantity
                entry["codes"].append(qualifier)

    def _check_total(self, za: Segment, splits: list[Split]) -> None:
        total = decimal_value(za, ZA02_QUANTITY, "activity quantity")
        found = sum((s.quantity for s in splits), Decimal(0))
        if total is not None and total != found:
            self.result.issues.append(warning(
                za, ZA02_QUANTITY, "ZA-total",
                f"ZA02 says {total}, the SDQ store quantities add up to {found}; "
                "the store quantities are kept"))

    def flush(self) -> None:
        for (location, uom, as_of), entry in self.stock.items():
            codes = entry.pop("codes")
            if "on_hand" not in entry and "available" in entry:
                entry["on_hand"] = entry["available"]
            self.inventory.append(InventoryLineDoc(
                location=location, product=self.product, as_of=as_of, uom=uom,
                raw_qualifier=",".join(codes), **entry))
        self.stock = {}
