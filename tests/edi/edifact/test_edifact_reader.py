"""EDIFACT reader: service characters, release character, charsets, layout, envelope rules."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import edi
import edi.edifact.reader as edifact_reader
from edi.edifact.reader import EdifactReader
from edi.errors import UnreadableStream
from edi.limits import Limits
from edi.model import Delimiters
from edi.tagscan import TagTable

from .helpers import issue_rows, read, shape

SIMPLE = (
    "UNB+UNOC:3+SENDER:14+RECEIVER:ZZ+240131:1205+REF1++APP++1++1'"
    "UNH+M1+ORDERS:D:96A:UN:EAN008'"
    "BGM+220+PO1+9'"
    "DTM+137:20240131:102'"
    "UNT+4+M1'"
    "UNZ+1+REF1'"
)

CHUNKS = [1, 2, 3, 5, 7, 13, 64, 1 << 20]
CORPUS = Path(__file__).parents[2] / "samples" / "corpus" / "edifact"


def test_defaults_without_una_read_envelope_and_message():
    result = read(SIMPLE)
    assert issue_rows(result) == []
    [ic] = result.interchanges
    env = ic.envelope
    assert (env.control_number, env.sender, env.sender_qualifier) == ("REF1", "SENDER", "14")
    assert (env.receiver, env.receiver_qualifier) == ("RECEIVER", "ZZ")
    assert (env.version, env.date, env.time) == ("UNOC:3", "240131", "1205")
    assert (env.ack_requested, env.test) == (True, True)
    assert env.extra["charset"] == "latin-1"
    assert env.header.tag == "UNB" and env.header.number == 0 and env.header.offset == 0
    assert env.trailer.tag == "UNZ" and env.trailer.offset == SIMPLE.index("UNZ")
    assert ic.delimiters == Delimiters("+", "'", ":", None, "?", ".")
    [group] = ic.groups
    assert group.envelope.control_number == "" and group.envelope.header is None
    [msg] = group.messages
    assert (msg.type, msg.control_number, msg.version) == ("ORDERS", "M1", "D:96A:UN:EAN008")
    assert (msg.index, msg.offset) == (1, SIMPLE.index("UNH"))
    assert msg.interchange is env and msg.group is group.envelope
    assert [(s.tag, s.number, s.offset) for s in msg.segments] == [
        ("UNH", 1, SIMPLE.index("UNH")),
        ("BGM", 2, SIMPLE.index("BGM")),
        ("DTM", 3, SIMPLE.index("DTM")),
        ("UNT", 4, SIMPLE.index("UNT")),
    ]
    assert msg.segments[2].value(1, 2) == "20240131"
    assert msg.accepted


def test_una_sets_every_service_character():
    data = "UNA=*,? ~UNB*UNOC=3*S*R*240101=1200*7~UNH*1*ORDERS=D=96A=UN~BGM*220*PO=1~" \
           "UNT*3*1~UNZ*1*7~"
    result = read(data)
    assert issue_rows(result) == []
    ic = result.interchanges[0]
    assert ic.delimiters == Delimiters("*", "~", "=", None, "?", ",")
    assert ic.envelope.extra["una"] == "UNA=*,? ~"
    bgm = result.messages[0].segments[1]
    assert (bgm.tag, bgm.offset, bgm.components(2)) == ("BGM", data.index("BGM"), ("PO", "1"))


def test_release_character_in_every_position():
    data = (
        "UNA:+.? 'UNB+UNOC:3+S+R+240101:1200+1'UNH+1+ORDERS:D:96A:UN'"
        "FTX+AAI+++A?'B?+C?:D??E+X??'"
        "NAD+BY+++?''"
        "UNT+4+1'UNZ+1+1'"
    )
    result = read(data)
    assert issue_rows(result) == []
    ftx, nad = result.messages[0].segments[1:3]
    assert ftx.elements == (
        (("AAI",),), (("",),), (("",),), (("A'B+C:D?E",),), (("X?",),))
    assert ftx.offset == data.index("FTX")
    assert nad.value(4) == "'"
    assert nad.offset == data.index("NAD")
    assert result.messages[0].segments[3].offset == data.index("UNT")


def test_release_handling_is_the_same_for_every_chunk_size():
    data = (
        "UNA:+.? 'UNB+UNOC:3+S+R+240101:1200+1'UNH+1+ORDERS:D:96A:UN'"
        "FTX+AAI+++A?'B???'C?:D??'"
        "IMD+F++:::??????'"
        "UNT+4+1'UNZ+1+1'\n"
    )
    expected = shape(read(data))
    assert expected[1][3] == ((("AAI",),), (("",),), (("",),), (("A'B?'C:D?",),))
    assert expected[2][3] == ((("F",),), (("",),), (("", "", "", "???"),))
    for size in CHUNKS:
        assert shape(read(data, chunk_size=size)) == expected, size


def test_syntax_4_repetition_separator():
    data = (
        "UNA:+.?*'UNB+UNOC:4+S+R+20240101:1200+1'UNH+1+ORDERS:D:01B:UN:EAN010'"
        "FTX+AAA+++one:two*three?*four'UNT+3+1'UNZ+1+1'"
    )
    result = read(data)
    assert issue_rows(result) == []
    assert result.interchanges[0].delimiters.repetition == "*"
    ftx = result.messages[0].segments[1]
    assert ftx.repetitions(4) == (("one", "two"), ("three*four",))
    assert ftx.value(4, 1, 2) == "three*four"


def test_syntax_3_has_no_repetition_separator():
    data = (
        "UNA:+.? 'UNB+UNOC:3+S+R+240101:1200+1'UNH+1+ORDERS:D:96A:UN'"
        "FTX+AAA+++a*b'UNT+3+1'UNZ+1+1'"
    )
    result = read(data)
    assert result.messages[0].segments[1].repetitions(4) == (("a*b",),)


def test_unoc_value_is_latin_1():
    data = SIMPLE.replace("PO1", "B\xc4R").encode("latin-1")
    result = read(data)
    assert issue_rows(result) == []
    assert result.messages[0].segments[1].value(2) == "B\u00c4R"


def test_unoy_value_is_utf_8_and_offsets_stay_byte_offsets():
    data = (
        "UNB+UNOY:4+S+R+20240101:1200+1'UNH+1+ORDERS:D:01B:UN'"
        "NAD+BY+++M\u00fcller \u20ac'LOC+7+X'UNT+4+1'UNZ+1+1'"
    ).encode("utf-8")
    result = read(data)
    assert issue_rows(result) == []
    nad, loc = result.messages[0].segments[1:3]
    assert nad.value(4) == "M\u00fcller \u20ac"
    assert loc.offset == data.index(b"LOC")
    assert result.interchanges[0].envelope.extra["charset"] == "utf-8"
    assert result.interchanges[0].envelope.trailer.offset == data.index(b"UNZ")


def test_invalid_utf_8_byte_is_issue_21_at_the_element():
    data = (
        b"UNB+UNOY:4+S+R+20240101:1200+1'UNH+1+ORDERS:D:01B:UN'"
        b"NAD+BY+++OK:B\xffD'UNT+3+1'UNZ+1+1'"
    )
    result = read(data)
    assert issue_rows(result) == [
        ("21", "error", "element", "NAD", 2, 4, 2, data.index(b"NAD")),
    ]
    assert result.messages[0].segments[1].value(4, 2) == "B\ufffdD"
    assert not result.messages[0].accepted


def test_non_ascii_byte_in_unoa_is_issue_21():
    data = (
        b"UNB+UNOA:3+S+R+240101:1200+1'UNH+1+ORDERS:D:96A:UN'"
        b"NAD+BY+++B\xc3\x9cTTNER'UNT+3+1'UNZ+1+1'"
    )
    result = read(data)
    assert issue_rows(result) == [
        ("21", "error", "element", "NAD", 2, 4, 1, data.index(b"NAD")),
    ]
    # decoded leniently (the bytes are valid UTF-8)
    assert result.messages[0].segments[1].value(4) == "B\u00dcTTNER"


def test_crlf_and_blanks_after_terminators_are_not_data():
    data = SIMPLE.replace("'", "'\r\n").replace("'\r\nBGM", "' \r\n  BGM")
    result = read(data)
    assert issue_rows(result) == []
    segs = result.messages[0].segments
    assert [(s.tag, s.offset) for s in segs] == [
        ("UNH", data.index("UNH")), ("BGM", data.index("BGM")),
        ("DTM", data.index("DTM")), ("UNT", data.index("UNT")),
    ]
    assert segs[-1].value(2) == "M1"
    for size in CHUNKS:
        assert shape(read(data, chunk_size=size)) == shape(result), size


def test_hard_wrapped_lines_are_joined():
    flat = SIMPLE
    wrapped = "\n".join(flat[i:i + 11] for i in range(0, len(flat), 11)) + "\n"
    result = read(wrapped)
    assert issue_rows(result) == []
    assert [(s.tag, s.elements) for s in result.messages[0].segments] == [
        (s.tag, s.elements) for s in read(flat).messages[0].segments
    ]
    dtm = result.messages[0].segments[2]
    assert dtm.offset == wrapped.index("DTM")


def test_several_interchanges_with_different_una():
    first = "UNA:+.? 'UNB+UNOC:3+S+R+240101:1200+1'UNH+1+ORDERS:D:96A:UN'BGM+220+A'UNT+3+1'" \
            "UNZ+1+1'\n"
    second = "UNA:+.? #UNB+UNOC:3+S+R+240101:1200+2#UNH+1+ORDRSP:D:96A:UN#BGM+231+B'C#" \
             "UNT+3+1#UNZ+1+2#\n"
    third = "UNB+UNOC:3+S+R+240101:1200+3'UNH+9+DELFOR:D:96A:UN'UNT+2+9'UNZ+1+3'"
    data = first + second + third
    for size in CHUNKS:
        result = read(data, chunk_size=size)
        assert issue_rows(result) == [], size
        assert [ic.envelope.control_number for ic in result.interchanges] == ["1", "2", "3"]
        assert [(m.type, m.index, m.offset) for m in result.messages] == [
            ("ORDERS", 1, data.index("UNH")),
            ("ORDRSP", 1, data.index("UNH+1+ORDRSP")),
            ("DELFOR", 1, data.index("UNH+9")),
        ]
        assert result.messages[1].segments[1].value(2) == "B'C"
        assert result.interchanges[1].delimiters.segment == "#"


def test_ung_groups():
    data = (
        "UNB+UNOC:3+S+R+240101:1200+1'"
        "UNG+ORDERS+GS:1+GR:2+240101:1200+G1+UN+D:96A'"
        "UNH+1+ORDERS:D:96A:UN'BGM+220+A'UNT+3+1'"
        "UNH+2+ORDERS:D:96A:UN'BGM+220+B'UNT+3+2'"
        "UNE+2+G1'"
        "UNZ+1+1'"
    )
    result = read(data)
    assert issue_rows(result) == []
    [group] = result.interchanges[0].groups
    genv = group.envelope
    assert (genv.functional_id, genv.control_number, genv.sender, genv.sender_qualifier) == (
        "ORDERS", "G1", "GS", "1")
    assert (genv.receiver, genv.version, genv.header.offset) == ("GR", "D:96A", data.index("UNG"))
    assert genv.trailer.offset == data.index("UNE")
    assert [m.index for m in group.messages] == [1, 2]
    assert all(m.group is genv for m in group.messages)


def test_une_count_and_reference_mismatch():
    data = (
        "UNB+UNOC:3+S+R+240101:1200+1'UNG+ORDERS+GS+GR+240101:1200+G1+UN+D:96A'"
        "UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNE+2+G9'UNZ+1+1'"
    )
    une = data.index("UNE")
    assert issue_rows(read(data)) == [
        ("29", "error", "group", "UNE", None, 1, None, une),
        ("28", "error", "group", "UNE", None, 2, None, une),
    ]


def test_unz_reference_mismatch_is_28_at_unz_0020():
    data = SIMPLE.replace("UNZ+1+REF1", "UNZ+1+REF2")
    assert issue_rows(read(data)) == [
        ("28", "error", "interchange", "UNZ", None, 2, None, data.index("UNZ")),
    ]


def test_unz_count_mismatch_is_29_at_unz_0036():
    data = SIMPLE.replace("UNZ+1+REF1", "UNZ+3+REF1")
    assert issue_rows(read(data)) == [
        ("29", "error", "interchange", "UNZ", None, 1, None, data.index("UNZ")),
    ]


def test_unz_counts_groups_when_ung_is_used():
    data = (
        "UNB+UNOC:3+S+R+240101:1200+1'UNG+ORDERS+GS+GR+240101:1200+G1+UN+D:96A'"
        "UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNH+2+ORDERS:D:96A:UN'UNT+2+2'UNE+2+G1'UNZ+2+1'"
    )
    assert issue_rows(read(data)) == [
        ("29", "error", "interchange", "UNZ", None, 1, None, data.index("UNZ")),
    ]


def test_unt_count_mismatch_is_29_at_unt_0074():
    data = SIMPLE.replace("UNT+4+M1", "UNT+5+M1")
    assert issue_rows(read(data)) == [
        ("29", "error", "transaction", "UNT", 4, 1, None, data.index("UNT")),
    ]
    assert not read(data).messages[0].accepted


def test_unt_reference_mismatch_is_28_at_unt_0062():
    data = SIMPLE.replace("UNT+4+M1", "UNT+4+M2")
    assert issue_rows(read(data)) == [
        ("28", "error", "transaction", "UNT", 4, 2, None, data.index("UNT")),
    ]


def test_unt_count_not_numeric_is_37():
    data = SIMPLE.replace("UNT+4+M1", "UNT+X4+M1")
    assert issue_rows(read(data)) == [
        ("37", "error", "transaction", "UNT", 4, 1, None, data.index("UNT")),
    ]


def test_missing_unt_and_unz_at_end_of_input():
    data = SIMPLE[: SIMPLE.index("UNT")]
    result = read(data)
    assert issue_rows(result) == [
        ("13", "error", "interchange", "UNZ", None, None, None, len(data)),
        ("13", "error", "transaction", "UNT", 4, None, None, len(data)),
    ]
    assert [s.tag for s in result.messages[0].segments] == ["UNH", "BGM", "DTM"]


def test_missing_unt_before_next_unh():
    data = (
        "UNB+UNOC:3+S+R+240101:1200+1'UNH+1+ORDERS:D:96A:UN'BGM+220+A'"
        "UNH+2+ORDERS:D:96A:UN'UNT+2+2'UNZ+2+1'"
    )
    result = read(data)
    second = data.index("UNH+2")
    assert issue_rows(result) == [
        ("13", "error", "transaction", "UNT", 3, None, None, second),
    ]
    assert [m.accepted for m in result.messages] == [False, True]


def test_segment_outside_a_message_is_33():
    data = SIMPLE.replace("UNZ", "FTX+AAI+++LOST'UNZ")
    assert issue_rows(read(data)) == [
        ("33", "error", "interchange", "FTX", None, None, None, data.index("FTX")),
    ]


def test_missing_unb_control_reference_is_13_at_0020():
    data = SIMPLE.replace("+REF1++APP++1++1'", "'").replace("UNZ+1+REF1", "UNZ+1")
    rows = issue_rows(read(data))
    assert rows == [
        ("13", "error", "interchange", "UNB", None, 5, 1, 0),
        ("13", "error", "interchange", "UNZ", None, 2, None, data.index("UNZ")),
    ]


def test_invalid_unb_date_and_time():
    data = SIMPLE.replace("240131:1205", "241331:12X5")
    assert issue_rows(read(data)) == [
        ("12", "error", "interchange", "UNB", None, 4, 1, 0),
        ("37", "error", "interchange", "UNB", None, 4, 2, 0),
    ]


def test_ccyymmdd_date_is_accepted():
    data = SIMPLE.replace("240131:1205", "20240229:1205")
    assert issue_rows(read(data)) == []


def test_unsupported_syntax_version_is_2():
    data = SIMPLE.replace("UNOC:3", "UNOC:9")
    assert issue_rows(read(data)) == [
        ("2", "error", "interchange", "UNB", None, 1, 2, 0),
    ]


def test_unknown_syntax_identifier_is_a_warning_2():
    data = SIMPLE.replace("UNOC:3", "IATA:1")
    assert issue_rows(read(data)) == [
        ("2", "warning", "interchange", "UNB", None, 1, 1, 0),
    ]


def test_duplicate_message_reference_is_warning_26():
    data = (
        "UNB+UNOC:3+S+R+240101:1200+1'UNH+7+ORDERS:D:96A:UN'UNT+2+7'"
        "UNH+7+ORDERS:D:96A:UN'UNT+2+7'UNZ+2+1'"
    )
    assert issue_rows(read(data)) == [
        ("26", "warning", "transaction", "UNH", 1, 1, None, data.index("UNH+7", 40)),
    ]


def test_empty_interchange_is_32():
    data = "UNB+UNOC:3+S+R+240101:1200+1'UNZ+0+1'"
    assert issue_rows(read(data)) == [
        ("32", "error", "interchange", "UNZ", None, None, None, data.index("UNZ")),
    ]


def test_unh_missing_message_version_is_13():
    data = SIMPLE.replace("ORDERS:D:96A:UN:EAN008", "ORDERS")
    assert issue_rows(read(data)) == [
        ("13", "error", "transaction", "UNH", 1, 2, 2, data.index("UNH")),
        ("13", "error", "transaction", "UNH", 1, 2, 3, data.index("UNH")),
        ("13", "error", "transaction", "UNH", 1, 2, 4, data.index("UNH")),
    ]


def test_missing_segment_terminator_at_end_is_a_warning():
    data = SIMPLE[:-1]
    assert issue_rows(read(data)) == [
        ("13", "warning", "interchange", None, None, None, None, len(data)),
    ]


def test_iter_messages_streams_and_keeps_no_messages():
    data = (SIMPLE + "\n").encode() * 3
    reader = EdifactReader(io.BytesIO(data), Limits(), retain=False, chunk_size=50)
    messages = list(reader)
    assert [m.index for m in messages] == [1, 1, 1]
    step = len(SIMPLE) + 1
    assert [m.offset for m in messages] == [SIMPLE.index("UNH") + k * step for k in range(3)]
    assert all(not g.messages for ic in reader.result.interchanges for g in ic.groups)
    assert len(reader.result.interchanges) == 3
    facade = list(edi.iter_messages(io.BytesIO(data)))
    assert [m.segments[1].value(2) for m in facade] == ["PO1", "PO1", "PO1"]
    # the duplicate interchange reference is noted on the later interchanges
    assert [i.code for i in facade[2].interchange.issues] == ["26"]


def test_not_edifact_raises_unreadable_stream():
    with pytest.raises(UnreadableStream) as err:
        read("UNH+1+ORDERS:D:96A:UN'")
    assert err.value.code == "not-edifact"
    assert err.value.location.offset == 0


def test_duplicate_service_characters_in_una_raise():
    with pytest.raises(UnreadableStream) as err:
        read("UNA::.? 'UNB:UNOC:3'")
    assert (err.value.code, err.value.location.segment_tag) == ("bad-una", "UNA")


def test_segment_longer_than_the_limit_raises():
    data = SIMPLE.replace("PO1", "P" * 500)
    with pytest.raises(UnreadableStream) as err:
        read(data, chunk_size=64, limits=Limits(max_segment_bytes=100))
    assert err.value.code == "segment-too-large"


SMALL = ("UNB+UNOC:3+SENDER:14+RECEIVER:ZZ+240131:1205+REF2'UNH+M2+ORDERS:D:96A:UN'"
         "BGM+220+PO2+9'UNT+3+M2'UNZ+1+REF2'")


def test_an_interchange_over_the_segment_limit_is_rejected_and_the_next_one_read():
    data = SIMPLE + SMALL
    for size in CHUNKS:
        result = read(data, chunk_size=size, limits=Limits(max_segments_per_interchange=3))
        first, second = result.interchanges
        assert [(i.code, i.scope.value, i.location.offset) for i in first.envelope.issues
                if i.code == "18"] == [("18", "interchange", SIMPLE.index("UNH"))], size
        assert first.messages == [], size
        assert [m.control_number for m in result.messages] == ["M2"], size
        assert second.issues == [] and result.messages[0].issues == [], size


def test_one_message_over_the_segment_limit_drops_it_without_raising():
    body = "".join(f"LIN+{n}'" for n in range(1, 200))
    data = (f"UNB+UNOC:3+S:14+R:ZZ+240131:1205+R1'UNH+M1+ORDERS:D:96A:UN'{body}UNT+201+M1'"
            "UNZ+1+R1'" + SMALL)
    for size in (64, 1 << 20):
        result = read(data, chunk_size=size, limits=Limits(max_segments_per_interchange=50))
        first = result.interchanges[0]
        assert [i.code for i in first.envelope.issues][:1] == ["18"], size
        assert not any(i.code == "33" for i in first.envelope.issues), size
        assert [m.control_number for m in result.messages] == ["M2"], size


def test_segment_longer_than_twice_the_chunk_size_is_read():
    data = SIMPLE.replace("PO1", "P" * 300)
    result = read(data, chunk_size=16, limits=Limits(max_segment_bytes=10_000))
    assert issue_rows(result) == []
    assert result.messages[0].segments[1].value(2) == "P" * 300


def test_una_inside_an_open_interchange_closes_it():
    data = "UNB+UNOC:3+S+R+240101:1200+1'UNH+1+ORDERS:D:96A:UN'UNT+2+1'" \
           "UNA=*.? ~UNB*UNOC=3*S*R*240101=1200*2~UNH*1*ORDERS=D=96A=UN~UNT*2*1~UNZ*1*2~"
    result = read(data)
    assert issue_rows(result) == [
        ("13", "error", "interchange", "UNZ", None, None, None, data.index("UNA")),
    ]
    assert [ic.envelope.control_number for ic in result.interchanges] == ["1", "2"]


_PIECES = st.lists(
    st.sampled_from(["UNA:+.? ", "UNB+UNOC:3+S+R+240101:1200+1", "UNH+1+ORDERS:D:96A:UN",
                     "UNT+2+1", "UNZ+1+1", "UNG+X", "UNE+1", "UNS", "UN", "U", "", "LIN+1",
                     "LIN+2++4012345000009:SRV", "QTY+21:3", "BGM:X", "DTM?+1", "UNX+1",
                     "AUNH+1", "NUN+1", "NAD+BY+O?'BRIEN", " LIN+3", "\r\nQTY+1", "A+B+1",
                     "lin+1", "12+3", "IMD+F++:::A?+B", "FTX+AAA+++50?? OFF", "PRI:AAA",
                     "UNH+2+SLSRPT:D:01B:UN", "UNT+3+2", "UNA*+.? ", "TOOLONG+1",
                     "TOOLONGER+2", "AB:C+1", "ABCDE", " A+B+1", "\nA+B+2"]),
    max_size=60,
)


def _read_by(data: str, *, batch: bool, table: bool, chunk_size: int, monkeypatch) -> tuple:
    """Segments (tag, raw, offset, number) and issues, read one way."""
    monkeypatch.setattr(edifact_reader, "_BATCH_MIN_PIECES", 1 if batch else 10**9)
    monkeypatch.setattr(edifact_reader, "_TABLE_MIN_PIECES", 1 if table else 10**9)
    try:
        result = read(data, chunk_size=chunk_size)
    except UnreadableStream as exc:
        return ("unreadable", exc.code)
    return ([(s.tag, s.raw, s.offset, s.number) for m in result.messages for s in m.segments],
            [(m.type, m.control_number) for m in result.messages], issue_rows(result))


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=_PIECES, sep=st.sampled_from(["'", "'\n", "'\r\n"]),
       chunk=st.sampled_from([16, 64, 1 << 20]))
def test_runs_and_the_tag_table_read_what_a_look_at_each_piece_reads(pieces, sep, chunk,
                                                                     monkeypatch):
    """The batch path (runs of known tags from the table or the dictionary) against the
    per-piece path, on interchanges of service segments, new and odd tags, blanks and
    released terminators."""
    data = "UNB+UNOC:3+S+R+240101:1200+1" + sep + sep.join(pieces * 3) + sep + "UNZ+1+1" + sep
    expected = _read_by(data, batch=False, table=False, chunk_size=chunk,
                        monkeypatch=monkeypatch)
    for table in (False, True):
        got = _read_by(data, batch=True, table=table, chunk_size=chunk, monkeypatch=monkeypatch)
        assert got == expected, table


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*")), ids=lambda p: p.name)
def test_corpus_reads_the_same_by_runs_and_piece_by_piece(path, monkeypatch):
    data = path.read_bytes().decode("latin-1")
    for chunk in (64, 1 << 20):
        expected = _read_by(data, batch=False, table=False, chunk_size=chunk,
                            monkeypatch=monkeypatch)
        assert _read_by(data, batch=True, table=True, chunk_size=chunk,
                        monkeypatch=monkeypatch) == expected


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_files_read_the_same_by_runs_and_piece_by_piece(data, monkeypatch):
    base = (SIMPLE[:-len("UNT+4+M1'UNZ+1+REF1'")]
            + "LIN+1++4012345000009:SRV'QTY+21:5'NAD+BY+O?'BRIEN'" * 30
            + "UNT+94+M1'UNZ+1+REF1'")
    cuts = data.draw(st.lists(st.integers(0, len(base) - 1), max_size=6))
    junk = data.draw(st.text(alphabet="'?+:\r\n UNHTLIA1", min_size=1, max_size=4))
    mutated = base
    for at in sorted(cuts, reverse=True):
        mutated = mutated[:at] + junk + mutated[at + 1:]
    chunk = data.draw(st.sampled_from([16, 256, 1 << 20]))
    expected = _read_by(mutated, batch=False, table=False, chunk_size=chunk,
                        monkeypatch=monkeypatch)
    assert _read_by(mutated, batch=True, table=True, chunk_size=chunk,
                    monkeypatch=monkeypatch) == expected


@pytest.mark.parametrize("sep", ["'", "'\n"])
def test_long_runs_of_known_tags_read_the_same_by_runs_and_piece_by_piece(sep, monkeypatch):
    lines = [f"LIN+{n}++4012345{n:06d}:SRV{sep}QTY+21:{n % 90}{sep}PRI+AAA:1.5{sep}"
             for n in range(2000)]
    data = (f"UNB+UNOC:3+S+R+240101:1200+1{sep}UNH+1+ORDERS:D:96A:UN{sep}BGM+220+PO1+9{sep}"
            + "".join(lines) + f"UNT+6003+1{sep}UNZ+1+1{sep}")
    expected = _read_by(data, batch=False, table=False, chunk_size=1 << 20,
                        monkeypatch=monkeypatch)
    assert len(expected[0]) == 6003 and expected[2] == []
    assert _read_by(data, batch=True, table=True, chunk_size=1 << 20,
                    monkeypatch=monkeypatch) == expected


def test_a_tag_read_after_blanks_is_not_learnt_for_pieces_without_them(monkeypatch):
    """` A+B+1` is tagged `A` (the tag runs to the first `+` once the blank is dropped),
    while `A+B+2` is tagged by its first three characters: the first must not teach the
    table that `A+B+` means `A`."""
    data = "UNB+UNOC:3+S+R+240101:1200+1'UNH+1+X:D:96A:UN' A+B+1'A+B+2'UNT+4+1'UNZ+1+1'"
    for batch in (True, False):
        got = _read_by(data, batch=batch, table=False, chunk_size=1 << 20,
                       monkeypatch=monkeypatch)
        assert [(tag, raw) for tag, raw, _, _ in got[0]] == [
            ("UNH", "UNH+1+X:D:96A:UN"), ("A", "A+B+1"), ("A+B", "A+B+2"), ("UNT", "UNT+4+1")]


def test_the_table_learns_body_tags_and_never_service_tags():
    reader = EdifactReader(io.BytesIO(SIMPLE.encode("latin-1")))
    assert [m.type for m in reader] == ["ORDERS"]
    assert reader._known == {"+": {"BGM+": "BGM", "DTM+": "DTM"}}


def test_new_element_separator_reads_tags_by_its_own_table():
    """A second interchange whose UNA makes `*` the element separator: `LIN*` is learnt
    anew and `LIN+...` there is a segment whose tag runs to the first `*`."""
    first = "UNB+UNOC:3+S+R+240101:1200+1'UNH+1+X:D:96A:UN'LIN+1'LIN+2'UNT+4+1'UNZ+1+1'"
    second = ("UNA:*.? 'UNB*UNOC:3*S*R*240101:1200*2'UNH*1*X:D:96A:UN'LIN*1'LIN+2*3'"
              "UNT*4*1'UNZ*1*2'")
    result = read(first + second)
    assert [[s.tag for s in m.segments] for m in result.messages] == [
        ["UNH", "LIN", "LIN", "UNT"], ["UNH", "LIN", "LIN+2", "UNT"]]
    assert issue_rows(result) == []


def test_a_window_with_una_short_segments_and_released_terminators_reads_alike():
    """Windows holding a UNA (or a tag with no elements) mark their pieces with str.find."""
    one = ("UNA:+.? 'UNB+UNOC:3+S+R+240101:1200+{n}'UNH+1+ORDERS:D:96A:UN'BGM+220+O?'B'"
           "UNS'CNT+2:1'UNT+5+1'UNZ+1+{n}'")
    data = "".join(one.format(n=n) for n in range(1, 40))
    expected = shape(read(data, chunk_size=7))
    for size in (64, 1 << 20):
        assert shape(read(data, chunk_size=size)) == expected, size
    result = read(data)
    assert issue_rows(result) == []
    assert len(result.interchanges) == 39
    assert [s.tag for s in result.messages[-1].segments] == ["UNH", "BGM", "UNS", "CNT", "UNT"]
    assert result.messages[0].segments[1].value(2) == "O'B"


def _line_separator_by_counting(avail: str, term: str, rel: str | None) -> str:
    """The rule `_line_separator` implements, with `str.count` (the reference)."""
    nl = "\r\n" if "\r" in avail else "\n"
    cand = term + nl
    n = avail.count(cand)
    if not n or avail.count("\n") != n or (nl == "\r\n" and avail.count("\r") != n):
        return term
    extra = 0
    i = avail.find("UNA")
    while i >= 0:
        if ((i == 0 or avail[i - 1] == "\n") and avail[i + 8:i + 9] == term
                and avail[i + 9:i + 10] not in ("\n", "\r", "")):
            extra += 1
        i = avail.find("UNA", i + 3)
    loose = avail.count(term) - n - avail.endswith(term) - extra
    if loose == 0 or (rel and loose == avail.count(rel + term)):
        return cand
    return term


@given(st.lists(st.sampled_from(["'", "'\n", "'\r\n", "?'", "??'", "\n", "\r", "?", " ",
                                 "UNA:+.? '", "\nUNA:+.? '\n", "UNB+1", "LIN+1"]), max_size=30),
       st.sampled_from(["'", "#"]), st.sampled_from(["?", None]))
@settings(max_examples=1000, deadline=None)
def test_line_separator_counts_as_str_count_does(parts, term, rel):
    avail = "".join(parts).replace("'", term)
    assert EdifactReader._line_separator(avail, term, rel) == _line_separator_by_counting(
        avail, term, rel)


@pytest.mark.parametrize("chunk", [112, 1 << 20])
def test_no_message_after_the_segment_limit_reject_of_its_interchange(chunk):
    """UNH/UNT met in a window read by runs go through the same skip as other service
    segments once the interchange is over the limit (found in review)."""
    data = ("UNB+UNOA:3+S+R+200101:1200+IC'UNH+1+ORDERS:D:96A:UN'" + "DTM+1'" * 10
            + "AAA1'AAA2'AAA3'AAA4'AAA5'AAA6'UNH+2+ORDERS:D:96A:UN'DTM+1'UNT+3+2'UNZ+2+IC'")
    result = read(data, chunk_size=chunk, limits=Limits(max_segments_per_interchange=5))
    assert result.messages == []
    assert issue_rows(result)[0][:3] == ("18", "error", "interchange")


def test_learning_thousands_of_tags_looks_up_a_bounded_number_of_stretches(monkeypatch):
    """Each of 4,000 tags first seen alone, then again: the re-look-ups after learning are
    at most one per 64 pieces, so the work stays linear (it was one per new tag)."""
    import itertools

    letters = "ABCDEFGHIJKLMNOPQRSTVWXYZ"
    tags = ["".join(t) for t in itertools.product(letters, repeat=3)][:4000]
    data = ("UNB+UNOA:3+S+R+200101:1200+IC'UNH+1+ORDERS:D:96A:UN'"
            + "".join(f"{t}+1'{t}+2'" for t in tags) + "UNT+8002+1'UNZ+1+IC'")
    calls = []
    look_up = TagTable.look_up

    def counted(self, known, pieces, heads, start=0, end=None):
        calls.append(start)
        return look_up(self, known, pieces, heads, start, end)

    monkeypatch.setattr(TagTable, "look_up", counted)
    result = read(data)
    assert [len(m.segments) for m in result.messages] == [8002]
    assert issue_rows(result) == []
    assert len(calls) <= 8004 // 64 + 2
