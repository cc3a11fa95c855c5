"""997 / 999 / TA1 writers, checked exactly and read back by pyx12 (an independent reader)."""

from __future__ import annotations

import io
import logging
from datetime import datetime

import pytest
from pyx12 import params as pyx12_params
from pyx12 import x12n_document

import edi
from edi.x12.ack import needs_ta1, write_functional_ack, write_ta1

CREATED = datetime(2024, 3, 4, 5, 6)


def isa(control="000000011", version="00401", rep="U", ack="0", test="P"):
    return "*".join(["ISA", "00", " " * 10, "00", " " * 10, "ZZ", "SENDER".ljust(15), "01",
                     "RECEIVER".ljust(15), "240101", "1200", rep, version, control, ack, test,
                     ":"]) + "~"


def claim(control: str, count: int = 3) -> str:
    return f"ST*837*{control}~BHT*0019*00*1*20240101*1200*CH~SE*{count}*{control}~"


HC4010 = (isa() + "GS*HC*SENDER*RECEIVER*20240101*1200*17*X*004010X098A1~"
          + claim("0001") + claim("0002", 9) + "GE*2*17~IEA*1*000000011~")
HC5010 = HC4010.replace("U*00401", "^*00501").replace("004010X098A1", "005010X222A1")


def interchange(text: str):
    (ic,) = edi.parse(text.encode()).interchanges
    return ic


def pyx12_accepts(text: str) -> bool:
    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    return x12n_document.x12n_document(
        pyx12_params.params(), io.StringIO(text), io.StringIO(), None, None
    )


def test_997_mirrors_the_envelope_and_reports_each_transaction_set():
    ack = write_functional_ack(interchange(HC4010), kind="997", interchange_control=5,
                               group_control=7, created=CREATED)
    assert ack.split("~") == [
        "ISA*00*          *00*          *01*RECEIVER       *ZZ*SENDER         *240304*0506*U"
        "*00401*000000005*0*P*:",
        "GS*FA*RECEIVER*SENDER*20240304*0506*7*X*004010",
        "ST*997*0001",
        "AK1*HC*17",
        "AK2*837*0001",
        "AK5*A",
        "AK2*837*0002",
        "AK5*R*4",
        "AK9*P*2*2*1",
        "SE*8*0001",
        "GE*1*7",
        "IEA*1*000000005",
        "",
    ]


def test_997_is_read_by_pyx12_without_errors():
    ack = write_functional_ack(interchange(HC4010), kind="997", interchange_control=5,
                               group_control=7, created=CREATED)
    assert pyx12_accepts(ack)


def test_999_with_segment_and_element_errors():
    text = HC5010.replace("ST*837*0002~BHT", "ST*837*02~bht").replace("SE*9*0002", "SE*3*02")
    ack = write_functional_ack(interchange(text), kind="999", interchange_control=5,
                               group_control=7, created=CREATED)
    assert ack.split("~")[1:-4] == [
        "GS*FA*RECEIVER*SENDER*20240304*0506*7*X*005010X231A1",
        "ST*999*0001*005010X231A1",
        "AK1*HC*17*005010X222A1",
        "AK2*837*0001",
        "IK5*A",
        "AK2*837*02",
        "IK3*ST*1**8",
        "IK4*2**4*02",
        "IK3*bht*2**1",
        "IK5*R*7*5",
        "AK9*P*2*2*1",
    ]
    assert ack.split("~")[-4] == "SE*11*0001"
    assert ack.startswith("ISA*00*          *00*          *01*RECEIVER       *ZZ*SENDER    "
                          "     *240304*0506*^*00501*000000005*0*P*:~")


def test_999_is_read_by_pyx12_without_errors():
    text = HC5010.replace("ST*837*0002~BHT", "ST*837*0002~bht")
    ack = write_functional_ack(interchange(text), kind="999", interchange_control=5,
                               group_control=7, created=CREATED)
    assert "~IK3*bht*2**1~IK5*R*4*5~" in ack
    assert pyx12_accepts(ack)
    clean = write_functional_ack(interchange(HC5010), kind="999", interchange_control=6,
                                 group_control=8, created=CREATED)
    assert pyx12_accepts(clean)


def test_group_errors_reject_the_group_with_ak905_codes():
    text = HC4010.replace("GE*2*17", "GE*3*18")
    ack = write_functional_ack(interchange(text), kind="997", interchange_control=5,
                               group_control=7, created=CREATED)
    assert "~AK9*R*3*2*1*5*4~" in ack


def test_functional_ack_uses_the_inbound_delimiters():
    text = HC4010.replace("*", "|").replace("~", "!").replace("|:!", "|^!")
    ack = write_functional_ack(interchange(text), kind="997", interchange_control=5,
                               group_control=7, created=CREATED)
    assert ack.split("!")[3:5] == ["AK1|HC|17", "AK2|837|0001"]
    assert ack[104:106] == "^!"


def test_997_version_follows_the_inbound_group():
    ack = write_functional_ack(interchange(HC5010), kind="997", interchange_control=5,
                               group_control=7, created=CREATED)
    assert "~GS*FA*RECEIVER*SENDER*20240304*0506*7*X*005010~" in ack


def test_unknown_kind_is_rejected():
    with pytest.raises(ValueError, match="kind"):
        write_functional_ack(interchange(HC4010), kind="998",  # type: ignore[arg-type]
                             interchange_control=5, group_control=7, created=CREATED)


def test_ta1_accepts_a_clean_interchange():
    ta1 = write_ta1(interchange(HC4010), interchange_control=9, created=CREATED)
    assert ta1.split("~")[1:] == ["TA1*000000011*240101*1200*A*000", "IEA*0*000000009", ""]
    assert ta1[:106].endswith("*000000009*0*P*:~")


def test_ta1_rejects_with_the_first_interchange_error():
    text = HC4010.replace("IEA*1*000000011", "IEA*1*000000012")
    ta1 = write_ta1(interchange(text), interchange_control=9, created=CREATED)
    assert ta1.split("~")[1] == "TA1*000000011*240101*1200*R*001"


def test_ta1_notes_warnings_with_e():
    text = HC4010[:-1]  # no terminator after IEA: a warning
    ta1 = write_ta1(interchange(text), interchange_control=9, created=CREATED)
    assert ta1.split("~")[1] == "TA1*000000011*240101*1200*E*023"


def test_needs_ta1_when_requested_or_on_interchange_errors():
    assert not needs_ta1(interchange(HC4010))
    assert needs_ta1(interchange(HC4010.replace("*0*P*:", "*1*P*:")))
    assert needs_ta1(interchange(HC4010.replace("IEA*1*", "IEA*2*")))
    assert not needs_ta1(interchange(HC4010.replace("SE*3*0001", "SE*4*0001")))
