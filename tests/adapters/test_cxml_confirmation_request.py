"""cXML ConfirmationRequest mapping rules: statuses, split promises, located errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import edi
from adapters import MappingError
from adapters.cxml_confirmation_request import map_message

# ConfirmationHeader is on line 12 of the document built below.
PROLOG = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">
<cXML payloadID="1700000000.2@acmefoods.example" timestamp="2026-11-21T08:00:00+00:00">
<Header>
<From><Credential domain="GLN"><Identity>0614141000005</Identity></Credential></From>
<To><Credential domain="GLN"><Identity>0614141000012</Identity></Credential></To>
<Sender><Credential domain="NetworkID"><Identity>ACMEFOODS</Identity></Credential>
<UserAgent>test</UserAgent></Sender>
</Header>
<Request>
<ConfirmationRequest>
"""
EPILOG = "</ConfirmationRequest></Request></cXML>"
HEADER = ('<ConfirmationHeader type="{kind}" noticeDate="2026-11-21T08:00:00+00:00" '
          'confirmID="C-1"/>\n<OrderReference orderID="PO-1"><DocumentReference '
          'payloadID="1700000000.1@northwind.example"/></OrderReference>\n')
ITEM = """<ConfirmationItem lineNumber="1" quantity="10">
<UnitOfMeasure>EA</UnitOfMeasure>
<ConfirmationStatus type="accept" quantity="6" shipmentDate="2026-11-25" \
deliveryDate="2026-11-27T10:00:00-05:00">
<UnitOfMeasure>EA</UnitOfMeasure></ConfirmationStatus>
<ConfirmationStatus type="backordered" quantity="4" deliveryDate="2026-12-15">
<UnitOfMeasure>EA</UnitOfMeasure></ConfirmationStatus>
</ConfirmationItem>
"""


def message(body: str) -> edi.Message:
    [msg] = edi.parse((PROLOG + body + EPILOG).encode()).messages
    assert msg.type == "cxml:ConfirmationRequest" and msg.accepted, msg.issues
    return msg


def test_header_types_map_to_order_statuses() -> None:
    for kind, status in (("accept", "accepted"), ("reject", "rejected"),
                         ("detail", "changed"), ("allDetail", "changed"),
                         ("except", "changed"), ("backordered", "changed")):
        [doc] = map_message(message(HEADER.format(kind=kind))).documents
        assert (doc.status, doc.raw_status) == (status, kind)


def test_header_values_and_parties() -> None:
    [doc] = map_message(message(HEADER.format(kind="accept"))).documents
    assert (doc.po_number, doc.response_number, doc.response_date) == (
        "PO-1", "C-1", date(2026, 11, 21))
    assert (doc.party("seller").scheme, doc.party("seller").value) == ("GLN", "0614141000005")
    assert (doc.party("buyer").scheme, doc.party("buyer").value) == ("GLN", "0614141000012")
    assert doc.lines == ()


def test_each_confirmation_status_is_one_promise_line() -> None:
    [doc] = map_message(message(HEADER.format(kind="detail") + ITEM)).documents
    now, later = doc.lines
    assert (now.line_number, now.status, now.quantity, now.ordered_quantity, now.uom) == (
        "1", "accepted", Decimal(6), Decimal(10), "EA")
    assert (now.promised_ship, now.promised_delivery) == (date(2026, 11, 25), date(2026, 11, 27))
    assert (later.status, later.raw_status, later.quantity, later.promised_delivery) == (
        "backordered", "backordered", Decimal(4), date(2026, 12, 15))
    assert (now.raw_qualifier, now.segment_number, later.segment_number) == (
        "ConfirmationStatus:accept", 16, 18)


def test_unknown_line_status_is_a_warning_without_a_line() -> None:
    item = ITEM.replace('type="backordered"', 'type="unknown"')
    mapped = map_message(message(HEADER.format(kind="detail") + item))
    [warning] = mapped.issues
    assert (warning.severity.value, warning.location.line, warning.location.segment_tag) == (
        "warning", 18, "ConfirmationStatus/@type")
    assert len(mapped.documents[0].lines) == 1


def test_unrecognised_header_type_is_invalid_value() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER.format(kind="maybe")))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 12, "ConfirmationHeader/@type")


def test_missing_order_id_is_missing_element_at_order_reference() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER.format(kind="accept").replace(' orderID="PO-1"', "")))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "missing-element", 13, "OrderReference/@orderID")


def test_bad_status_quantity_is_invalid_value_where_it_stands() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER.format(kind="detail") + ITEM.replace('"6"', '"6x"')))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 16, "ConfirmationStatus/@quantity")


def test_bad_delivery_date_is_invalid_value_where_it_stands() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER.format(kind="detail")
                            + ITEM.replace("2026-12-15", "2026-12-32")))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 18, "ConfirmationStatus/@deliveryDate")


def test_substitute_item_with_invalid_gtin_is_warned_and_left_out() -> None:
    item = ITEM.replace(
        "<UnitOfMeasure>EA</UnitOfMeasure></ConfirmationStatus>\n<Confirmation",
        '<UnitOfMeasure>EA</UnitOfMeasure><ItemIn quantity="6"><ItemID><SupplierPartID>AC-2'
        '</SupplierPartID><IdReference domain="GTIN" identifier="00012345678906"/></ItemID>'
        "</ItemIn></ConfirmationStatus>\n<Confirmation", 1)
    mapped = map_message(message(HEADER.format(kind="detail") + item))
    [warning] = mapped.issues
    assert (warning.code, warning.location.segment_tag) == ("invalid-value", "IdReference")
    assert mapped.documents[0].lines[0].product.vendor_part == "AC-2"
    assert mapped.documents[0].lines[0].product.gtin is None
