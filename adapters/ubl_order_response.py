"""OASIS UBL OrderResponseSimple and OrderResponse (2.0 / 2.1) -> `OrderResponseDoc`.

Both: cbc:ID is the response number, cbc:IssueDate its date, cac:OrderReference/cbc:ID the
order; the seller is cac:SellerSupplierParty, the buyer cac:BuyerCustomerParty.

OrderResponseSimple answers the whole order: cbc:AcceptedIndicator true -> accepted, false ->
rejected (cbc:RejectionNote is the reason); it has no lines.

OrderResponse: the order status is cbc:OrderResponseCode (UBL 2.1; PEPPOL uses UNCL 4343:
AP accepted, RE rejected, CA conditionally accepted -> changed, AB acknowledged -> accepted);
without one (UBL 2.0) it follows from the lines. Each cac:OrderLine/cac:LineItem is one
promise: cbc:LineStatusCode (UBL code list: NoStatus, Added, Revised, Cancelled, Disputed;
PEPPOL UNCL 1229: 5 accepted, 3 changed, 7 not accepted), cbc:Quantity, cac:Price,
cac:Delivery/cac:PromisedDeliveryPeriod (else RequestedDeliveryPeriod) start date, and the
buyer's line number from cac:OrderLine/cac:OrderLineReference/cbc:LineID (else the
cac:LineItem/cbc:ID).
"""

from __future__ import annotations

from adapters.common import XML_INVALID_VALUE, Mapped
from adapters.xml_common import (
    cac,
    cbc,
    child_text,
    error,
    missing_child,
    required_child,
    text,
    text_decimal,
    ubl_currency,
    ubl_date,
    ubl_party,
    ubl_path,
    ubl_product,
    ubl_quantity,
    unique,
)
from edi.model import Issue, Message
from schemas.documents import OrderResponseDoc, OrderResponseLineDoc

SIMPLE = "ubl:OrderResponseSimple"
ACCEPTED = {"true": "accepted", "1": "accepted", "false": "rejected", "0": "rejected"}
# cbc:OrderResponseCode (UNCL 4343 subset used by PEPPOL BIS Order Agreement/Response).
RESPONSE_CODES = {"AP": "accepted", "AB": "accepted", "RE": "rejected", "CA": "changed"}
# cbc:LineStatusCode: UBL 2.x LineStatusCode list and UNCL 1229 (PEPPOL).
LINE_STATUSES = {
    "NoStatus": "accepted", "5": "accepted",
    "Added": "changed", "Revised": "changed", "Disputed": "changed", "1": "changed",
    "3": "changed", "6": "changed",
    "Cancelled": "rejected", "2": "rejected", "7": "rejected",
}
PROMISED_START = ubl_path("cac:PromisedDeliveryPeriod", "cbc:StartDate")
REQUESTED_START = ubl_path("cac:RequestedDeliveryPeriod", "cbc:StartDate")


def map_message(message: Message) -> Mapped:
    root = message.document
    result = Mapped()
    response_id = required_child(root, cbc("ID"), "cbc:ID", "response number (cbc:ID)")
    reference = root.find(ubl_path("cac:OrderReference", "cbc:ID"))
    if reference is None or not text(reference):
        raise missing_child(root, "cac:OrderReference/cbc:ID",
                            "the order answered (cac:OrderReference/cbc:ID) is missing")
    if message.type == SIMPLE:
        status, raw_status = _simple_status(root)
        lines: list[OrderResponseLineDoc] = []
    else:
        header_delivery = root.find(cac("Delivery"))
        lines = [_line(order_line, header_delivery, result.issues)
                 for order_line in root.findall(cac("OrderLine"))]
        status, raw_status = _response_status(root, lines)
    result.documents.append(OrderResponseDoc(
        po_number=text(reference),
        response_number=text(response_id),
        response_date=ubl_date(root, cbc("IssueDate"), "issue date"),
        status=status,
        raw_status=raw_status,
        currency=ubl_currency(root),
        parties=unique((
            ubl_party(root.find(cac("SellerSupplierParty")), "seller", result.issues),
            ubl_party(root.find(cac("BuyerCustomerParty")), "buyer", result.issues),
        )),
        lines=tuple(lines),
        segment_number=response_id.sourceline,
    ))
    return result


def _simple_status(root) -> tuple[str, str]:
    indicator = required_child(root, cbc("AcceptedIndicator"), "cbc:AcceptedIndicator",
                               "acceptance (cbc:AcceptedIndicator)")
    raw = text(indicator)
    status = ACCEPTED.get(raw.lower())
    if status is None:
        raise error(indicator, XML_INVALID_VALUE,
                    f"AcceptedIndicator {raw!r} is not true or false")
    return status, raw


def _response_status(root, lines: list[OrderResponseLineDoc]) -> tuple[str, str | None]:
    code_element = root.find(cbc("OrderResponseCode"))
    if code_element is None:
        code_element = root.find(cbc("ResponseCode"))
    code = text(code_element)
    if code:
        status = RESPONSE_CODES.get(code.upper())
        if status is None:
            raise error(code_element, XML_INVALID_VALUE,
                        f"order response code {code!r} is not one of {sorted(RESPONSE_CODES)}")
        return status, code
    statuses = {line.status for line in lines}
    if statuses and statuses == {"rejected"}:
        return "rejected", None
    if statuses - {"accepted"}:
        return "changed", None
    return "accepted", None


def _line(order_line, header_delivery, issues: list[Issue]) -> OrderResponseLineDoc:
    item = order_line.find(cac("LineItem"))
    if item is None:
        raise missing_child(order_line, "cac:LineItem", "the order line has no cac:LineItem")
    status_element = item.find(cbc("LineStatusCode"))
    raw_status = text(status_element) or None
    status = "accepted" if raw_status is None else LINE_STATUSES.get(raw_status)
    if status is None:
        raise error(status_element, XML_INVALID_VALUE,
                    f"line status {raw_status!r} is not one of {sorted(LINE_STATUSES)}")
    line_number = (child_text(order_line, ubl_path("cac:OrderLineReference", "cbc:LineID"))
                   or child_text(item, cbc("ID")) or None)
    quantity, unit = ubl_quantity(item, "Quantity", "quantity promised", mandatory=False)
    delivery = item.find(cac("Delivery"))
    promised = None
    for holder in (delivery, header_delivery):
        for path in (PROMISED_START, REQUESTED_START):
            promised = promised or ubl_date(holder, path, "promised delivery date")
    return OrderResponseLineDoc(
        line_number=line_number,
        product=ubl_product(item.find(cac("Item"))),
        status=status,
        raw_status=raw_status,
        quantity=quantity,
        uom=unit,
        promised_delivery=promised,
        unit_price=text_decimal(item.find(ubl_path("cac:Price", "cbc:PriceAmount")),
                                "unit price"),
        segment_number=item.sourceline,
        raw_qualifier=f"LineStatusCode:{raw_status}" if raw_status else None,
    )
