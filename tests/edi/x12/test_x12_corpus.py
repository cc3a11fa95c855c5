"""Every X12 file of the public corpus reads as tests/samples/corpus/README.md describes it.

Files the README calls malformed only at the transaction-set level (missing AK1/AK9 in
empty997, code values in invalid997) read clean here: the syntax layer has no transaction-set
schemas. Everything envelope-level is found, with its code and location.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import edi
from edi.errors import UnreadableStream
from edi.model import Scope, Severity
from edi.x12.reader import X12Reader

CORPUS = Path(__file__).parents[2] / "samples" / "corpus" / "x12"
INTERCHANGE, GROUP, TRANSACTION = Scope.INTERCHANGE, Scope.GROUP, Scope.TRANSACTION
ERROR, WARNING = Severity.ERROR, Severity.WARNING

# (code, scope, severity, offset, segment tag, segment number, element)
EXPECTED = {
    "badx12__X222-ambulance.edi": [],
    "badx12__error_validation.edi": [
        ("024", INTERCHANGE, ERROR, 106, "GS", None, 1),  # GS01 'HPO'
        ("024", INTERCHANGE, ERROR, 106, "GS", None, 2),  # GS02 '1' shorter than 2
        ("024", INTERCHANGE, ERROR, 106, "GS", None, 4),  # GS04 20080543
        ("021", INTERCHANGE, ERROR, 847, "IEA", None, 1),
        ("001", INTERCHANGE, ERROR, 847, "IEA", None, 2),
        ("5", GROUP, ERROR, 836, "GE", None, 1),
        ("4", GROUP, ERROR, 836, "GE", None, 2),
        ("4", TRANSACTION, ERROR, 823, "SE", 27, 1),
        ("3", TRANSACTION, ERROR, 823, "SE", 27, 2),
    ],
    # the line break after ISA16 is read as the segment terminator; then the file ends
    "badx12__segment_terminator.edi": [("023", INTERCHANGE, ERROR, 106, None, None, None)],
    "badx12__unknown_segment_error.edi": [
        ("022", INTERCHANGE, ERROR, 169, "HL", None, None),
        ("022", INTERCHANGE, ERROR, 180, "NM1", None, None),
        ("022", INTERCHANGE, ERROR, 218, "HL", None, None),
        ("4", TRANSACTION, ERROR, 460, "SE", 10, 1),
    ],
    "node-x12__850_fat.edi": [("025", INTERCHANGE, WARNING, 1115, "ISA", None, 13)],
    "oboe__DMX830.TXT": [("2", GROUP, ERROR, 106, "GS", None, 8)],
    "oboe__withTA1TestCase.edi": [],
    "staedi__empty997.edi": [],
    "staedi__invalid997.edi": [],
    "staedi__invalid997_min.edi": [
        ("024", INTERCHANGE, ERROR, 107, "GS", None, 4),
        ("024", INTERCHANGE, ERROR, 107, "GS", None, 5),
        ("4", GROUP, ERROR, 240, "GE", None, 2),
    ],
    "staedi__invalid999.edi": [("4", TRANSACTION, ERROR, 486, "SE", 18, 1)],
    "staedi__multi-tx-transaction-type.edi": [],
    "staedi__optionalInterchangeServices.edi": [],
    "staedi__sample837-HL-nested.edi": [],
    "staedi__simple997.edi": [],
    "staedi__ts214_ellipses_segterm.edi": [],
    "staedi__x12_interchange_ack.txt": [("021", INTERCHANGE, ERROR, 140, "IEA", None, 1)],
}


def test_every_corpus_file_has_an_expectation():
    names = {p.name for p in CORPUS.iterdir()}
    assert names == set(EXPECTED) | {"badx12__bad_file.edi"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_issues(name):
    result = edi.parse((CORPUS / name).read_bytes())
    found = [
        (i.code, i.scope, i.severity, i.location.offset, i.location.segment_tag,
         i.location.segment_number, i.location.element)
        for i in result.all_issues()
    ]
    assert found == EXPECTED[name]


def test_bad_file_is_unreadable():
    data = (CORPUS / "badx12__bad_file.edi").read_bytes()
    with pytest.raises(UnreadableStream) as err:
        edi.parse(data)
    assert err.value.code == "not-edi"
    with pytest.raises(UnreadableStream) as err:
        list(X12Reader(io.BytesIO(data)))
    assert err.value.code == "no-interchange"


@pytest.mark.parametrize(
    ("name", "shape"),
    [
        ("badx12__X222-ambulance.edi", [[("837", "000017712", 52)]]),
        ("node-x12__850_fat.edi", [[("850", "000000010", 33)], [("850", "000000010", 33)]]),
        ("oboe__DMX830.TXT", [[("830", "1280001", 41)]]),
        ("oboe__withTA1TestCase.edi", [[("840", "300017389", 31)]]),
        ("staedi__multi-tx-transaction-type.edi", [[("855", "0001", 3), ("855", "0002", 3)]]),
        ("staedi__sample837-HL-nested.edi", [[("837", "0001", 23), ("837", "0002", 13)]]),
        ("staedi__ts214_ellipses_segterm.edi", [[("214", "757760001", 20)]]),
        ("staedi__x12_interchange_ack.txt", [[]]),
    ],
)
def test_corpus_file_structure(name, shape):
    result = edi.parse((CORPUS / name).read_bytes())
    assert [
        [(m.type, m.control_number, len(m.segments)) for m in ic.messages]
        for ic in result.interchanges
    ] == shape


def test_ta1_of_the_oboe_file_is_on_the_envelope():
    result = edi.parse((CORPUS / "oboe__withTA1TestCase.edi").read_bytes())
    (ta1,) = result.interchanges[0].envelope.extra["ta1"]
    assert (ta1.value(1), ta1.value(4), ta1.value(5), ta1.offset) == (
        "723010535", "R", "024", 106)


def test_interchange_service_segments_are_kept():
    result = edi.parse((CORPUS / "staedi__optionalInterchangeServices.edi").read_bytes())
    assert [s.tag for s in result.interchanges[0].envelope.extra["services"]] == ["ISB", "ISE"]


def test_sample837_segments_have_no_indentation():
    result = edi.parse((CORPUS / "staedi__sample837-HL-nested.edi").read_bytes())
    hl = result.messages[0].segments[7]
    assert (hl.raw, hl.number) == ("HL*2*1*22*1", 8)
