"""OASIS UBL 2.0 / 2.1 Order -> `OrderDoc`.

cbc:ID is the PO number, cbc:IssueDate the order date, cbc:DocumentCurrencyCode the currency
(UBL 2.0 examples omit it: then the first currencyID of the document). The buyer is
cac:BuyerCustomerParty, the seller cac:SellerSupplierParty, the ship-to
cac:Delivery/cac:DeliveryLocation (or cac:Delivery/cac:DeliveryParty);
cac:Delivery/cac:RequestedDeliveryPeriod/cbc:StartDate the requested delivery. Each
cac:OrderLine/cac:LineItem is one line: cbc:ID, cbc:Quantity@unitCode,
cac:Price/cbc:PriceAmount, cac:Item ids, its own cac:Delivery requested period.
A UBL Order is always an original: changes and cancellations are other UBL documents
(OrderChange, OrderCancellation).
"""

from __future__ import annotations

from adapters.common import Mapped
from adapters.xml_common import (
    cac,
    cbc,
    missing_child,
    required_child,
    text,
    text_decimal,
    ubl_currency,
    ubl_date,
    ubl_location,
    ubl_party,
    ubl_path,
    ubl_product,
    ubl_quantity,
    unique,
)
from edi.model import Issue, Message
from schemas.documents import OrderDoc, OrderLineDoc, PartyRef

REQUESTED_START = ubl_path("cac:RequestedDeliveryPeriod", "cbc:StartDate")
DEFAULT_UOM = "EA"


def map_message(message: Message) -> Mapped:
    root = message.document
    result = Mapped()
    po_number = text(required_child(root, cbc("ID"), "cbc:ID", "order number (cbc:ID)"))
    delivery = root.find(cac("Delivery"))
    lines = [_line(order_line, result.issues) for order_line in root.findall(cac("OrderLine"))]
    if not lines:
        raise missing_child(root, "cac:OrderLine", "the order has no cac:OrderLine")
    result.documents.append(OrderDoc(
        po_number=po_number,
        purpose="original",
        order_date=ubl_date(root, cbc("IssueDate"), "issue date"),
        currency=ubl_currency(root),
        parties=unique((
            ubl_party(root.find(cac("BuyerCustomerParty")), "buyer", result.issues),
            ubl_party(root.find(cac("SellerSupplierParty")), "seller", result.issues),
            _ship_to(delivery, result.issues),
        )),
        requested_delivery=ubl_date(delivery, REQUESTED_START, "requested delivery date"),
        lines=tuple(lines),
        segment_number=root.find(cbc("ID")).sourceline,
    ))
    return result


def _ship_to(delivery, issues: list[Issue]) -> PartyRef | None:
    if delivery is None:
        return None
    place = ubl_location(delivery.find(cac("DeliveryLocation")), "ship_to")
    if place is not None:
        return place
    return ubl_party(delivery.find(cac("DeliveryParty")), "ship_to", issues)


def _line(order_line, issues: list[Issue]) -> OrderLineDoc:
    item = order_line.find(cac("LineItem"))
    if item is None:
        raise missing_child(order_line, "cac:LineItem", "the order line has no cac:LineItem")
    line_id = text(required_child(item, cbc("ID"), "cbc:ID", "line number (cbc:ID)"))
    quantity, unit = ubl_quantity(item, "Quantity", "quantity ordered", mandatory=True)
    return OrderLineDoc(
        line_number=line_id,
        quantity=quantity,
        uom=unit or DEFAULT_UOM,
        unit_price=text_decimal(item.find(ubl_path("cac:Price", "cbc:PriceAmount")),
                                "unit price"),
        requested_delivery=ubl_date(item.find(cac("Delivery")), REQUESTED_START,
                                    "requested delivery date"),
        product=ubl_product(item.find(cac("Item"))),
        segment_number=item.sourceline,
    )
