"""ORDERS / ORDRSP / DELFOR writers, escaping, and parse(write(x)) == x round trips."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from edi.documents import (
    EnvelopeSpec,
    Order,
    OrderLine,
    OrderResponse,
    PartyId,
    PlanningSchedule,
    ResponseLine,
    ScheduleBucket,
    ScheduleLine,
)
from edi.edifact.syntax import DEFAULT_UNA, delimiters_from_una, escape, segment_text
from edi.edifact.writer import number, write_delfor, write_orders, write_ordrsp

from .helpers import issue_rows, pydifact_segments, read

ENV = EnvelopeSpec(
    sender=PartyId("5412345000013", "14"),
    receiver=PartyId("4012345000009", "14"),
    interchange_control=77,
    group_control=1,
    message_control_start=5,
    version="UNOC:3",
    message_version="D:96A:UN:EAN008",
    created=datetime(2024, 3, 1, 9, 30),
)
BUYER = PartyId("5412345000013", name="BUY+ER?S:CO'")
SUPPLIER = PartyId("4012345000009")

ORDER = Order(
    number="PO?1+A",
    issued=date(2024, 3, 1),
    buyer=BUYER,
    supplier=SUPPLIER,
    ship_to=PartyId("5412345000020"),
    currency="EUR",
    lines=(
        OrderLine("1", Decimal("12"), "PCE", gtin="4006381333931", buyer_part="B-1",
                  vendor_part="V:1", unit_price=Decimal("2.50"),
                  requested_date=date(2024, 3, 8)),
        OrderLine("2", Decimal("1.5"), gtin="4006381333948"),
    ),
)


def test_escape_puts_release_before_every_service_character():
    d = delimiters_from_una(DEFAULT_UNA, "4")
    assert escape("a+b:c'd?e*f", d) == "a?+b?:c?'d??e?*f"
    assert escape("plain", d) == "plain"
    assert segment_text("FTX", ["AAI", "", ["x", "", ""], ""], d) == "FTX+AAI++x'"


def test_number_format():
    assert [number(Decimal(x)) for x in ("12", "2.50", "1E+2", "0.000", "-1.10")] == [
        "12", "2.5", "100", "0", "-1.1"]


def test_write_orders_exact_text():
    assert write_orders(ORDER, ENV) == (
        "UNA:+.? '"
        "UNB+UNOC:3+5412345000013:14+4012345000009:14+240301:0930+77'"
        "UNH+5+ORDERS:D:96A:UN:EAN008'"
        "BGM+220+PO??1?+A+9'"
        "DTM+137:20240301:102'"
        "NAD+BY+5412345000013::9++BUY?+ER??S?:CO?''"
        "NAD+SU+4012345000009::9'"
        "NAD+DP+5412345000020::9'"
        "CUX+2:EUR:9'"
        "LIN+1++4006381333931:SRV'"
        "PIA+1+V?:1:SA+B-1:IN'"
        "QTY+21:12:PCE'"
        "PRI+AAA:2.5'"
        "DTM+2:20240308:102'"
        "LIN+2++4006381333948:SRV'"
        "QTY+21:1.5:EA'"
        "UNS+S'"
        "CNT+2:2'"
        "UNT+17+5'"
        "UNZ+1+77'"
    )


def test_orders_reads_back_with_our_reader_and_pydifact():
    text = write_orders(ORDER, ENV)
    result = read(text)
    assert issue_rows(result) == []
    [msg] = result.messages
    assert (msg.type, msg.version, msg.control_number) == ("ORDERS", "D:96A:UN:EAN008", "5")
    bgm, nad = msg.segments[1], msg.segments[3]
    assert (bgm.value(2), bgm.value(3)) == ("PO?1+A", "9")
    assert (nad.value(2), nad.value(2, 3), nad.value(4)) == ("5412345000013", "9", "BUY+ER?S:CO'")
    theirs = pydifact_segments(text)
    assert [t for t, _ in theirs] == ["UNB", *[s.tag for s in msg.segments], "UNZ"]
    assert theirs[2] == ("BGM", ["220", "PO?1+A", "9"])


def test_orders_purpose_and_eancom_010_version():
    env = EnvelopeSpec(**{**{f: getattr(ENV, f) for f in ENV.__slots__},
                          "message_version": "D:01B:UN:EAN010", "version": "UNOC:4"})
    text = write_orders(Order("9", date(2024, 1, 2), BUYER, SUPPLIER, purpose="cancel"), env)
    result = read(text)
    assert issue_rows(result) == []
    msg = result.messages[0]
    assert msg.version == "D:01B:UN:EAN010"
    assert msg.segments[1].value(3) == "1"
    assert result.interchanges[0].envelope.date == "20240301"
    assert result.interchanges[0].delimiters.repetition == "*"


def test_write_ordrsp():
    resp = OrderResponse(
        order_number="PO-1", order_date=date(2024, 3, 1), response_number="R:1",
        issued=date(2024, 3, 2), status="changed", buyer=BUYER, supplier=SUPPLIER,
        lines=(
            ResponseLine("1", "accepted", Decimal(10), Decimal(10), gtin="4006381333931"),
            ResponseLine("2", "changed", Decimal(5), Decimal(3), gtin="4006381333948",
                         promised_date=date(2024, 3, 20), vendor_part="V2",
                         unit_price=Decimal("9.99")),
            ResponseLine("3", "rejected", Decimal(1), Decimal(0)),
        ),
    )
    text = write_ordrsp(resp, ENV)
    result = read(text)
    assert issue_rows(result) == []
    segs = result.messages[0].segments
    assert [s.tag for s in segs] == [
        "UNH", "BGM", "DTM", "RFF", "DTM", "NAD", "NAD",
        "LIN", "QTY", "QTY",
        "LIN", "PIA", "QTY", "QTY", "DTM", "PRI",
        "LIN", "QTY", "QTY",
        "UNS", "CNT", "UNT",
    ]
    assert segs[1].elements == ((("231",),), (("R:1",),), (("4",),))
    assert segs[3].components(1) == ("ON", "PO-1")
    assert [s.value(2) for s in segs if s.tag == "LIN"] == ["5", "3", "7"]
    assert [s.components(1) for s in segs if s.tag == "QTY"][2:4] == [
        ("21", "5", "EA"), ("113", "3", "EA")]
    assert segs[14].components(1) == ("69", "20240320", "102")
    assert segs[-1].value(1) == str(len(segs))
    assert [t for t, _ in pydifact_segments(text)][1:-1] == [s.tag for s in segs]


def test_write_delfor():
    schedule = PlanningSchedule(
        number="F1", issued=date(2024, 3, 1), horizon_start=date(2024, 3, 4),
        horizon_end=date(2024, 3, 31), buyer=BUYER, supplier=SUPPLIER,
        lines=(ScheduleLine(
            "4006381333931", "PCE", location=PartyId("5412345000020"), buyer_part="B+1",
            buckets=(
                ScheduleBucket(date(2024, 3, 4), date(2024, 3, 10), Decimal(40), "firm"),
                ScheduleBucket(date(2024, 3, 11), date(2024, 3, 17), Decimal("12.5")),
            ),
        ),),
    )
    text = write_delfor(schedule, ENV)
    result = read(text)
    assert issue_rows(result) == []
    segs = result.messages[0].segments
    assert [s.tag for s in segs] == [
        "UNH", "BGM", "DTM", "DTM", "DTM", "NAD", "NAD", "UNS", "NAD", "LIN", "PIA",
        "QTY", "SCC", "DTM", "DTM", "QTY", "SCC", "DTM", "DTM", "UNS", "UNT",
    ]
    assert segs[1].elements == ((("241",),), (("F1",),), (("9",),))
    assert [s.components(1) for s in segs if s.tag == "QTY"] == [
        ("1", "40", "PCE"), ("1", "12.5", "PCE")]
    assert [s.value(1) for s in segs if s.tag == "SCC"] == ["1", "4"]
    assert [s.components(1) for s in segs[13:15]] == [
        ("64", "20240304", "102"), ("63", "20240310", "102")]
    assert segs[10].value(2) == "B+1"
    assert segs[-1].value(1) == "21"
    assert [t for t, _ in pydifact_segments(text)][1:-1] == [s.tag for s in segs]


# ------------------------------------------------------------------ properties

TEXT = st.text(
    alphabet=st.sampled_from(list("AZaz09 .,-/?+:'*=\u00e4\u00df")), min_size=1, max_size=12)
ELEMENTS = st.lists(st.lists(TEXT, min_size=1, max_size=3), min_size=1, max_size=5)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(ELEMENTS, min_size=1, max_size=5), st.sampled_from(["3", "4"]))
def test_parse_of_written_segments_gives_the_values_back(segments, version):
    d = delimiters_from_una(DEFAULT_UNA, version)
    date_text = "20240101" if version == "4" else "240101"
    body = "".join(segment_text("FTX", [list(e) for e in els], d) for els in segments)
    text = (f"UNA:+.?{d.repetition or ' '}'UNB+UNOC:{version}+S+R+{date_text}:1200+1'"
            f"UNH+1+ORDERS:D:96A:UN'{body}UNT+{len(segments) + 2}+1'UNZ+1+1'")
    for chunk in (7, 1 << 20):
        result = read(text.encode("latin-1"), chunk_size=chunk)
        assert issue_rows(result) == []
        got = [[list(reps[0]) for reps in s.elements] for s in result.messages[0].body()]
        assert got == segments


@settings(max_examples=60, deadline=None, derandomize=True)
@given(TEXT, TEXT, TEXT, st.decimals(min_value=0, max_value=10**6, places=3))
def test_orders_round_trip_of_business_values(po, name, part, qty):
    order = Order(po, date(2024, 1, 1), PartyId("1", name=name), SUPPLIER,
                  lines=(OrderLine("1", qty, vendor_part=part),))
    msg = read(write_orders(order, ENV)).messages[0]
    assert msg.accepted
    bgm, nad, pia, qty_seg = (next(s for s in msg.segments if s.tag == t)
                              for t in ("BGM", "NAD", "PIA", "QTY"))
    assert (bgm.value(2), nad.value(4), pia.value(2)) == (po, name, part)
    assert Decimal(qty_seg.value(1, 2)) == qty
