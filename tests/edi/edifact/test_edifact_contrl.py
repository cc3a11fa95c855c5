"""CONTRL written for accepted and rejected interchanges, read back by pydifact and by us."""

from __future__ import annotations

from datetime import datetime

from edi.edifact.contrl import write_contrl

from .helpers import issue_rows, pydifact_segments, read

CREATED = datetime(2024, 2, 3, 4, 5)

ACCEPTED = (
    "UNA:+.? 'UNB+UNOC:3+SENDER:14+RECEIVER:ZZ+240131:1205+REF1'"
    "UNH+M1+ORDERS:D:96A:UN:EAN008'BGM+220+PO1+9'DTM+137:20240131:102'UNT+4+M1'"
    "UNZ+1+REF1'"
)


def contrl_for(data: str | bytes, **kwargs) -> str:
    result = read(data)
    return write_contrl(result.interchanges[0], control_reference=42, created=CREATED, **kwargs)


def test_contrl_for_an_accepted_interchange():
    text = contrl_for(ACCEPTED)
    assert text == (
        "UNA:+.? 'UNB+UNOC:3+RECEIVER:ZZ+SENDER:14+240203:0405+42'"
        "UNH+42+CONTRL:D:3:UN'"
        "UCI+REF1+SENDER:14+RECEIVER:ZZ+7'"
        "UCM+M1+ORDERS:D:96A:UN:EAN008+7'"
        "UNT+4+42'UNZ+1+42'"
    )
    segs = pydifact_segments(text)
    assert segs == [
        ("UNB", [["UNOC", "3"], ["RECEIVER", "ZZ"], ["SENDER", "14"], ["240203", "0405"], "42"]),
        ("UNH", ["42", ["CONTRL", "D", "3", "UN"]]),
        ("UCI", ["REF1", ["SENDER", "14"], ["RECEIVER", "ZZ"], "7"]),
        ("UCM", ["M1", ["ORDERS", "D", "96A", "UN", "EAN008"], "7"]),
        ("UNT", ["4", "42"]),
        ("UNZ", ["1", "42"]),
    ]
    back = read(text)
    assert issue_rows(back) == []
    assert back.messages[0].type == "CONTRL"


def test_contrl_rejects_a_message_with_a_bad_unt_count():
    text = contrl_for(ACCEPTED.replace("UNT+4+M1", "UNT+9+M1"))
    segs = dict(pydifact_segments(text))
    assert segs["UCI"] == ["REF1", ["SENDER", "14"], ["RECEIVER", "ZZ"], "7"]
    assert segs["UCM"] == ["M1", ["ORDERS", "D", "96A", "UN", "EAN008"], "4", "29", "UNT", "1"]
    assert segs["UNT"] == ["4", "42"]


def test_contrl_rejects_the_interchange_on_a_reference_mismatch():
    text = contrl_for(ACCEPTED.replace("UNZ+1+REF1", "UNZ+1+REF9"))
    segs = dict(pydifact_segments(text))
    assert segs["UCI"] == ["REF1", ["SENDER", "14"], ["RECEIVER", "ZZ"], "4", "28", "UNZ", "2"]


def test_contrl_reports_segment_and_element_errors_with_ucs_and_ucd():
    data = (
        b"UNB+UNOA:3+S+R+240101:1200+1'UNH+1+ORDERS:D:96A:UN'BGM+220+A'"
        b"NAD+BY+++OK:B\xc4D'UNT+4+1'UNZ+1+1'"
    )
    text = contrl_for(data)
    segs = pydifact_segments(text)
    assert segs[2:6] == [
        ("UCI", ["1", "S", "R", "7"]),
        ("UCM", ["1", ["ORDERS", "D", "96A", "UN"], "4"]),
        ("UCS", ["3"]),
        ("UCD", ["21", ["4", "2"]]),
    ]
    assert segs[6] == ("UNT", ["6", "42"])


def test_contrl_received_only():
    text = contrl_for(ACCEPTED, received_only=True)
    assert "UCI+REF1+SENDER:14+RECEIVER:ZZ+8'" in text
    assert "UCM" not in text
    assert "UNT+3+42'" in text


def test_contrl_mirrors_syntax_4_and_reports_groups():
    data = (
        "UNB+UNOC:4+S+R+20240101:1200+1'UNG+ORDERS+GS+GR+20240101:1200+G1+UN+D:96A'"
        "UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNE+2+G1'UNZ+1+1'"
    )
    text = contrl_for(data)
    segs = pydifact_segments(text)
    assert segs[0] == ("UNB", [["UNOC", "4"], "R", "S", ["20240203", "0405"], "42"])
    assert segs[1] == ("UNH", ["42", ["CONTRL", "4", "1", "UN"]])
    assert segs[3] == ("UCF", ["G1", "GS", "GR", "4", "29", "UNE", "1"])
    assert segs[4] == ("UCM", ["1", ["ORDERS", "D", "96A", "UN"], "7"])


def test_contrl_escapes_values():
    data = ACCEPTED.replace("SENDER:14", "SEND?+ER:14")
    text = contrl_for(data)
    assert "UCI+REF1+SEND?+ER:14+RECEIVER:ZZ+7'" in text
    assert read(text).messages[0].segments[1].value(2, 1) == "SEND+ER"
