"""Which PO numbers the store knows before a batch of new orders is written
(`orders.po_numbers_with_history`): the buyer's orders, and promises or shipped lines still
waiting for their order; nothing of another buyer, of the other test flag, or linked."""

from __future__ import annotations

from decimal import Decimal

from app.services.orders import po_numbers_with_history
from app.store.models import Order, OrderLine, Promise, Shipment, ShipmentLine


def test_orders_and_waiting_promises_and_shipped_lines_are_history(
        session, northwind, acme, context) -> None:
    ctx = context(northwind, acme)
    order = Order(buyer_id=northwind.id, po_number="PO-1", purpose="original", test=False,
                  message_id=ctx.message_id, revision=1, status="open")
    other_buyer = Order(buyer_id=acme.id, po_number="PO-2", purpose="original", test=False,
                        message_id=ctx.message_id, revision=1, status="open")
    test_order = Order(buyer_id=northwind.id, po_number="PO-3", purpose="original",
                       test=True, message_id=ctx.message_id, revision=1, status="open")
    session.add_all([order, other_buyer, test_order])
    session.flush()
    line = OrderLine(order_id=order.id, line_number="1", quantity=Decimal(1), uom="EA",
                     message_id=ctx.message_id)
    session.add(line)
    session.flush()

    def promise(po: str, *, linked: bool = False) -> Promise:
        return Promise(buyer_id=northwind.id, supplier_id=acme.id, po_number=po,
                       line_number="1", version=1, status="accepted",
                       order_line_id=line.id if linked else None,
                       message_id=ctx.message_id, test=False)

    shipment = Shipment(shipment_number="SH-1", buyer_id=northwind.id, supplier_id=acme.id,
                        message_id=ctx.message_id, test=False)
    session.add_all([promise("PO-4"), promise("PO-5", linked=True), shipment])
    session.flush()

    def shipped(po: str, *, linked: bool = False) -> ShipmentLine:
        return ShipmentLine(shipment_id=shipment.id, po_number=po, quantity_shipped=Decimal(1),
                            uom="EA", order_line_id=line.id if linked else None,
                            message_id=ctx.message_id, test=False)

    session.add_all([shipped("PO-6"), shipped("PO-7", linked=True)])
    session.flush()

    wanted = [f"PO-{n}" for n in range(1, 9)]
    assert po_numbers_with_history(session, northwind, wanted, False) == {
        "PO-1", "PO-4", "PO-6"}
    assert po_numbers_with_history(session, northwind, wanted, True) == {"PO-3"}
    assert po_numbers_with_history(session, acme, wanted, False) == {"PO-2"}


def test_more_po_numbers_than_one_query_takes(session, northwind, acme, context) -> None:
    ctx = context(northwind, acme)
    session.add_all([Order(buyer_id=northwind.id, po_number=f"PO-{n}", purpose="original",
                           test=False, message_id=ctx.message_id, revision=1, status="open")
                     for n in (0, 499, 500, 1200)])
    session.flush()
    wanted = [f"PO-{n}" for n in range(1201)] + ["PO-0"]
    assert po_numbers_with_history(session, northwind, wanted, False) == {
        "PO-0", "PO-499", "PO-500", "PO-1200"}
    assert po_numbers_with_history(session, northwind, [], False) == set()
