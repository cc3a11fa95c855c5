"""X12 852 mapping rules, on literal messages: exact values, errors with code and location."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import edi
from adapters import MappingError
from adapters.x12_852 import map_message

ISA = ("ISA*00*          *00*          *ZZ*NORTHWIND      *ZZ*ACMEFOODS      "
       "*261122*0600*U*00401*000002401*0*P*>~")


def message(*body: str) -> edi.Message:
    segments = ["ST*852*0001", *body, f"SE*{len(body) + 2}*0001"]
    text = (ISA + "GS*PD*NORTHWIND*ACMEFOODS*20261122*0600*2401*X*004010~"
            + "~".join(segments) + "~GE*1*2401~IEA*1*000002401~")
    [msg] = edi.parse(text.encode()).messages
    assert msg.accepted, msg.issues
    return msg


XQ = "XQ*H*20261115*20261121"
LIN = "LIN**UP*012345678905*VN*ACM-100"


def test_xq_gives_the_period_of_every_sales_line() -> None:
    [doc] = map_message(message(XQ, LIN, "ZA*QS*60*EA")).documents
    assert (doc.period_start, doc.period_end) == (date(2026, 11, 15), date(2026, 11, 21))
    [line] = doc.sales
    assert (line.measure, line.quantity, line.uom, line.period_start, line.period_end,
            line.location, line.product.gtin, line.segment_number, line.raw_qualifier) == (
        "sold", Decimal(60), "EA", date(2026, 11, 15), date(2026, 11, 21), None,
        "00012345678905", 4, "ZA:QS")


def test_sdq_splits_give_one_line_per_store_and_the_total_is_not_added_again() -> None:
    mapped = map_message(message(XQ, LIN, "ZA*QS*60*EA", "SDQ*EA*92*STORE-014*24*STORE-022*36"))
    [doc] = mapped.documents
    assert [(ln.location.scheme, ln.location.value, ln.location.location_code, ln.quantity,
             ln.raw_qualifier, ln.segment_number) for ln in doc.sales] == [
        ("ZZ", "STORE-014", "STORE-014", Decimal(24), "ZA:QS/SDQ", 5),
        ("ZZ", "STORE-022", "STORE-022", Decimal(36), "ZA:QS/SDQ", 5)]
    assert sum(ln.quantity for ln in doc.sales) == Decimal(60)
    assert mapped.issues == []


def test_sdq_with_ul_qualifier_names_stores_by_gln() -> None:
    [doc] = map_message(message(XQ, LIN, "ZA*QS**EA",
                                "SDQ*EA*UL*0614141000050*10*0614141000067*14")).documents
    assert [(ln.location.role, ln.location.scheme, ln.location.value, ln.quantity)
            for ln in doc.sales] == [("location", "GLN", "0614141000050", Decimal(10)),
                                     ("location", "GLN", "0614141000067", Decimal(14))]


def test_splits_over_several_sdq_segments_all_count() -> None:
    [doc] = map_message(message(XQ, LIN, "ZA*QS*5*EA", "SDQ*EA*92*S1*2", "SDQ*EA*92*S2*3"))\
        .documents
    assert [ln.quantity for ln in doc.sales] == [Decimal(2), Decimal(3)]


def test_total_that_differs_from_its_splits_is_a_warning_at_za02() -> None:
    mapped = map_message(message(XQ, LIN, "ZA*QS*25*EA", "SDQ*EA*92*S1*10*S2*14"))
    [warning] = mapped.issues
    assert (warning.severity.value, warning.location.segment_tag,
            warning.location.segment_number, warning.location.element) == (
        "warning", "ZA", 4, 2)
    assert [ln.quantity for ln in mapped.documents[0].sales] == [Decimal(10), Decimal(14)]


@pytest.mark.parametrize(("code", "measure"), [("QS", "sold"), ("Q1", "sold"), ("TS", "sold"),
                                               ("QU", "returned"), ("Q2", "returned"),
                                               ("Q3", "returned"), ("RQ", "returned"),
                                               ("QR", "received")])
def test_za_sales_codes(code: str, measure: str) -> None:
    [doc] = map_message(message(XQ, LIN, f"ZA*{code}*7*EA")).documents
    assert (doc.sales[0].measure, doc.sales[0].raw_qualifier) == (measure, f"ZA:{code}")


def test_inventory_figures_of_one_product_make_one_line_as_of_xq03() -> None:
    [doc] = map_message(message(XQ, LIN, "ZA*QA*310*EA", "ZA*QP*48*EA", "ZA*QI*12*EA",
                                "ZA*QR*24*EA")).documents
    [inv] = doc.inventory
    assert (inv.as_of, inv.on_hand, inv.available, inv.on_order, inv.in_transit,
            inv.received, inv.uom, inv.raw_qualifier) == (
        date(2026, 11, 21), Decimal(310), Decimal(310), Decimal(48), Decimal(12),
        Decimal(24), "EA", "ZA:QA,ZA:QP,ZA:QI,ZA:QR")
    # QR is also a sales-side "received" line
    assert [(ln.measure, ln.quantity) for ln in doc.sales] == [("received", Decimal(24))]


def test_gross_on_hand_wins_over_available_for_on_hand() -> None:
    [doc] = map_message(message(XQ, LIN, "ZA*OH*44*EA", "ZA*QA*40*EA")).documents
    [inv] = doc.inventory
    assert (inv.on_hand, inv.available) == (Decimal(44), Decimal(40))


def test_za_date_gives_the_as_of_date() -> None:
    [doc] = map_message(message(XQ, LIN, "ZA*QA*40*EA*194*20261120")).documents
    assert doc.inventory[0].as_of == date(2026, 11, 20)


def test_inventory_splits_give_one_line_per_store() -> None:
    [doc] = map_message(message(XQ, LIN, "ZA*QA*310*EA", "SDQ*EA*92*S1*140*S2*170")).documents
    assert [(i.location.value, i.on_hand, i.raw_qualifier) for i in doc.inventory] == [
        ("S1", Decimal(140), "ZA:QA/SDQ"), ("S2", Decimal(170), "ZA:QA/SDQ")]


def test_unknown_activity_code_is_a_warning_and_keeps_nothing() -> None:
    mapped = map_message(message(XQ, LIN, "ZA*LS*6*EA"))
    [warning] = mapped.issues
    assert (warning.code, warning.severity.value, warning.location.segment_tag,
            warning.location.element) == ("ZA-unmapped", "warning", "ZA", 1)
    assert (mapped.documents[0].sales, mapped.documents[0].inventory) == ((), ())


def test_single_store_report_uses_the_n1_store_as_location() -> None:
    [doc] = map_message(message(XQ, "N1*RL*Bolt Retail*UL*0761234000029",
                                "N1*SN*Store 36*UL*0761234000036", LIN, "ZA*QS*5*EA")).documents
    assert (doc.party("reporter").value, doc.sales[0].location.value) == (
        "0761234000029", "0761234000036")


def test_missing_za_quantity_without_splits_is_mandatory_element_missing_at_za02() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(XQ, LIN, "ZA*QS**EA"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number,
            issue.location.element) == ("1", "ZA", 4, 2)


def test_non_numeric_store_quantity_is_invalid_character_where_it_stands() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(XQ, LIN, "ZA*QS*5*EA", "SDQ*EA*92*S1*2*S2*three"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number,
            issue.location.element) == ("6", "SDQ", 5, 6)


def test_bad_period_start_is_invalid_date_at_xq02() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("XQ*H*20261315*20261321", LIN, "ZA*QS*5*EA"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("8", "XQ", 2)


def test_period_ending_before_it_starts_is_invalid_date_at_xq03() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("XQ*H*20261121*20261115", LIN, "ZA*QS*5*EA"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("8", "XQ", 3)


def test_missing_period_start_is_mandatory_element_missing_at_xq02() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("XQ*H", LIN, "ZA*QS*5*EA"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("1", "XQ", 2)


def test_gtin_with_wrong_check_digit_is_rejected_at_lin() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(XQ, "LIN**EN*4006381333932", "ZA*QS*5*EA"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number,
            issue.location.element) == ("7", "LIN", 3, 3)


def test_lin_without_usable_id_is_mandatory_element_missing() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(XQ, "LIN**XX*123", "ZA*QS*5*EA"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("1", "LIN", 3)


def test_missing_xq_is_a_mandatory_segment_error() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(LIN, "ZA*QS*5*EA"))
    assert (caught.value.issue.code, caught.value.issue.scope.value) == ("3", "segment")


def test_za_before_any_lin_is_a_mandatory_segment_error() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(XQ, "ZA*QS*5*EA"))
    issue = caught.value.issue
    assert (issue.code, issue.scope.value, issue.location.segment_tag,
            issue.location.segment_number) == ("3", "segment", "ZA", 3)
