"""X12 810 mapping rules, on literal messages: exact values, errors with code and location."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import edi
from adapters import MappingError
from adapters.x12_810 import map_message

ISA = ("ISA*00*          *00*          *ZZ*ACMEFOODS      *ZZ*NORTHWIND      "
       "*261128*1700*U*00401*000002701*0*P*>~")


def message(*body: str) -> edi.Message:
    segments = ["ST*810*0001", *body, f"SE*{len(body) + 2}*0001"]
    text = (ISA + "GS*IN*ACMEFOODS*NORTHWIND*20261128*1700*2701*X*004010~"
            + "~".join(segments) + "~GE*1*2701~IEA*1*000002701~")
    [msg] = edi.parse(text.encode()).messages
    assert msg.accepted, msg.issues
    return msg


BIG = "BIG*20261128*INV-900123*20261120*PO-4500012345"


def test_big_and_lines_and_tds_total_with_two_implied_decimals() -> None:
    mapped = map_message(message(
        BIG, "CUR*SE*USD", "N1*SE*Acme*UL*0761234000012", "N1*RI*Lockbox*ZZ*ACME-LOCKBOX",
        "IT1*1*10*CA*24.50**UP*012345678905*VN*ACM-100", "IT1*2*24*EA*2.15**EN*4006381333931",
        "TDS*29660", "CTT*2"))
    [doc] = mapped.documents
    assert mapped.issues == []
    assert (doc.invoice_number, doc.invoice_date, doc.po_number, doc.purpose, doc.currency,
            doc.total) == ("INV-900123", date(2026, 11, 28), "PO-4500012345", "original", "USD",
                           Decimal("296.60"))
    assert (doc.party("seller").scheme, doc.party("remit_to").location_code) == (
        "GLN", "ACME-LOCKBOX")
    first, second = doc.lines
    assert (first.line_number, first.quantity, first.uom, first.unit_price, first.amount,
            first.po_number, first.product.gtin, first.product.vendor_part,
            first.segment_number) == (
        "1", Decimal(10), "CA", Decimal("24.50"), Decimal("245.00"), "PO-4500012345",
        "00012345678905", "ACM-100", 6)
    assert second.amount == Decimal("51.60")


def test_tds_12345_means_123_45() -> None:
    [doc] = map_message(message(BIG, "IT1*1*1*EA*123.45", "TDS*12345")).documents
    assert doc.total == Decimal("123.45")


def test_big07_cr_is_a_credit_and_big08_cancel_or_replace_wins() -> None:
    [doc] = map_message(message("BIG*20261202*CM-1*20261120*PO-1***CR", "IT1**1*EA",
                                "TDS*0")).documents
    assert doc.purpose == "credit"
    [doc] = map_message(message("BIG*20261202*INV-2*20261120*PO-1***DI*05", "IT1**1*EA",
                                "TDS*0")).documents
    assert doc.purpose == "replace"
    [doc] = map_message(message("BIG*20261202*INV-2*20261120*PO-1***CR*01", "TDS*0"))\
        .documents
    assert doc.purpose == "cancel"


def test_line_ref_po_overrides_the_invoice_po() -> None:
    [doc] = map_message(message(BIG, "IT1*1*1*EA", "IT1*2*1*EA", "REF*PO*PO-OTHER",
                                "TDS*0")).documents
    assert [ln.po_number for ln in doc.lines] == ["PO-4500012345", "PO-OTHER"]


def test_tds_with_a_decimal_point_is_invalid_character_at_tds01() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BIG, "IT1*1*1*EA", "TDS*123.45"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number,
            issue.location.element) == ("6", "TDS", 4, 1)


def test_missing_tds_is_a_warning() -> None:
    mapped = map_message(message(BIG, "IT1*1*1*EA"))
    [warning] = mapped.issues
    assert (warning.code, warning.location.segment_tag) == ("TDS-missing", "BIG")
    assert mapped.documents[0].total is None


def test_missing_invoice_number_is_mandatory_element_missing_at_big02() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("BIG*20261128**20261120*PO-1", "TDS*0"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("1", "BIG", 2)


def test_bad_invoice_date_is_invalid_date_at_big01() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("BIG*20261128X*INV-1", "TDS*0"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("8", "BIG", 1)


def test_missing_unit_is_mandatory_element_missing_at_it103() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BIG, "IT1*1*10", "TDS*0"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number,
            issue.location.element) == ("1", "IT1", 3, 3)


def test_upc_with_wrong_check_digit_is_rejected_at_it1() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BIG, "IT1*1*10*EA*1.00**UP*012345678904", "TDS*1000"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("7", "IT1", 7)


def test_ctt_count_mismatch_is_a_warning() -> None:
    mapped = map_message(message(BIG, "IT1*1*1*EA", "TDS*0", "CTT*3"))
    [warning] = mapped.issues
    assert (warning.code, warning.location.segment_tag) == ("CTT01", "CTT")
