"""cXML ProductActivityMessage (supplier-managed inventory report) -> `ProductActivityDoc`.

ProductActivityHeader gives the report number (@messageID) and date (@creationDate, also
the as-of date of every stock figure). Each ProductActivityDetails names one product
(ItemID: SupplierPartID, BuyerPartID; Description; ManufacturerPartID) and, in its
Inventory, stock figures (each an element with @quantity and UnitOfMeasure):

- StockOnHandQuantity -> on_hand (else UnrestrictedUseQuantity, the stock free for use);
- UnrestrictedUseQuantity -> available;
- StockInTransferQuantity, else IntransitQuantity -> in_transit;
- OrderQuantity -> on_order.

The place is the Contact with role locationTo (its @addressID, else its IdReference
@identifier; SAP/Ariba map EDIFACT NAD+ST to it); without one the figures are for the
reporter's own location. The reporter is Header/From.

Not mapped (no canonical field yet): ConsignmentInventory, TimeSeries / PlanningTimeSeries
(forecasts), SalesReport; a ProductActivityDetails without Inventory is reported as a warning.
The element list comes from the cXML schema as published in generated bindings (cXML 1.2.05x
Inventory: SubcontractingStockInTransferQuantity, UnrestrictedUseQuantity, BlockedQuantity,
QualityInspectionQuantity, PromotionQuantity, StockInTransferQuantity, ..., StockOnHandQuantity,
WorkInProcessQuantity, IntransitQuantity, ScrapQuantity, OrderQuantity, DaysOfSupply).
"""

from __future__ import annotations

from decimal import Decimal

from adapters.common import XML_MISSING, Mapped
from adapters.xml_common import (
    attr,
    attr_date,
    attr_decimal,
    child_text,
    cxml_credential_party,
    cxml_payload,
    cxml_product,
    cxml_scheme,
    error,
    unique,
    warning,
)
from edi.model import Issue, Message
from schemas.documents import InventoryLineDoc, PartyRef, ProductActivityDoc

PAYLOAD = "ProductActivityMessage"
HEADER = "ProductActivityHeader"
LOCATION_ROLE = "locationTo"
# Canonical figure -> the Inventory elements that give it, first present wins.
FIGURES = {
    "on_hand": ("StockOnHandQuantity", "UnrestrictedUseQuantity"),
    "available": ("UnrestrictedUseQuantity",),
    "in_transit": ("StockInTransferQuantity", "IntransitQuantity"),
    "on_order": ("OrderQuantity",),
}
NOT_MAPPED = "not-mapped"  # a warning: content the canonical documents cannot hold yet
QUALIFIER_LIMIT = 35  # the store's raw_qualifier column
DEFAULT_UOM = "EA"


def map_message(message: Message) -> Mapped:
    result = Mapped()
    payload = cxml_payload(message, PAYLOAD)
    header = payload.find(HEADER)
    if header is None:
        raise error(payload, XML_MISSING, f"{HEADER} is missing", f"{PAYLOAD}/{HEADER}")
    report_date = attr_date(header, "creationDate", "creation date")
    inventory: list[InventoryLineDoc] = []
    for details in payload.findall("ProductActivityDetails"):
        line = _inventory_line(details, header, report_date, result.issues)
        if line is not None:
            inventory.append(line)
    result.documents.append(ProductActivityDoc(
        report_number=attr(header, "messageID") or None,
        report_date=report_date,
        parties=unique((cxml_credential_party(message, "From", "reporter"),)),
        inventory=tuple(inventory),
        segment_number=header.sourceline,
    ))
    return result


def _inventory_line(details, header, report_date,
                    issues: list[Issue]) -> InventoryLineDoc | None:
    stock = details.find("Inventory")
    if stock is None:
        issues.append(warning(details, NOT_MAPPED,
                              "ProductActivityDetails without Inventory: not mapped"))
        return None
    if report_date is None:
        raise error(header, XML_MISSING, "creationDate (the as-of date of the stock) is missing",
                    f"{HEADER}/@creationDate")
    figures: dict[str, Decimal | None] = {}
    used: list[str] = []
    uom = ""
    for field, names in FIGURES.items():
        for name in names:
            element = stock.find(name)
            if element is None:
                continue
            figures[field] = attr_decimal(element, "quantity", name, mandatory=True)
            uom = uom or child_text(element, "UnitOfMeasure")
            short = name.removesuffix("Quantity")
            if short not in used:
                used.append(short)
            break
    if not figures:
        issues.append(warning(stock, NOT_MAPPED,
                              "Inventory has none of the mapped figures "
                              f"({', '.join(sorted({n for ns in FIGURES.values() for n in ns}))})"))
        return None
    qualifier = ",".join(used)
    return InventoryLineDoc(
        location=_location(details),
        product=cxml_product(details.find("ItemID"), details, issues),
        as_of=report_date,
        uom=uom or child_text(details, "UnitOfMeasure") or DEFAULT_UOM,
        segment_number=details.sourceline,
        raw_qualifier=qualifier if len(qualifier) <= QUALIFIER_LIMIT else "Inventory",
        **figures,
    )


def _location(details) -> PartyRef | None:
    for contact in details.findall("Contact"):
        if attr(contact, "role") != LOCATION_ROLE:
            continue
        name = child_text(contact, "Name") or None
        code = attr(contact, "addressID")
        if code:
            return PartyRef(role="location", scheme="ZZ", value=code, name=name,
                            location_code=code)
        for ref in contact.findall("IdReference"):
            identifier = attr(ref, "identifier")
            if identifier:
                scheme = cxml_scheme(attr(ref, "domain"), identifier)
                return PartyRef(role="location", scheme=scheme, value=identifier, name=name,
                                location_code=identifier if scheme == "ZZ" else None)
    return None
