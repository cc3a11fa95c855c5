"""cXML ConfirmationRequest (order confirmation) -> `OrderResponseDoc`.

ConfirmationHeader@type says what the supplier did with the whole order (accept, reject,
or detail / allDetail / except / backordered: some lines differ), @confirmID its number,
@noticeDate its date; OrderReference@orderID names the order. Each ConfirmationItem
(@lineNumber, @quantity ordered, UnitOfMeasure) carries one or more ConfirmationStatus
(@type accept / reject / backordered / detail, @quantity, @shipmentDate, @deliveryDate,
UnitPrice, ItemIn for a substitute): each status is one promise line, so a line promised
partly now and partly later gives two line documents. The supplier is Header/From, the
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
from schemas.documents import OrderResponseDoc, OrderResponseLineDoc, ProductRef

PAYLOAD = "ConfirmationRequest"
HEADER = "ConfirmationHeader"
# ConfirmationHeader@type -> the order's status.
HEADER_STATUSES = {
    "accept": "accepted",
    "reject": "rejected",
    "detail": "changed",
    "allDetail": "changed",
    "except": "changed",
    "backordered": "changed",
    "requestToPay": "accepted",
}
# ConfirmationStatus@type -> the line's promise status. `unknown` (the supplier cannot say
# yet) promises nothing: it is reported as a warning and gives no line.
LINE_STATUSES = {
    "accept": "accepted",
    "reject": "rejected",
    "backordered": "backordered",
    "detail": "changed",
    "allDetail": "changed",
    "except": "changed",
}
UNKNOWN_STATUS = "unknown"


def map_message(message: Message) -> Mapped:
    result = Mapped()
    payload = cxml_payload(message, PAYLOAD)
    header = payload.find(HEADER)
    if header is None:
        raise error(payload, XML_MISSING, f"{HEADER} is missing", f"{PAYLOAD}/{HEADER}")
    kind = required_attr(header, "type", "confirmation type")
    status = HEADER_STATUSES.get(kind)
    if status is None:
        raise error(header, XML_INVALID_VALUE,
                    f"confirmation type {kind!r} is not one of {sorted(HEADER_STATUSES)}",
                    attr_tag(header, "type"))
    reference = payload.find("OrderReference")
    if reference is None:
        raise error(payload, XML_MISSING, "OrderReference (the confirmed order) is missing",
                    f"{PAYLOAD}/OrderReference")
    po_number = required_attr(reference, "orderID", "purchase order number")
    _, currency = cxml_money(header.find("Total"), "total")
    lines: list[OrderResponseLineDoc] = []
    for item in payload.findall("ConfirmationItem"):
        lines.extend(_lines(item, result.issues))
    if currency is None:
        currency = next((c for s in payload.iterfind("ConfirmationItem/ConfirmationStatus")
                         for c in [cxml_money(s.find("UnitPrice"), "price")[1]] if c), None)
    result.documents.append(OrderResponseDoc(
        po_number=po_number,
        response_number=attr(header, "confirmID") or None,
        response_date=attr_date(header, "noticeDate", "notice date"),
        status=status,
        raw_status=kind,
        currency=currency,
        parties=unique((
            cxml_credential_party(message, "From", "seller"),
            cxml_credential_party(message, "To", "buyer"),
        )),
        lines=tuple(lines),
        segment_number=header.sourceline,
    ))
    return result


def _lines(item, issues: list[Issue]) -> list[OrderResponseLineDoc]:
    line_number = required_attr(item, "lineNumber", "order line number")
    ordered = attr_decimal(item, "quantity", "quantity ordered")
    item_uom = child_text(item, "UnitOfMeasure") or None
    lines = []
    statuses = item.findall("ConfirmationStatus")
    if not statuses:
        raise error(item, XML_MISSING, f"line {line_number} has no ConfirmationStatus",
                    "ConfirmationItem/ConfirmationStatus")
    for status_element in statuses:
        kind = required_attr(status_element, "type", "confirmation status type")
        if kind == UNKNOWN_STATUS:
            issues.append(warning(status_element, XML_INVALID_VALUE,
                                  f"line {line_number}: status 'unknown' promises nothing",
                                  attr_tag(status_element, "type")))
            continue
        status = LINE_STATUSES.get(kind)
        if status is None:
            raise error(status_element, XML_INVALID_VALUE,
                        f"confirmation status {kind!r} is not one of {sorted(LINE_STATUSES)}",
                        attr_tag(status_element, "type"))
        price, _ = cxml_money(status_element.find("UnitPrice"), "unit price")
        substitute = status_element.find("ItemIn")
        product = (cxml_product(substitute.find("ItemID"), substitute.find("ItemDetail"),
                                issues) if substitute is not None else ProductRef())
        lines.append(OrderResponseLineDoc(
            line_number=line_number,
            product=product,
            status=status,
            raw_status=kind,
            quantity=attr_decimal(status_element, "quantity", "quantity confirmed",
                                  mandatory=True),
            ordered_quantity=ordered,
            uom=child_text(status_element, "UnitOfMeasure") or item_uom,
            promised_ship=attr_date(status_element, "shipmentDate", "shipment date"),
            promised_delivery=attr_date(status_element, "deliveryDate", "delivery date"),
            unit_price=price,
            segment_number=status_element.sourceline,
            raw_qualifier=f"ConfirmationStatus:{kind}",
        ))
    return lines
