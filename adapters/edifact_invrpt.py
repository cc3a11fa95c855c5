"""EDIFACT / EANCOM INVRPT (D96A, D01B) -> `ProductActivityDoc` with inventory lines.

BGM gives the report number; DTM+366 the inventory report date (the `as_of` of every figure;
DTM+137 when there is none); NAD the reporter and supplier. A LOC before the first LIN is the
place of all the stock that follows; a LOC inside a LIN group is the place of the quantities
after it, up to the next LOC or LIN. QTY+145 (actual stock) / QTY+17 (on hand) give `on_hand`,
QTY+60 `available`, QTY+198 / QTY+57 `in_transit`, QTY+48 `received`, QTY+73 `on_order`;
one `InventoryLineDoc` per LIN and place, numbered by its first QTY.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from adapters.common import Mapped
from adapters.edifact_common import (
    PARTY_ROLES,
    QTY_C186,
    QTY_VALUE,
    add_imd,
    add_party,
    add_pia,
    beginning,
    dtm_date,
    dtm_qualifier,
    edifact_missing_segment,
    lin_product,
    place,
    product_ref,
    quantity,
    warning,
)
from edi.model import Message, Segment
from schemas.documents import InventoryLineDoc, PartyRef, ProductActivityDoc

# 6063 -> InventoryLineDoc field (UN/EDIFACT 6063, EANCOM 2002): 145 actual stock and 17 quantity
# on hand -> on_hand; 60 current inventory quantity available for shipment -> available;
# 198 quantity in transit and 57 in transit quantity -> in_transit; 48 received quantity ->
# received; 73 outstanding quantity (ordered, not yet received) -> on_order.
FIGURES = {"145": "on_hand", "17": "on_hand", "60": "available", "198": "in_transit",
           "57": "in_transit", "48": "received", "73": "on_order"}
# 2005: 366 inventory report date; 137 document/message date (fallback).
REPORT_DATE, DOCUMENT_DATE = "366", "137"
ROLES = {**PARTY_ROLES, "BY": "reporter", "MS": "reporter", "SU": "seller"}
DEFAULT_UNIT = "PCE"


@dataclass
class _Stock:
    lin: Segment
    product: dict[str, str]
    location: PartyRef | None
    figures: dict[str, Decimal] = field(default_factory=dict)
    qualifiers: list[str] = field(default_factory=list)
    unit: str | None = None
    as_of: date | None = None
    first_qty: Segment | None = None


def map_message(message: Message) -> Mapped:
    result = Mapped()
    bgm = beginning(message, "report number", number_required=False)
    parties: list[PartyRef] = []
    dates: dict[str, date] = {}
    default_location: PartyRef | None = None
    product: dict[str, str] | None = None
    lin: Segment | None = None
    location: PartyRef | None = None
    stocks: dict[tuple[int, PartyRef | None], _Stock] = {}
    line_date: date | None = None

    for seg in message.body():
        tag = seg.tag
        if tag == "LIN":
            lin, product, location = seg, lin_product(seg), default_location
            line_date = None
        elif tag == "LOC":
            found = place(seg)
            if lin is None:
                default_location = found
            location = found
        elif tag == "DTM":
            qualifier = dtm_qualifier(seg)
            if qualifier in (REPORT_DATE, DOCUMENT_DATE):
                when = dtm_date(seg, result.issues)
                if when is None:
                    continue
                if lin is not None and qualifier == REPORT_DATE:
                    line_date = when
                    current = stocks.get((lin.number, location))
                    if current is not None:
                        current.as_of = when
                else:
                    dates.setdefault(qualifier, when)
        elif product is not None and lin is not None:
            if tag == "PIA":
                add_pia(seg, product)
            elif tag == "IMD":
                add_imd(seg, product)
            elif tag == "QTY":
                qty = quantity(seg)
                name = FIGURES.get(qty.qualifier)
                if name is None:
                    continue
                stock = stocks.setdefault((lin.number, location),
                                          _Stock(lin, product, location, as_of=line_date,
                                                 first_qty=seg))
                if name in stock.figures:
                    result.issues.append(warning(seg, QTY_C186, f"second {name} figure for this "
                                                 "item and place; the first is kept", QTY_VALUE))
                    continue
                stock.figures[name] = qty.value
                stock.qualifiers.append(f"QTY:{qty.qualifier}")
                stock.unit = stock.unit or qty.unit
        elif tag == "NAD":
            add_party(parties, result.issues, seg, ROLES)

    report_date = dates.get(REPORT_DATE) or dates.get(DOCUMENT_DATE)
    lines = []
    for stock in stocks.values():
        as_of = stock.as_of or report_date
        if as_of is None:
            raise edifact_missing_segment("DTM", stock.first_qty or stock.lin,
                                          "no inventory report date (DTM+366) for this stock")
        lines.append(InventoryLineDoc(
            location=stock.location, product=product_ref(stock.product), as_of=as_of,
            uom=stock.unit or DEFAULT_UNIT,
            segment_number=(stock.first_qty or stock.lin).number,
            raw_qualifier=",".join(stock.qualifiers), **stock.figures))
    result.documents.append(ProductActivityDoc(
        report_number=bgm.number or None, report_date=dates.get(DOCUMENT_DATE),
        parties=tuple(parties), inventory=tuple(lines), segment_number=bgm.segment.number))
    return result
