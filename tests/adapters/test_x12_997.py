"""X12 997 / 999 mapping rules, on literal acknowledgements: exact values, errors with code and
location."""

from __future__ import annotations

import pytest

import edi
from adapters import MappingError, adapter_for
from adapters.x12_997 import map_message
from schemas.documents import AcknowledgedMessageDoc, FunctionalAckDoc

ISA = ("ISA*00*          *00*          *ZZ*NORTHWIND      *ZZ*ACMEFOODS      "
       "*261122*0610*U*{v}*000000007*0*P*>~")


def message(kind: str, *body: str) -> edi.Message:
    version, gs08 = ("00501", "005010X231A1") if kind == "999" else ("00401", "004010")
    segments = [f"ST*{kind}*0001" + ("*005010X231A1" if kind == "999" else ""), *body,
                f"SE*{len(body) + 2}*0001"]
    text = (ISA.format(v=version) + f"GS*FA*NORTHWIND*ACMEFOODS*20261122*0610*7*X*{gs08}~"
            + "~".join(segments) + "~GE*1*7~IEA*1*000000007~")
    [msg] = edi.parse(text.encode()).messages
    assert msg.accepted, msg.issues
    return msg


def test_997_accepting_a_group_gives_its_control_number_and_each_set() -> None:
    msg = message("997", "AK1*PO*3", "AK2*850*0001", "AK5*A", "AK2*850*0002", "AK5*E",
                  "AK9*A*2*2*2")
    assert adapter_for(msg) is map_message
    assert map_message(msg).documents == [FunctionalAckDoc(
        ack_type="997", functional_id="PO", group_control="3", status="accepted",
        messages=(AcknowledgedMessageDoc(type="850", control_number="0001",
                                         status="accepted", segment_number=3),
                  AcknowledgedMessageDoc(type="850", control_number="0002",
                                         status="accepted_with_errors", segment_number=5)),
        segment_number=2)]


def test_997_rejecting_a_set_keeps_the_ak5_and_ak9_codes() -> None:
    [doc] = map_message(message(
        "997", "AK1*PO*12", "AK2*850*0001", "AK3*PO1*4**8", "AK4*2**7*XX", "AK5*R*5",
        "AK9*R*1*1*0*4")).documents
    assert (doc.group_control, doc.status, doc.codes) == ("12", "rejected", ("4",))
    [item] = doc.messages
    assert (item.control_number, item.status, item.codes) == ("0001", "rejected", ("5",))


def test_997_partially_accepted_group() -> None:
    [doc] = map_message(message("997", "AK1*SC*4", "AK2*830*0001", "AK5*A", "AK2*830*0002",
                                "AK5*R*5", "AK9*P*2*2*1")).documents
    assert (doc.functional_id, doc.status) == ("SC", "partially_accepted")
    assert [m.status for m in doc.messages] == ["accepted", "rejected"]


def test_999_reads_ik5_per_set() -> None:
    [doc] = map_message(message("999", "AK1*PO*9*005010", "AK2*850*0001*005010",
                                "IK3*PO1*4**8", "IK5*R*I5", "AK9*R*1*1*0")).documents
    assert (doc.ack_type, doc.group_control, doc.status) == ("999", "9", "rejected")
    assert [(m.control_number, m.status, m.codes) for m in doc.messages] == [
        ("0001", "rejected", ("I5",))]


def test_missing_ak9_is_a_mandatory_segment_error() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("997", "AK1*PO*3", "AK2*850*0001", "AK5*A"))
    assert (caught.value.issue.code, caught.value.issue.location.segment_tag) == ("3", "SE")


def test_ak2_without_ak5_is_a_mandatory_segment_error_at_the_ak2() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("997", "AK1*PO*3", "AK2*850*0001", "AK2*850*0002", "AK5*A",
                            "AK9*A*2*2*1"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number) == (
        "3", "AK2", 3)


def test_unknown_ak901_code_is_an_invalid_code_value_at_ak901() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("997", "AK1*PO*3", "AK9*Q*0*0*0"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("7", "AK9", 1)


def test_missing_group_control_number_is_mandatory_element_missing_at_ak102() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("997", "AK1*PO", "AK9*A*0*0*0"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("1", "AK1", 2)
