"""X12 856 mapping rules, on literal messages: exact values, errors with code and location."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import edi
from adapters import MappingError
from adapters.x12_856 import map_message

ISA = ("ISA*00*          *00*          *ZZ*ACMEFOODS      *ZZ*NORTHWIND      "
       "*261127*1530*U*00401*000002301*0*P*>~")


def message(*body: str) -> edi.Message:
    segments = ["ST*856*0001", *body, f"SE*{len(body) + 2}*0001"]
    text = (ISA + "GS*SH*ACMEFOODS*NORTHWIND*20261127*1530*2301*X*004010~"
            + "~".join(segments) + "~GE*1*2301~IEA*1*000002301~")
    [msg] = edi.parse(text.encode()).messages
    assert msg.accepted, msg.issues
    return msg


BSN = "BSN*00*ASN-1*20261127*1530"


def test_shipment_level_gives_dates_carrier_and_bill_of_lading() -> None:
    [doc] = map_message(message(
        BSN, "HL*1**S", "TD5**2*ODFL*M*Old Dominion", "REF*BM*BOL-9", "DTM*011*20261127",
        "DTM*017*20261201", "N1*ST*Reno DC*92*DC-RENO", "HL*2*1*O", "PRF*PO-1",
        "HL*3*2*I", "LIN*1*UP*012345678905", "SN1**10*CA**12")).documents
    assert (doc.shipment_number, doc.purpose, doc.carrier, doc.bill_of_lading) == (
        "ASN-1", "original", "ODFL", "BOL-9")
    assert (doc.shipped_on, doc.estimated_delivery) == (date(2026, 11, 27), date(2026, 12, 1))
    assert doc.party("ship_to").location_code == "DC-RENO"
    [line] = doc.lines
    assert (line.po_number, line.line_number, line.quantity_shipped, line.quantity_ordered,
            line.uom, line.product.gtin, line.segment_number, line.raw_qualifier) == (
        "PO-1", "1", Decimal(10), Decimal(12), "CA", "00012345678905", 13, "SN1")


def test_carrier_falls_back_to_td505_routing() -> None:
    [doc] = map_message(message(BSN, "HL*1**S", "TD5*****ACME FLEET", "HL*2*1*O", "PRF*PO-1",
                                "HL*3*2*I", "SN1**1*EA")).documents
    assert doc.carrier == "ACME FLEET"


@pytest.mark.parametrize(("code", "purpose"), [("00", "original"), ("01", "cancel"),
                                               ("05", "replace")])
def test_bsn01_purposes(code: str, purpose: str) -> None:
    [doc] = map_message(message(f"BSN*{code}*ASN-1*20261127*1530", "HL*1**S", "HL*2*1*O",
                                "PRF*PO-1", "HL*3*2*I", "SN1**1*EA")).documents
    assert doc.purpose == purpose


def test_items_take_the_po_of_their_parent_order_not_the_nearest_one() -> None:
    # HL 5 is an item of order HL 2, sent after order HL 4 began.
    [doc] = map_message(message(
        BSN, "HL*1**S", "HL*2*1*O", "PRF*PO-A", "HL*3*2*I", "LIN*1*VN*X1", "SN1**1*EA",
        "HL*4*1*O", "PRF*PO-B", "HL*5*2*I", "LIN*2*VN*X2", "SN1**2*EA",
        "HL*6*4*I", "LIN*1*VN*X3", "SN1**3*EA")).documents
    assert [(ln.po_number, ln.product.vendor_part) for ln in doc.lines] == [
        ("PO-A", "X1"), ("PO-A", "X2"), ("PO-B", "X3")]


def test_pick_and_pack_items_find_the_order_through_the_pack_level() -> None:
    [doc] = map_message(message(
        BSN, "HL*1**S", "HL*2*1*O", "PRF*PO-A", "HL*3*2*P", "MAN*GM*00006141410000000011",
        "PO4*12", "HL*4*3*I", "LIN*1*UP*012345678905", "SN1**2*CA")).documents
    [line] = doc.lines
    assert (line.po_number, line.pack_size, line.quantity_shipped) == (
        "PO-A", Decimal(12), Decimal(2))


def test_item_po4_gives_the_pack_size() -> None:
    [doc] = map_message(message(BSN, "HL*1**S", "HL*2*1*O", "PRF*PO-A", "HL*3*2*I",
                                "SN1**4*CA", "PO4*24")).documents
    assert doc.lines[0].pack_size == Decimal(24)


def test_unknown_parent_id_is_an_error_at_hl02() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BSN, "HL*1**S", "HL*2*9*O", "PRF*PO-A", "HL*3*2*I", "SN1**1*EA"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number,
            issue.location.element) == ("7", "HL", 4, 2)


def test_item_without_sn1_is_a_mandatory_segment_error_at_its_hl() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BSN, "HL*1**S", "HL*2*1*O", "PRF*PO-A", "HL*3*2*I",
                            "LIN*1*VN*X1"))
    issue = caught.value.issue
    assert (issue.code, issue.scope.value, issue.location.segment_tag,
            issue.location.segment_number) == ("3", "segment", "HL", 6)


def test_missing_quantity_shipped_is_mandatory_element_missing_at_sn102() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BSN, "HL*1**S", "HL*2*1*O", "PRF*PO-A", "HL*3*2*I", "SN1***EA"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("1", "SN1", 2)


def test_missing_shipment_id_is_mandatory_element_missing_at_bsn02() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("BSN*00**20261127*1530", "HL*1**S"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("1", "BSN", 2)


def test_bad_shipped_date_is_invalid_date_at_dtm02() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BSN, "HL*1**S", "DTM*011*20261327", "HL*2*1*O", "PRF*PO-A",
                            "HL*3*2*I", "SN1**1*EA"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number,
            issue.location.element) == ("8", "DTM", 4, 2)


def test_gtin_with_wrong_check_digit_is_rejected_at_lin() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BSN, "HL*1**S", "HL*2*1*O", "PRF*PO-A", "HL*3*2*I",
                            "LIN*1*UK*05012345678901", "SN1**1*EA"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("7", "LIN", 3)


def test_item_without_order_level_is_kept_with_a_warning() -> None:
    mapped = map_message(message(BSN, "HL*1**S", "HL*2*1*I", "SN1**1*EA"))
    [warning] = mapped.issues
    assert (warning.severity.value, warning.location.segment_tag,
            warning.location.segment_number) == ("warning", "HL", 4)
    assert mapped.documents[0].lines[0].po_number is None


def test_no_item_level_is_a_mandatory_segment_error() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BSN, "HL*1**S", "HL*2*1*O", "PRF*PO-A"))
    assert (caught.value.issue.code, caught.value.issue.scope.value) == ("3", "segment")
