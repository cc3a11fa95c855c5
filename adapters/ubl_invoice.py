"""OASIS UBL 2.0 / 2.1 Invoice -> `InvoiceDoc`.

cbc:ID is the invoice number, cbc:IssueDate its date, cbc:InvoiceTypeCode the purpose
(UNCL 1001: 380 commercial invoice -> original, 381 credit note -> credit, 384 corrected
invoice -> replace; UBL 2.0 free text such as `SalesInvoice` -> original),
cbc:DocumentCurrencyCode the currency (else the first currencyID), cac:OrderReference/cbc:ID
the order, cac:LegalMonetaryTotal/cbc:PayableAmount the total due. The seller is
cac:AccountingSupplierParty, the buyer cac:AccountingCustomerParty. Each cac:InvoiceLine is
one line: cbc:ID, cbc:InvoicedQuantity@unitCode, cbc:LineExtensionAmount (the line amount),
cac:Price/cbc:PriceAmount, cac:Item ids, and its order from
cac:OrderLineReference/cac:OrderReference/cbc:ID (else the document's).
Namespace prefixes are free (`Bob:Invoice`, `Harry:ID`): everything is found by namespace.
"""

from __future__ import annotations

from adapters.common import Mapped
from adapters.xml_common import (
    cac,
    cbc,
    child_text,
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
from edi.model import Message
from schemas.documents import InvoiceDoc, InvoiceLineDoc

TYPE_CODES = {"380": "original", "381": "credit", "384": "replace", "383": "original",
              "386": "original", "389": "original", "261": "credit", "396": "credit"}
DEFAULT_UOM = "EA"


def map_message(message: Message) -> Mapped:
    root = message.document
    result = Mapped()
    invoice_id = required_child(root, cbc("ID"), "cbc:ID", "invoice number (cbc:ID)")
    po_number = child_text(root, ubl_path("cac:OrderReference", "cbc:ID")) or None
    lines = [_line(line, po_number) for line in root.findall(cac("InvoiceLine"))]
    if not lines:
        raise missing_child(root, "cac:InvoiceLine", "the invoice has no cac:InvoiceLine")
    type_code = child_text(root, cbc("InvoiceTypeCode"))
    result.documents.append(InvoiceDoc(
        invoice_number=text(invoice_id),
        invoice_date=ubl_date(root, cbc("IssueDate"), "issue date"),
        purpose=TYPE_CODES.get(type_code, "original"),
        po_number=po_number,
        currency=ubl_currency(root),
        total=text_decimal(root.find(ubl_path("cac:LegalMonetaryTotal", "cbc:PayableAmount")),
                           "payable amount"),
        parties=unique((
            ubl_party(root.find(cac("AccountingSupplierParty")), "seller", result.issues),
            ubl_party(root.find(cac("AccountingCustomerParty")), "buyer", result.issues),
        )),
        lines=tuple(lines),
        segment_number=invoice_id.sourceline,
    ))
    return result


def _line(line, po_number: str | None) -> InvoiceLineDoc:
    quantity, unit = ubl_quantity(line, "InvoicedQuantity", "quantity invoiced",
                                  mandatory=True)
    line_po = child_text(line, ubl_path("cac:OrderLineReference", "cac:OrderReference",
                                        "cbc:ID"))
    return InvoiceLineDoc(
        line_number=text(required_child(line, cbc("ID"), "cbc:ID", "line number (cbc:ID)")),
        product=ubl_product(line.find(cac("Item"))),
        quantity=quantity,
        uom=unit or DEFAULT_UOM,
        unit_price=text_decimal(line.find(ubl_path("cac:Price", "cbc:PriceAmount")),
                                "unit price"),
        amount=text_decimal(line.find(cbc("LineExtensionAmount")), "line amount"),
        po_number=line_po or po_number,
        segment_number=line.sourceline,
    )
