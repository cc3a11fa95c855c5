"""Pure mappings from parsed messages to canonical documents, in one explicit registry.

An adapter is `map_message(message: edi.Message) -> adapters.common.Mapped`; it raises
`adapters.common.MappingError` (carrying a located issue) when the message cannot be mapped.
"""

from __future__ import annotations

from collections.abc import Callable

from adapters import (
    cxml_confirmation_request,
    cxml_invoice_detail_request,
    cxml_order_request,
    cxml_product_activity_message,
    cxml_ship_notice_request,
    edifact_contrl,
    edifact_delfor,
    edifact_desadv,
    edifact_invoic,
    edifact_invrpt,
    edifact_orders,
    edifact_ordrsp,
    edifact_slsrpt,
    ubl_despatch_advice,
    ubl_invoice,
    ubl_order,
    ubl_order_response,
    x12_810,
    x12_830,
    x12_846,
    x12_850,
    x12_852,
    x12_855,
    x12_856,
    x12_867,
    x12_997,
)
from adapters.common import Mapped, MappingError
from edi.model import Message, Standard

Adapter = Callable[[Message], Mapped]

REGISTRY: dict[tuple[Standard, str], Adapter] = {
    (Standard.EDIFACT, "ORDERS"): edifact_orders.map_message,
    (Standard.EDIFACT, "ORDRSP"): edifact_ordrsp.map_message,
    (Standard.EDIFACT, "DESADV"): edifact_desadv.map_message,
    (Standard.EDIFACT, "SLSRPT"): edifact_slsrpt.map_message,
    (Standard.EDIFACT, "INVRPT"): edifact_invrpt.map_message,
    (Standard.EDIFACT, "INVOIC"): edifact_invoic.map_message,
    (Standard.EDIFACT, "DELFOR"): edifact_delfor.map_message,
    (Standard.EDIFACT, "CONTRL"): edifact_contrl.map_message,
    (Standard.X12, "850"): x12_850.map_message,
    (Standard.X12, "855"): x12_855.map_message,
    (Standard.X12, "856"): x12_856.map_message,
    (Standard.X12, "852"): x12_852.map_message,
    (Standard.X12, "846"): x12_846.map_message,
    (Standard.X12, "867"): x12_867.map_message,
    (Standard.X12, "810"): x12_810.map_message,
    (Standard.X12, "830"): x12_830.map_message,
    (Standard.X12, "997"): x12_997.map_message,
    (Standard.X12, "999"): x12_997.map_message,
    (Standard.XML, "cxml:OrderRequest"): cxml_order_request.map_message,
    (Standard.XML, "cxml:ConfirmationRequest"): cxml_confirmation_request.map_message,
    (Standard.XML, "cxml:ShipNoticeRequest"): cxml_ship_notice_request.map_message,
    (Standard.XML, "cxml:InvoiceDetailRequest"): cxml_invoice_detail_request.map_message,
    (Standard.XML, "cxml:ProductActivityMessage"): cxml_product_activity_message.map_message,
    (Standard.XML, "ubl:Order"): ubl_order.map_message,
    (Standard.XML, "ubl:OrderResponse"): ubl_order_response.map_message,
    (Standard.XML, "ubl:OrderResponseSimple"): ubl_order_response.map_message,
    (Standard.XML, "ubl:DespatchAdvice"): ubl_despatch_advice.map_message,
    (Standard.XML, "ubl:Invoice"): ubl_invoice.map_message,
}


def adapter_for(message: Message) -> Adapter | None:
    return REGISTRY.get((message.standard, message.type))


__all__ = ["REGISTRY", "Adapter", "Mapped", "MappingError", "adapter_for"]
