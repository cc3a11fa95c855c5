"""Invoices: the revenue side of a customer's record."""

from __future__ import annotations

from app.services import parties
from app.services.parties import FactContext
from app.store import invoice as invoice_store
from app.store import order as order_store
from app.store.models import Interaction, Invoice, InvoiceLine
from schemas.documents import InvoiceDoc


def apply_invoice(session, doc: InvoiceDoc, ctx: FactContext) -> Invoice:
    seller = ctx.sender
    buyer = parties.counterparty(session, doc.party("buyer"), ctx, role="distributor")
    invoice = invoice_store.get_by_number(session, seller.id, doc.invoice_number, ctx.test)
    if invoice is None:
        invoice = invoice_store.add(session, Invoice(
            invoice_number=doc.invoice_number, seller_id=seller.id, purpose=doc.purpose,
            message_id=ctx.message_id, test=ctx.test))
    else:
        invoice.lines.clear()
    order = (order_store.get_by_po(session, buyer.id, doc.po_number, ctx.test)
             if buyer is not None and doc.po_number else None)
    invoice.invoice_date = doc.invoice_date
    invoice.purpose = doc.purpose
    invoice.buyer_id = buyer.id if buyer else None
    invoice.po_number = doc.po_number
    invoice.order_id = order.id if order else None
    invoice.currency = doc.currency
    invoice.total = doc.total
    invoice.message_id = ctx.message_id
    invoice.segment_number = doc.segment_number
    for ld in doc.lines:
        product = parties.resolve_product(session, ld.product, seller)
        parties.claim_product(product, seller)
        invoice.lines.append(InvoiceLine(
            line_number=ld.line_number, product_id=product.id if product else None,
            quantity=ld.quantity, uom=ld.uom, unit_price=ld.unit_price, amount=ld.amount,
            po_number=ld.po_number or doc.po_number, message_id=ctx.message_id,
            segment_number=ld.segment_number, test=ctx.test,
        ))
    session.flush()
    session.add(Interaction(  # on the customer's timeline: the buyer invoiced
        partner_id=buyer.id if buyer else ctx.sender.id, kind="invoice",
        occurred_at=ctx.when(doc.invoice_date),
        reference=f"invoice {doc.invoice_number}" + (f" for PO {doc.po_number}"
                                                     if doc.po_number else ""),
        amount=doc.total, currency=doc.currency, message_id=ctx.message_id, test=ctx.test,
    ))
    return invoice
