"""EDIFACT / EANCOM DESADV (D96A, D01B) -> `ShipNoticeDoc`.

BGM gives the despatch advice number and function; DTM the despatch and delivery dates; RFF+ON
the order (at the header, or per CPS / LIN group), RFF+BM the bill of lading; TDT the carrier;
NAD the parties. Each LIN, wherever it sits in the CPS packing hierarchy, is one shipment line:
QTY+12 shipped, QTY+21 ordered, QTY+59 pack size; the order line from RFF+LI or the line number
of RFF+ON (1156), else LIN 1082.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from adapters.common import Mapped
from adapters.edifact_common import (
    BGM_DOCUMENT,
    BGM_FUNCTION,
    add_imd,
    add_party,
    add_pia,
    beginning,
    carrier,
    code_from,
    dtm_date,
    dtm_qualifier,
    edifact_missing_segment,
    lin_line_number,
    lin_product,
    product_ref,
    quantity,
    reference,
    warning,
)
from edi.model import Message, Segment
from schemas.documents import PartyRef, ShipmentLineDoc, ShipNoticeDoc

DESPATCH_ADVICE = "351"  # 1001 351 despatch advice
# 1225: 9 original, 5 replace, 1 cancellation, 3 deletion, 7 duplicate, 31 copy; absent = 9.
PURPOSES = {"9": "original", "5": "replace", "1": "cancel", "3": "cancel", "7": "original",
            "31": "original", "": "original"}
# 2005: 11 despatch date; 17 delivery estimated, 191 delivery expected, 2 delivery requested
# (in that order of preference).
SHIP_DATES = ("11",)
DELIVERY_DATES = ("17", "191", "2")
# 6063: 12 despatch quantity, 21 ordered quantity, 59 consumer units in the traded unit,
# 52 quantity per pack.
SHIPPED, ORDERED, PACK_QUANTITIES = "12", "21", ("59", "52")
DEFAULT_UNIT = "PCE"


def map_message(message: Message) -> Mapped:
    result = Mapped()
    bgm = beginning(message, "despatch advice number (BGM 1004)")
    if bgm.document_code and bgm.document_code != DESPATCH_ADVICE:
        result.issues.append(warning(bgm.segment, BGM_DOCUMENT, f"document name code "
                                     f"{bgm.document_code!r} is not {DESPATCH_ADVICE}", 1))
    purpose = code_from(PURPOSES, bgm.segment, BGM_FUNCTION, bgm.function,
                        "message function code (1225)")
    header: dict = {"shipment_number": bgm.number, "purpose": purpose,
                    "segment_number": bgm.segment.number}
    dates: dict[str, date] = {}
    parties: list[PartyRef] = []
    header_po: str | None = None
    package_po: str | None = None  # RFF+ON inside a CPS group, before its LINs
    groups: list[_Line] = []
    line: _Line | None = None
    seen_cps = False

    for seg in message.body():
        tag = seg.tag
        if tag == "LIN":
            line = _Line(seg, len(groups) + 1, package_po or header_po)
            groups.append(line)
        elif tag == "CPS":
            line, package_po, seen_cps = None, None, True
        elif tag == "RFF":
            qualifier, value, line_ref = reference(seg)
            if line is not None:
                line.reference(qualifier, value, line_ref)
            elif qualifier == "ON" and value:
                if seen_cps:
                    package_po = value
                else:
                    header_po = header_po or value
            elif qualifier == "BM" and value:
                header.setdefault("bill_of_lading", value)
        elif line is not None:
            line.add(seg)
        elif tag == "DTM":
            qualifier = dtm_qualifier(seg)
            if qualifier in SHIP_DATES + DELIVERY_DATES:
                when = dtm_date(seg, result.issues)
                if when is not None:
                    dates.setdefault(qualifier, when)
        elif tag == "NAD":
            add_party(parties, result.issues, seg)
        elif tag == "TDT":
            found = carrier(seg)
            if found:
                header.setdefault("carrier", found)

    if purpose != "cancel" and not groups:
        raise edifact_missing_segment("LIN", bgm.segment, "the despatch advice has no LIN items")
    result.documents.append(ShipNoticeDoc(
        shipped_on=next((dates[q] for q in SHIP_DATES if q in dates), None),
        estimated_delivery=next((dates[q] for q in DELIVERY_DATES if q in dates), None),
        parties=tuple(parties), lines=tuple(g.build() for g in groups), **header))
    return result


class _Line:
    def __init__(self, lin: Segment, ordinal: int, po_number: str | None) -> None:
        self.lin = lin
        self.lin_number = lin_line_number(lin) or str(ordinal)
        self.order_line: str | None = None
        self.po_number = po_number
        self.product = lin_product(lin)
        self.quantities: dict[str, tuple[Decimal, str | None]] = {}

    def reference(self, qualifier: str, value: str, line_ref: str) -> None:
        if qualifier == "ON" and value:
            self.po_number = value
            if line_ref:
                self.order_line = line_ref
        elif qualifier == "LI" and (value or line_ref):
            self.order_line = value or line_ref

    def add(self, seg: Segment) -> None:
        if seg.tag == "PIA":
            add_pia(seg, self.product)
        elif seg.tag == "IMD":
            add_imd(seg, self.product)
        elif seg.tag == "QTY":
            qty = quantity(seg)
            self.quantities.setdefault(qty.qualifier, (qty.value, qty.unit))

    def build(self) -> ShipmentLineDoc:
        shipped = self.quantities.get(SHIPPED)
        if shipped is None:
            raise edifact_missing_segment("QTY", self.lin, f"line {self.lin_number} has no "
                                          "despatch quantity (QTY+12)")
        ordered = self.quantities.get(ORDERED)
        pack = next((self.quantities[q] for q in PACK_QUANTITIES if q in self.quantities), None)
        return ShipmentLineDoc(
            po_number=self.po_number,
            line_number=self.order_line or self.lin_number,
            product=product_ref(self.product),
            quantity_shipped=shipped[0],
            quantity_ordered=ordered[0] if ordered else None,
            uom=shipped[1] or DEFAULT_UNIT,
            pack_size=pack[0] if pack else None,
            segment_number=self.lin.number,
            raw_qualifier=f"QTY:{SHIPPED}",
        )
