"""cXML ShipNoticeRequest (advance ship notice) -> `ShipNoticeDoc`.

ShipNoticeHeader gives the shipment number (@shipmentID), the purpose (@operation
new/update/delete), the ship date (@shipmentDate) and the expected delivery (@deliveryDate);
its Contact role="shipFrom"/"shipTo" (@addressID) the places. ShipControl names the carrier
(CarrierIdentifier: the SCAC when given, else the first) and the shipment's identifier
(ShipmentIdentifier: the one with domain billOfLading when given, else the first, usually the
tracking number). ShipControl is a sibling of the portions: one shipment can carry several
orders. Each ShipNoticePortion names one order (OrderReference@orderID) and lists its
ShipNoticeItem: @lineNumber (the order line), @quantity shipped, UnitOfMeasure, ItemID,
ShipNoticeItemDetail, OrderedQuantity@quantity when sent. The supplier is Header/From, the
buyer Header/To.
"""

from __future__ import annotations

from adapters.common import XML_INVALID_VALUE, XML_MISSING, Mapped
from adapters.xml_common import (
    attr,
    attr_date,
    attr_decimal,
    attr_tag,
    child_text,
    cxml_address_party,
    cxml_credential_party,
    cxml_payload,
    cxml_product,
    error,
    required_attr,
    text,
    unique,
)
from edi.model import Issue, Message
from schemas.documents import PartyRef, ShipmentLineDoc, ShipNoticeDoc

PAYLOAD = "ShipNoticeRequest"
HEADER = "ShipNoticeHeader"
PURPOSES = {"new": "original", "update": "replace", "delete": "cancel"}
CONTACT_ROLES = {"shipFrom": "ship_from", "shipTo": "ship_to"}
DEFAULT_UOM = "EA"


def map_message(message: Message) -> Mapped:
    result = Mapped()
    payload = cxml_payload(message, PAYLOAD)
    header = payload.find(HEADER)
    if header is None:
        raise error(payload, XML_MISSING, f"{HEADER} is missing", f"{PAYLOAD}/{HEADER}")
    shipment_id = required_attr(header, "shipmentID", "shipment number")
    operation = attr(header, "operation") or "new"
    purpose = PURPOSES.get(operation)
    if purpose is None:
        raise error(header, XML_INVALID_VALUE,
                    f"operation {operation!r} is not one of {sorted(PURPOSES)}",
                    attr_tag(header, "operation"))
    lines: list[ShipmentLineDoc] = []
    for portion in payload.findall("ShipNoticePortion"):
        lines.extend(_portion_lines(portion, result.issues))
    if purpose != "cancel" and not lines:
        raise error(payload, XML_MISSING, "the ship notice has no ShipNoticePortion/"
                    "ShipNoticeItem", f"{PAYLOAD}/ShipNoticePortion")
    control = payload.find("ShipControl")
    result.documents.append(ShipNoticeDoc(
        shipment_number=shipment_id,
        purpose=purpose,
        shipped_on=attr_date(header, "shipmentDate", "shipment date"),
        estimated_delivery=attr_date(header, "deliveryDate", "delivery date"),
        carrier=_carrier(control),
        bill_of_lading=_shipment_identifier(control),
        parties=unique((
            cxml_credential_party(message, "From", "seller"),
            cxml_credential_party(message, "To", "buyer"),
            *_contacts(header),
        )),
        lines=tuple(lines),
        segment_number=header.sourceline,
    ))
    return result


def _portion_lines(portion, issues: list[Issue]) -> list[ShipmentLineDoc]:
    reference = portion.find("OrderReference")
    if reference is None:
        raise error(portion, XML_MISSING, "the portion names no order (OrderReference)",
                    "ShipNoticePortion/OrderReference")
    po_number = required_attr(reference, "orderID", "purchase order number")
    lines = []
    for item in portion.findall("ShipNoticeItem"):
        ordered = item.find("OrderedQuantity")
        lines.append(ShipmentLineDoc(
            po_number=po_number,
            line_number=required_attr(item, "lineNumber", "order line number"),
            product=cxml_product(item.find("ItemID"), item.find("ShipNoticeItemDetail"),
                                 issues, holder=item),
            quantity_shipped=attr_decimal(item, "quantity", "quantity shipped",
                                          mandatory=True),
            quantity_ordered=(attr_decimal(ordered, "quantity", "quantity ordered")
                              if ordered is not None else None),
            uom=child_text(item, "UnitOfMeasure") or DEFAULT_UOM,
            segment_number=item.sourceline,
            raw_qualifier="ShipNoticeItem",
        ))
    return lines


def _carrier(control) -> str | None:
    if control is None:
        return None
    carriers = [(attr(c, "domain").upper(), text(c))
                for c in control.findall("CarrierIdentifier") if text(c)]
    if not carriers:
        return None
    return next((value for domain, value in carriers if domain == "SCAC"), carriers[0][1])


def _shipment_identifier(control) -> str | None:
    if control is None:
        return None
    found = [(attr(s, "domain").lower(), text(s))
             for s in control.findall("ShipmentIdentifier") if text(s)]
    if not found:
        return None
    return next((value for domain, value in found if domain == "billoflading"), found[0][1])


def _contacts(header) -> list[PartyRef | None]:
    parties = []
    for contact in header.findall("Contact"):
        role = CONTACT_ROLES.get(attr(contact, "role"))
        if role is not None:
            parties.append(cxml_address_party(contact, role))
    return parties
