"""OASIS UBL 2.0 / 2.1 DespatchAdvice -> `ShipNoticeDoc`.

cbc:ID is the shipment number. The ship date is
cac:Shipment/cac:Delivery/cac:Despatch/cbc:ActualDespatchDate when sent, else cbc:IssueDate
(a despatch advice is issued when the goods leave). The expected delivery is
cac:Shipment/cac:Delivery/cac:EstimatedDeliveryPeriod (else PromisedDeliveryPeriod, else
RequestedDeliveryPeriod) start date. The carrier is the first CarrierParty of the shipment
(Delivery, ShipmentStage or Consignment): its name, else its identifier. Parties:
cac:DespatchSupplierParty (seller), cac:DeliveryCustomerParty (ship_to),
cac:BuyerCustomerParty (buyer). cac:OrderReference/cbc:ID is the order of every line that
does not name its own. Each cac:DespatchLine is one line: cbc:DeliveredQuantity@unitCode
(shipped), cac:OrderLineReference/cbc:LineID (+ its cac:OrderReference), cac:Item ids.
"""

from __future__ import annotations

from adapters.common import Mapped
from adapters.xml_common import (
    cac,
    cbc,
    child_text,
    first,
    missing_child,
    required_child,
    text,
    ubl_date,
    ubl_party,
    ubl_path,
    ubl_product,
    ubl_quantity,
    unique,
)
from edi.model import Message
from schemas.documents import ShipmentLineDoc, ShipNoticeDoc

DEFAULT_UOM = "EA"
DELIVERY_PERIODS = ("EstimatedDeliveryPeriod", "PromisedDeliveryPeriod",
                    "RequestedDeliveryPeriod")
CARRIER_PATHS = (
    ubl_path("cac:Delivery", "cac:CarrierParty"),
    ubl_path("cac:ShipmentStage", "cac:CarrierParty"),
    ubl_path("cac:Consignment", "cac:CarrierParty"),
)


def map_message(message: Message) -> Mapped:
    root = message.document
    result = Mapped()
    shipment_id = required_child(root, cbc("ID"), "cbc:ID", "despatch advice number (cbc:ID)")
    po_number = child_text(root, ubl_path("cac:OrderReference", "cbc:ID")) or None
    lines = [_line(line, po_number) for line in root.findall(cac("DespatchLine"))]
    if not lines:
        raise missing_child(root, "cac:DespatchLine", "the despatch advice has no lines")
    shipment = root.find(cac("Shipment"))
    delivery = shipment.find(cac("Delivery")) if shipment is not None else None
    shipped_on = ubl_date(delivery, ubl_path("cac:Despatch", "cbc:ActualDespatchDate"),
                          "actual despatch date")
    result.documents.append(ShipNoticeDoc(
        shipment_number=text(shipment_id),
        purpose="original",
        shipped_on=shipped_on or ubl_date(root, cbc("IssueDate"), "issue date"),
        estimated_delivery=_estimated_delivery(delivery),
        carrier=_carrier(shipment),
        parties=unique((
            ubl_party(root.find(cac("DespatchSupplierParty")), "seller", result.issues),
            ubl_party(root.find(cac("DeliveryCustomerParty")), "ship_to", result.issues),
            ubl_party(root.find(cac("BuyerCustomerParty")), "buyer", result.issues),
        )),
        lines=tuple(lines),
        segment_number=shipment_id.sourceline,
    ))
    return result


def _estimated_delivery(delivery):
    for period in DELIVERY_PERIODS:
        for bound in ("StartDate", "EndDate"):
            found = ubl_date(delivery, ubl_path(f"cac:{period}", f"cbc:{bound}"),
                             "expected delivery date")
            if found is not None:
                return found
    return None


def _carrier(shipment) -> str | None:
    if shipment is None:
        return None
    party = first(*(shipment.find(path) for path in CARRIER_PATHS))
    if party is None:
        return None
    return (child_text(party, ubl_path("cac:PartyName", "cbc:Name"))
            or child_text(party, ubl_path("cac:PartyIdentification", "cbc:ID"))
            or child_text(party, cbc("EndpointID")) or None)


def _line(line, po_number: str | None) -> ShipmentLineDoc:
    shipped, unit = ubl_quantity(line, "DeliveredQuantity", "quantity delivered",
                                 mandatory=True)
    reference = line.find(cac("OrderLineReference"))
    return ShipmentLineDoc(
        po_number=child_text(reference, ubl_path("cac:OrderReference", "cbc:ID")) or po_number,
        line_number=child_text(reference, cbc("LineID")) or None,
        product=ubl_product(line.find(cac("Item"))),
        quantity_shipped=shipped,
        uom=unit or DEFAULT_UOM,
        segment_number=line.sourceline,
        raw_qualifier="DespatchLine",
    )
