"""X12 846 mapping rules, on literal messages: exact values, errors with code and location."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import edi
from adapters import MappingError
from adapters.x12_846 import map_message

ISA = ("ISA*00*          *00*          *ZZ*NORTHWIND      *ZZ*ACMEFOODS      "
       "*261122*0610*U*00401*000002501*0*P*>~")


def message(*body: str) -> edi.Message:
    segments = ["ST*846*0001", *body, f"SE*{len(body) + 2}*0001"]
    text = (ISA + "GS*IB*NORTHWIND*ACMEFOODS*20261122*0610*2501*X*004010~"
            + "~".join(segments) + "~GE*1*2501~IEA*1*000002501~")
    [msg] = edi.parse(text.encode()).messages
    assert msg.accepted, msg.issues
    return msg


BIA = "BIA*00*DD*INV-1*20261122"
LIN = "LIN*1*UP*012345678905*VN*ACM-100"


def test_qty_17_and_33_give_on_hand_and_available_as_of_bia04() -> None:
    [doc] = map_message(message(BIA, "N1*WH*Reno DC*92*DC-RENO", LIN, "QTY*17*320*EA",
                                "QTY*33*290*EA", "QTY*63*48*EA")).documents
    assert (doc.report_number, doc.report_date) == ("INV-1", date(2026, 11, 22))
    [inv] = doc.inventory
    assert (inv.location.location_code, inv.product.gtin, inv.as_of, inv.on_hand,
            inv.available, inv.on_order, inv.uom, inv.segment_number, inv.raw_qualifier) == (
        "DC-RENO", "00012345678905", date(2026, 11, 22), Decimal(320), Decimal(290),
        Decimal(48), "EA", 5, "QTY:17,QTY:33,QTY:63")
    assert doc.sales == ()


def test_dtm_184_overrides_the_as_of_date() -> None:
    [doc] = map_message(message(BIA, "DTM*184*20261121", LIN, "QTY*17*3*EA")).documents
    assert doc.inventory[0].as_of == date(2026, 11, 21)
    [doc] = map_message(message(BIA, LIN, "DTM*184*20261120", "QTY*17*3*EA")).documents
    assert doc.inventory[0].as_of == date(2026, 11, 20)


def test_sdq_after_qty_splits_it_by_location() -> None:
    [doc] = map_message(message(
        BIA, LIN, "QTY*17*84", "SDQ*EA*UL*0761234000036*44*0761234000043*40",
        "QTY*33*76", "SDQ*EA*UL*0761234000036*40*0761234000043*36")).documents
    assert [(i.location.scheme, i.location.value, i.on_hand, i.available, i.raw_qualifier)
            for i in doc.inventory] == [
        ("GLN", "0761234000036", Decimal(44), Decimal(40), "QTY:17/SDQ,QTY:33/SDQ"),
        ("GLN", "0761234000043", Decimal(40), Decimal(36), "QTY:17/SDQ,QTY:33/SDQ")]


def test_uit_gives_the_unit_when_qty03_is_empty() -> None:
    [doc] = map_message(message(BIA, LIN, "UIT*CA", "QTY*17*4")).documents
    assert doc.inventory[0].uom == "CA"


def test_unknown_qty_qualifier_is_a_warning() -> None:
    mapped = map_message(message(BIA, LIN, "QTY*02*1200*EA"))
    [warning] = mapped.issues
    assert (warning.code, warning.location.segment_tag, warning.location.segment_number,
            warning.location.element) == ("QTY-unmapped", "QTY", 4, 1)
    assert mapped.documents[0].inventory == ()


def test_missing_report_date_is_mandatory_element_missing_at_bia04() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("BIA*00*DD*INV-1", LIN, "QTY*17*1*EA"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("1", "BIA", 4)


def test_bad_report_date_is_invalid_date_at_bia04() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("BIA*00*DD*INV-1*20260229", LIN, "QTY*17*1*EA"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("8", "BIA", 4)


def test_non_numeric_quantity_is_invalid_character_at_qty02() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BIA, LIN, "QTY*17*lots*EA"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number,
            issue.location.element) == ("6", "QTY", 4, 2)


def test_gtin_with_wrong_check_digit_is_rejected_at_lin() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BIA, "LIN*1*UP*012345678906", "QTY*17*1*EA"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("7", "LIN", 3)


def test_missing_bia_is_a_mandatory_segment_error() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(LIN, "QTY*17*1*EA"))
    assert (caught.value.issue.code, caught.value.issue.scope.value) == ("3", "segment")
