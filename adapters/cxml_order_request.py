"""cXML OrderRequest -> `OrderDoc`.

OrderRequestHeader gives the PO number (@orderID), date (@orderDate), purpose (@type
new/update/delete) and currency (Total/Money@currency); ShipTo/BillTo Address@addressID the
delivery and invoice places; Header/From the buyer and Header/To the supplier (their
credentials). Each ItemOut is one line: @lineNumber, @quantity, @requestedDeliveryDate,
ItemID (SupplierPartID, BuyerPartID) and ItemDetail (UnitPrice/Money, UnitOfMeasure,
Description, ManufacturerPartID, GTIN extrinsics).
"""

from __future__ import annotations

from decimal import Decimal

from adapters.common import XML_INVALID_VALUE, XML_MISSING, Mapped
from adapters.xml_common import (
    attr,
    attr_date,
    attr_decimal,
    attr_tag,
    child_text,
    cxml_address_party,
    cxml_credential_party,
    cxml_money,
    cxml_payload,
    cxml_product,
    error,
    required_attr,
    unique,
    warning,
)
from edi.model import Issue, Message
from schemas.documents import OrderDoc, OrderLineDoc

PAYLOAD = "OrderRequest"
HEADER = "OrderRequestHeader"
ITEM = "ItemOut"
# OrderRequestHeader@type (cXML: new is the default).
PURPOSES = {"new": "original", "update": "replace", "delete": "cancel"}
DEFAULT_UOM = "EA"


def map_message(message: Message) -> Mapped:
    result = Mapped()
    payload = cxml_payload(message, PAYLOAD)
    header = payload.find(HEADER)
    if header is None:
        raise error(payload, XML_MISSING, f"{HEADER} is missing", f"{PAYLOAD}/{HEADER}")
    po_number = required_attr(header, "orderID", "purchase order number")
    kind = attr(header, "type") or "new"
    purpose = PURPOSES.get(kind)
    if purpose is None:
        raise error(header, XML_INVALID_VALUE,
                    f"order type {kind!r} is not one of {sorted(PURPOSES)}",
                    attr_tag(header, "type"))
    total, currency = cxml_money(header.find("Total"), "order total")

    lines = [_line(item, position, result.issues)
             for position, item in enumerate(payload.findall(ITEM), start=1)]
    if currency is None:
        currency = next((c for item in payload.findall(ITEM)
                         for c in [cxml_money(item.find("ItemDetail/UnitPrice"), "price")[1]]
                         if c), None)
    if purpose != "cancel" and not lines:
        raise error(payload, XML_MISSING, "the order has no ItemOut lines", f"{PAYLOAD}/{ITEM}")

    doc = OrderDoc(
        po_number=po_number,
        purpose=purpose,
        order_date=attr_date(header, "orderDate", "order date"),
        currency=currency,
        parties=unique((
            cxml_credential_party(message, "From", "buyer"),
            cxml_credential_party(message, "To", "seller"),
            cxml_address_party(header.find("ShipTo"), "ship_to"),
            cxml_address_party(header.find("BillTo"), "bill_to"),
        )),
        lines=tuple(lines),
        segment_number=header.sourceline,
    )
    if total is not None and doc.total is not None and total != doc.total:
        result.issues.append(_total_mismatch(header, total, doc.total))
    result.documents.append(doc)
    return result


def _line(item, position: int, issues: list[Issue]) -> OrderLineDoc:
    detail = item.find("ItemDetail")
    price, _ = cxml_money(detail.find("UnitPrice") if detail is not None else None,
                          "unit price")
    return OrderLineDoc(
        line_number=attr(item, "lineNumber") or str(position),
        quantity=attr_decimal(item, "quantity", "quantity ordered", mandatory=True),
        uom=child_text(detail, "UnitOfMeasure") or DEFAULT_UOM,
        unit_price=price,
        requested_delivery=attr_date(item, "requestedDeliveryDate", "requested delivery date"),
        requested_ship=attr_date(item, "requestedShipmentDate", "requested shipment date"),
        product=cxml_product(item.find("ItemID"), detail, issues, holder=item),
        segment_number=item.sourceline,
    )


def _total_mismatch(header, declared: Decimal, computed: Decimal) -> Issue:
    return warning(header.find("Total/Money"), XML_INVALID_VALUE,
                   f"Total says {declared}, the lines add up to {computed}")
