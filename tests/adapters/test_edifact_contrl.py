"""EDIFACT CONTRL mapping rules, on literal reports: exact values, errors with code and
location."""

from __future__ import annotations

import pytest

import edi
from adapters import MappingError, adapter_for
from adapters.edifact_contrl import map_message
from schemas.documents import AcknowledgedMessageDoc, FunctionalAckDoc


def message(*body: str) -> edi.Message:
    segments = ["UNH+1+CONTRL:D:3:UN", *body, f"UNT+{len(body) + 2}+1"]
    text = ("UNA:+.? 'UNB+UNOC:3+NORTHWIND:ZZZ+ACMEFOODS:ZZZ+261122:0610+77'"
            + "'".join(segments) + "'UNZ+1+77'")
    [msg] = edi.parse(text.encode()).messages
    assert msg.accepted, msg.issues
    return msg


def test_uci_7_acknowledges_the_interchange_by_its_reference() -> None:
    msg = message("UCI+5+ACMEFOODS:ZZZ+NORTHWIND:ZZZ+7")
    assert adapter_for(msg) is map_message
    assert map_message(msg).documents == [FunctionalAckDoc(
        ack_type="CONTRL", interchange_control="5", status="accepted", segment_number=2)]


def test_uci_7_with_a_rejected_message_is_partially_accepted() -> None:
    [doc] = map_message(message("UCI+5+ACMEFOODS:ZZZ+NORTHWIND:ZZZ+7",
                                "UCM+1+ORDERS:D:96A:UN:EAN008+7",
                                "UCM+2+ORDERS:D:96A:UN:EAN008+4+13", "UCS+4+13")).documents
    assert doc.status == "partially_accepted"
    assert doc.messages == (
        AcknowledgedMessageDoc(type="ORDERS", control_number="1", status="accepted",
                               segment_number=3),
        AcknowledgedMessageDoc(type="ORDERS", control_number="2", status="rejected",
                               codes=("13",), segment_number=4))


def test_uci_4_rejects_the_interchange_with_its_error_code() -> None:
    [doc] = map_message(message("UCI+6+ACMEFOODS:ZZZ+NORTHWIND:ZZZ+4+26+UNB")).documents
    assert (doc.interchange_control, doc.status, doc.codes) == ("6", "rejected", ("26",))


def test_uci_8_says_received_only() -> None:
    [doc] = map_message(message("UCI+7+ACMEFOODS:ZZZ+NORTHWIND:ZZZ+8")).documents
    assert doc.status == "received"


def test_unknown_action_is_an_invalid_value_at_uci_0083() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("UCI+5+ACMEFOODS:ZZZ+NORTHWIND:ZZZ+9"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("12", "UCI", 4)


def test_missing_uci_is_a_missing_segment() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("UCM+1+ORDERS:D:96A:UN:EAN008+7"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag) == ("13", "UNH")


def test_missing_interchange_reference_is_missing_at_uci_0020() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("UCI++ACMEFOODS:ZZZ+NORTHWIND:ZZZ+7"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("13", "UCI", 1)
