"""cXML InvoiceDetailRequest -> `InvoiceDoc`.

InvoiceDetailRequestHeader gives the invoice number (@invoiceID), date (@invoiceDate) and
purpose (@purpose standard / creditMemo / lineLevelCreditMemo / debitMemo /
lineLevelDebitMemo; @operation delete cancels an earlier invoice). Each InvoiceDetailOrder
names one order (InvoiceDetailOrderInfo: OrderReference@orderID, else OrderIDInfo@orderID)
and lists InvoiceDetailItem lines: @invoiceLineNumber, @quantity, UnitOfMeasure,
UnitPrice/Money, SubtotalAmount/Money (the line amount), InvoiceDetailItemReference (ItemID,
Description, ManufacturerPartID). The document's po_number is the first order's.
InvoiceDetailSummary gives the total: DueAmount, else NetAmount, else GrossAmount (an empty
Money is skipped with a warning). The invoicing supplier is Header/From, the buyer Header/To.
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
from schemas.documents import InvoiceDoc, InvoiceLineDoc

PAYLOAD = "InvoiceDetailRequest"
HEADER = "InvoiceDetailRequestHeader"
PURPOSES = {
    "standard": "original",
    "creditMemo": "credit",
    "lineLevelCreditMemo": "credit",
    "debitMemo": "original",
    "lineLevelDebitMemo": "original",
}
# InvoiceDetailSummary amounts, in order of preference for the total due.
TOTALS = ("DueAmount", "NetAmount", "GrossAmount")
DEFAULT_UOM = "EA"


def map_message(message: Message) -> Mapped:
    result = Mapped()
    payload = cxml_payload(message, PAYLOAD)
    header = payload.find(HEADER)
    if header is None:
        raise error(payload, XML_MISSING, f"{HEADER} is missing", f"{PAYLOAD}/{HEADER}")
    invoice_id = required_attr(header, "invoiceID", "invoice number")
    kind = attr(header, "purpose") or "standard"
    purpose = PURPOSES.get(kind)
    if purpose is None:
        raise error(header, XML_INVALID_VALUE,
                    f"invoice purpose {kind!r} is not one of {sorted(PURPOSES)}",
                    attr_tag(header, "purpose"))
    if attr(header, "operation") == "delete":
        purpose = "cancel"

    lines: list[InvoiceLineDoc] = []
    po_numbers: list[str] = []
    for order in payload.findall("InvoiceDetailOrder"):
        po_number = _order_id(order)
        if po_number:
            po_numbers.append(po_number)
        lines.extend(_line(item, po_number, result.issues)
                     for item in order.findall("InvoiceDetailItem"))
    total, currency = _total(payload.find("InvoiceDetailSummary"), result.issues)
    if currency is None:
        currency = next((c for item in payload.iterfind("InvoiceDetailOrder/InvoiceDetailItem")
                         for c in [cxml_money(item.find("UnitPrice"), "price")[1]] if c), None)
    result.documents.append(InvoiceDoc(
        invoice_number=invoice_id,
        invoice_date=attr_date(header, "invoiceDate", "invoice date"),
        purpose=purpose,
        po_number=po_numbers[0] if po_numbers else None,
        currency=currency,
        total=total,
        parties=unique((
            cxml_credential_party(message, "From", "seller"),
            cxml_credential_party(message, "To", "buyer"),
        )),
        lines=tuple(lines),
        segment_number=header.sourceline,
    ))
    return result


def _order_id(order) -> str | None:
    info = order.find("InvoiceDetailOrderInfo")
    if info is None:
        return None
    for path in ("OrderReference", "OrderIDInfo"):
        element = info.find(path)
        if element is not None and attr(element, "orderID"):
            return attr(element, "orderID")
    return None


def _line(item, po_number: str | None, issues: list[Issue]) -> InvoiceLineDoc:
    reference = item.find("InvoiceDetailItemReference")
    price, _ = cxml_money(item.find("UnitPrice"), "unit price")
    amount, _ = cxml_money(item.find("SubtotalAmount"), "line amount")
    return InvoiceLineDoc(
        line_number=required_attr(item, "invoiceLineNumber", "invoice line number"),
        product=cxml_product(reference.find("ItemID") if reference is not None else None,
                             reference, issues, holder=item),
        quantity=attr_decimal(item, "quantity", "quantity invoiced", mandatory=True),
        uom=child_text(item, "UnitOfMeasure") or DEFAULT_UOM,
        unit_price=price,
        amount=amount,
        po_number=po_number,
        segment_number=item.sourceline,
    )


def _total(summary, issues: list[Issue]) -> tuple[Decimal | None, str | None]:
    if summary is None:
        return None, None
    currency = None
    for name in TOTALS:
        holder = summary.find(name)
        if holder is None:
            continue
        amount, found_currency = cxml_money(holder, name)
        currency = currency or found_currency
        if amount is not None:
            return amount, found_currency
        issues.append(warning(holder, XML_INVALID_VALUE, f"{name}/Money is empty; no total"))
    _, subtotal_currency = cxml_money(summary.find("SubtotalAmount"), "subtotal")
    return None, currency or subtotal_currency
