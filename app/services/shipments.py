"""Ship notices: each shipped line linked to the order line it ships, when the order is
known; otherwise kept with its PO and line number and linked when the order arrives."""

from __future__ import annotations

from app.services import parties
from app.services.orders import match_line
from app.services.parties import FactContext
from app.store import order as order_store
from app.store import shipment as shipment_store
from app.store.models import Interaction, Partner, Shipment, ShipmentLine
from schemas.documents import ShipNoticeDoc


def apply_ship_notice(session, doc: ShipNoticeDoc, ctx: FactContext) -> Shipment | None:
    supplier = ctx.sender
    buyer = parties.counterparty(session, doc.party("buyer"), ctx, role="distributor")
    earlier = shipment_store.get_by_number(session, supplier.id, doc.shipment_number, ctx.test)
    if earlier is not None:  # a replace or cancel supersedes the earlier notice
        shipment_store.delete(session, earlier)
    if doc.purpose == "cancel":
        _interaction(session, doc, ctx, buyer, "cancelled")
        return None
    ship_to_ref = doc.party("ship_to")
    ship_to = (parties.resolve_location(session, ship_to_ref, buyer)
               if ship_to_ref is not None and buyer is not None else None)
    shipment = shipment_store.add(session, Shipment(
        shipment_number=doc.shipment_number, supplier_id=supplier.id,
        buyer_id=buyer.id if buyer else None, ship_to_id=ship_to.id if ship_to else None,
        shipped_at=doc.shipped_on, estimated_delivery=doc.estimated_delivery,
        carrier=doc.carrier, bill_of_lading=doc.bill_of_lading,
        message_id=ctx.message_id, segment_number=doc.segment_number, test=ctx.test,
    ))
    orders: dict[str, object] = {}
    for ld in doc.lines:
        product = parties.resolve_product(session, ld.product, supplier)
        parties.claim_product(product, supplier)
        order = None
        if ld.po_number and buyer is not None:
            if ld.po_number not in orders:
                orders[ld.po_number] = order_store.get_by_po(session, buyer.id, ld.po_number,
                                                             ctx.test)
            order = orders[ld.po_number]
        line = match_line(order, ld.line_number, product.id if product else None)
        base = ld.quantity_shipped * ld.pack_size if ld.pack_size else (
            ld.quantity_shipped if ld.uom in ("EA", "PCE", "C62") else None)
        shipment.lines.append(ShipmentLine(
            order_line_id=line.id if line else None, po_number=ld.po_number,
            line_number=ld.line_number or (line.line_number if line else None),
            product_id=product.id if product else None,
            quantity_shipped=ld.quantity_shipped, quantity_ordered=ld.quantity_ordered,
            uom=ld.uom, base_quantity=base, message_id=ctx.message_id,
            segment_number=ld.segment_number, raw_qualifier=ld.raw_qualifier, test=ctx.test,
        ))
    session.flush()
    _interaction(session, doc, ctx, buyer, "shipped")
    return shipment


def _interaction(session, doc: ShipNoticeDoc, ctx: FactContext, buyer: Partner | None,
                 what: str) -> None:
    """On the customer's timeline: the buyer the goods go to."""
    pos = sorted({ld.po_number for ld in doc.lines if ld.po_number})
    reference = f"shipment {doc.shipment_number} {what}" + (f" for {', '.join(pos)}" if pos
                                                            else "")
    session.add(Interaction(
        partner_id=buyer.id if buyer else ctx.sender.id, kind="shipment",
        occurred_at=ctx.when(doc.shipped_on),
        reference=reference[:120], message_id=ctx.message_id, test=ctx.test,
    ))
