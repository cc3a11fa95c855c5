"""X12 850 mapping rules, on literal messages: exact values, errors with code and location."""

from __future__ import annotations

from decimal import Decimal

import pytest

import edi
from adapters import MappingError
from adapters.x12_850 import map_message

ISA = ("ISA*00*          *00*          *ZZ*NORTHWIND      *ZZ*ACMEFOODS      "
       "*261120*1200*U*00401*000000101*0*P*>~")


def message(*body: str) -> edi.Message:
    segments = ["ST*850*0001", *body, f"SE*{len(body) + 2}*0001"]
    text = (ISA + "GS*PO*NORTHWIND*ACMEFOODS*20261120*1200*101*X*004010~"
            + "~".join(segments) + "~GE*1*101~IEA*1*000000101~")
    [msg] = edi.parse(text.encode()).messages
    assert msg.accepted, msg.issues
    return msg


def test_beg_purpose_codes_map_to_order_purposes() -> None:
    for code, purpose in (("00", "original"), ("01", "cancel"), ("05", "replace"),
                          ("04", "change")):
        [doc] = map_message(message(f"BEG*{code}*SA*PO1**20261120", "PO1*1*1*EA")).documents
        assert doc.purpose == purpose


def test_cancel_needs_no_lines() -> None:
    [doc] = map_message(message("BEG*01*SA*PO1**20261120")).documents
    assert doc.purpose == "cancel" and doc.lines == ()


def test_unknown_purpose_is_an_element_error_at_beg01() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("BEG*99*SA*PO1**20261120", "PO1*1*1*EA"))
    issue = caught.value.issue
    assert (issue.code, issue.scope.value) == ("7", "element")
    assert (issue.location.segment_tag, issue.location.segment_number,
            issue.location.element) == ("BEG", 2, 1)


def test_missing_po_number_is_mandatory_element_missing_at_beg03() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("BEG*00*SA***20261120", "PO1*1*1*EA"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("1", "BEG", 3)


def test_impossible_date_is_invalid_date_at_beg05() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("BEG*00*SA*PO1**20261341", "PO1*1*1*EA"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("8", "BEG", 5)


def test_upc_with_a_wrong_check_digit_is_rejected_where_it_stands() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("BEG*00*SA*PO1**20261120", "PO1*1*1*EA***UP*012345678901"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number,
            issue.location.element) == ("7", "PO1", 3, 7)


def test_non_numeric_quantity_is_an_element_error_at_po102() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("BEG*00*SA*PO1**20261120", "PO1*1*ten*EA"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("6", "PO1", 2)


def test_missing_beg_is_a_mandatory_segment_error() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("PO1*1*1*EA"))
    assert (caught.value.issue.code, caught.value.issue.scope.value) == ("3", "segment")


def test_upc_ean_and_gtin14_normalise_to_the_same_gtin() -> None:
    [doc] = map_message(message(
        "BEG*00*SA*PO1**20261120",
        "PO1*1*1*EA***UP*012345678905",
        "PO1*2*1*EA***EN*0012345678905",
        "PO1*3*1*EA***UK*00012345678905",
    )).documents
    assert {line.product.gtin for line in doc.lines} == {"00012345678905"}


def test_cases_convert_to_eaches_with_the_pack_size() -> None:
    [doc] = map_message(message("BEG*00*SA*PO1**20261120", "PO1*1*3*CA*10", "PO4*24")).documents
    [line] = doc.lines
    assert (line.quantity, line.uom, line.pack_size, line.base_quantity) == (
        Decimal(3), "CA", Decimal(24), Decimal(72))
    assert line.unit_price == Decimal("10")


def test_ctt_count_mismatch_is_a_warning_not_a_rejection() -> None:
    mapped = map_message(message("BEG*00*SA*PO1**20261120", "PO1*1*1*EA", "CTT*2"))
    [warning] = mapped.issues
    assert warning.severity.value == "warning"
    assert (warning.location.segment_tag, warning.location.element) == ("CTT", 1)
    assert len(mapped.documents) == 1


def test_parties_keep_scheme_and_location_codes() -> None:
    [doc] = map_message(message(
        "BEG*00*SA*PO1**20261120",
        "N1*BY*Northwind*UL*0614141000012",
        "N1*ST*Reno DC*92*DC-RENO",
        "N1*SE*Acme*1*123456789",
        "PO1*1*1*EA",
    )).documents
    assert doc.party("buyer").scheme == "GLN"
    assert doc.party("ship_to").location_code == "DC-RENO"
    assert (doc.party("seller").scheme, doc.party("seller").value) == ("DUNS", "123456789")
