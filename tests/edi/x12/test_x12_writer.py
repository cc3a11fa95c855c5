"""Outbound 850 / 855 / 830 and the envelope writer, read back by our own reader."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

import edi
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
from edi.model import Delimiters
from edi.x12.writer import X12Writer, format_segment, fst_timing, write_830, write_850, write_855

HUB = PartyId("HUB", "ZZ", "Hub Inc")
SUPPLIER = PartyId("4012345000009", "14", "Supplier Ltd")


def env(version="00401", **kw) -> EnvelopeSpec:
    return EnvelopeSpec(
        sender=HUB, receiver=SUPPLIER, interchange_control=42, group_control=4200,
        version=version, created=datetime(2024, 5, 6, 7, 8), **kw,
    )


ORDER = Order(
    number="PO-1001", issued=date(2024, 5, 6), buyer=HUB, supplier=SUPPLIER,
    ship_to=PartyId("4012345000016", "14", "Store 16"), currency="EUR",
    lines=(
        OrderLine("1", Decimal("12"), gtin="04012345000023", unit_price=Decimal("2.50"),
                  requested_date=date(2024, 5, 20), description="Widget"),
        OrderLine("2", Decimal("3.5"), unit="KG", vendor_part="V-9"),
    ),
)


def test_850_exact_text():
    text = write_850(ORDER, env())
    assert text.split("~") == [
        "ISA*00*          *00*          *ZZ*HUB            *14*4012345000009  *240506*0708*U"
        "*00401*000000042*0*P*>",
        "GS*PO*HUB*4012345000009*20240506*0708*4200*X*004010",
        "ST*850*0001",
        "BEG*00*SA*PO-1001**20240506",
        "CUR*BY*EUR",
        "N1*BY*Hub Inc*92*HUB",
        "N1*SE*Supplier Ltd*UL*4012345000009",
        "N1*ST*Store 16*UL*4012345000016",
        "PO1*1*12*EA*2.5**EN*4012345000023",
        "PID*F****Widget",
        "DTM*002*20240520",
        "PO1*2*3.5*KG***VP*V-9",
        "CTT*2*15.5",
        "SE*12*0001",
        "GE*1*4200",
        "IEA*1*000000042",
        "",
    ]


def test_850_reads_back_with_counts_checked():
    result = edi.parse(write_850(ORDER, env()).encode())
    assert result.all_issues() == []
    (msg,) = result.messages
    assert (msg.type, msg.control_number, msg.version) == ("850", "0001", "004010")
    assert [s.tag for s in msg.segments].count("PO1") == 2
    ic = result.interchanges[0]
    assert (ic.envelope.sender, ic.envelope.receiver_qualifier) == ("HUB", "14")


def test_850_in_005010_has_a_repetition_separator():
    text = write_850(ORDER, env("00501"))
    assert text[82:84] == "^*" and "*005010~" in text
    result = edi.parse(text.encode())
    assert result.all_issues() == []
    assert result.interchanges[0].delimiters.repetition == "^"


def test_855_statuses_and_promised_dates():
    resp = OrderResponse(
        order_number="PO-1001", order_date=date(2024, 5, 6), response_number="R-1",
        issued=date(2024, 5, 7), status="accepted", buyer=HUB, supplier=SUPPLIER,
        lines=(
            ResponseLine("1", "accepted", Decimal(12), Decimal(12),
                         promised_date=date(2024, 5, 20)),
            ResponseLine("2", "backordered", Decimal(4), Decimal(0), gtin="04012345000023"),
        ),
    )
    text = write_855(resp, env())
    body = text.split("~")[3:-4]
    assert body == [
        "BAK*00*AE*PO-1001*20240506****R-1*20240507",
        "N1*BY*Hub Inc*92*HUB",
        "N1*SE*Supplier Ltd*UL*4012345000009",
        "PO1*1*12*EA",
        "ACK*IA*12*EA*067*20240520",
        "PO1*2*4*EA***EN*4012345000023",
        "ACK*IB*0*EA",
        "CTT*2",
    ]
    result = edi.parse(text.encode())
    assert result.all_issues() == []
    assert result.interchanges[0].groups[0].envelope.functional_id == "PR"


@pytest.mark.parametrize(("status", "lines", "bak02"), [
    ("accepted", (), "AD"), ("changed", (), "AC"), ("rejected", (), "RJ"),
    ("rejected", (ResponseLine("1", "rejected", Decimal(1), Decimal(0)),), "RD"),
])
def test_855_bak02(status, lines, bak02):
    resp = OrderResponse("PO-1", None, "R-1", date(2024, 5, 7), status, HUB, SUPPLIER,
                         lines=lines)
    assert f"~BAK*00*{bak02}*PO-1*20240507*" in write_855(resp, env())


def test_830_buckets():
    schedule = PlanningSchedule(
        number="FC-7", issued=date(2024, 5, 6), horizon_start=date(2024, 5, 6),
        horizon_end=date(2024, 6, 30), buyer=HUB, supplier=SUPPLIER,
        lines=(ScheduleLine(
            gtin="04012345000023", location=PartyId("4012345000016", "14"),
            buckets=(
                ScheduleBucket(date(2024, 5, 6), date(2024, 5, 6), Decimal(10), "firm"),
                ScheduleBucket(date(2024, 5, 13), date(2024, 5, 19), Decimal(70)),
                ScheduleBucket(date(2024, 6, 1), date(2024, 6, 30), Decimal(300)),
                ScheduleBucket(date(2024, 5, 20), date(2024, 5, 31), Decimal(120)),
            ),
        ),),
    )
    text = write_830(schedule, env())
    assert text.split("~")[3:-4] == [
        "BFR*00*FC-7**DL*A*20240506*20240630*20240506",
        "N1*BY*Hub Inc*92*HUB",
        "N1*SU*Supplier Ltd*UL*4012345000009",
        "LIN**EN*4012345000023",
        "UIT*EA",
        "N1*ST**UL*4012345000016",
        "FST*10*C*D*20240506",
        "FST*70*D*W*20240513*20240519",
        "FST*300*D*M*20240601*20240630",
        "FST*120*D*F*20240520*20240531",
        "CTT*1*500",
    ]
    result = edi.parse(text.encode())
    assert result.all_issues() == []
    assert result.messages[0].segments[-1].value(1) == "13"


def test_fst_timing_of_a_single_day_is_discrete():
    assert fst_timing(ScheduleBucket(date(2024, 1, 1), date(2024, 1, 1), Decimal(1))) == "D"


def test_delimiter_in_a_value_names_the_field():
    order = Order("PO*1", date(2024, 5, 6), HUB, SUPPLIER)
    with pytest.raises(ValueError, match=r"BEG03 'PO\*1' contains the element separator"):
        write_850(order, env())


def test_delimiter_in_a_component_names_the_component():
    d = Delimiters(element="*", segment="~", component=">")
    with pytest.raises(ValueError, match="REF02-2"):
        format_segment(["REF", "ZZ", ["A", "B>C"]], d)


def test_long_envelope_id_is_rejected():
    spec = EnvelopeSpec(sender=PartyId("X" * 16), receiver=SUPPLIER, interchange_control=1,
                        group_control=1, created=datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="ISA06"):
        X12Writer(spec).write([("850", [["BEG", "00"]])])


def test_control_number_out_of_range_is_rejected():
    spec = EnvelopeSpec(sender=HUB, receiver=SUPPLIER, interchange_control=10**9,
                        group_control=1, created=datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="ISA13"):
        X12Writer(spec).write([("850", [["BEG", "00"]])])


def test_writer_counts_several_transaction_sets():
    writer = X12Writer(env(message_control_start=7), newline=True)
    text = writer.write([("850", [["BEG", "00", "SA", "1", "", "20240101"]]),
                         ("850", [["BEG", "00", "SA", "2", "", "20240101"], ["CTT", "0"]])])
    assert "~\nGE*2*4200~\n" in text
    result = edi.parse(text.encode())
    assert result.all_issues() == []
    assert [(m.control_number, len(m.segments)) for m in result.messages] == [
        ("0007", 3), ("0008", 4)]


def test_gtins_go_out_under_the_qualifier_their_length_calls_for() -> None:
    from edi.x12.writer import _gtin

    assert _gtin("00012345678905") == ("UP", "012345678905")  # UPC-A
    assert _gtin("04006381333931") == ("EN", "4006381333931")  # EAN-13
    assert _gtin("10614141000033") == ("UK", "10614141000033")  # GTIN-14
