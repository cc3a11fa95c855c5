"""X12 envelope rules: each broken rule gives its acknowledgement code at its location."""

from __future__ import annotations

import pytest

import edi
from edi.model import Location, Scope, Severity


def isa(control="000000001", *, date="240101", time="1200", ack="0", test="P",
        rep="U", version="00401", qual="ZZ", sender="BUYER"):
    return "*".join(["ISA", "00", " " * 10, "00", " " * 10, qual, sender.ljust(15), "ZZ",
                     "VENDOR".ljust(15), date, time, rep, version, control, ack, test,
                     ">"]) + "~"


GS = "GS*PO*BUYER*VENDOR*20240101*1200*7*X*004010~"
ST = "ST*850*0001~BEG*00*SA*1**20240101~SE*3*0001~"
GOOD = isa() + GS + ST + "GE*1*7~IEA*1*000000001~"


def issues_of(text: str) -> list[tuple[str, Scope, Location]]:
    result = edi.parse(text.encode("latin-1"))
    return [(i.code, i.scope, i.location) for i in result.all_issues()
            if i.severity is Severity.ERROR]


def at(text: str, needle: str, **kw) -> Location:
    return Location(offset=text.index(needle), **kw)


def test_good_interchange_has_no_issues():
    assert issues_of(GOOD) == []


def test_iea02_must_match_isa13():
    text = GOOD.replace("IEA*1*000000001", "IEA*1*000000002")
    assert issues_of(text) == [
        ("001", Scope.INTERCHANGE, at(text, "IEA", segment_tag="IEA", element=2))]


def test_iea01_must_count_groups():
    text = GOOD.replace("IEA*1*", "IEA*2*")
    assert issues_of(text) == [
        ("021", Scope.INTERCHANGE, at(text, "IEA", segment_tag="IEA", element=1))]


def test_missing_iea_is_improper_end_of_file():
    text = isa() + GS + ST + "GE*1*7~"
    assert issues_of(text) == [("023", Scope.INTERCHANGE, Location(offset=len(text)))]


def test_new_isa_before_iea_closes_the_interchange_as_premature():
    first = isa() + GS + ST + "GE*1*7~"
    text = first + GOOD.replace("000000001", "000000002")
    assert issues_of(text) == [("023", Scope.INTERCHANGE, Location(offset=len(first)))]


def test_ge02_must_match_gs06():
    text = GOOD.replace("GE*1*7", "GE*1*8")
    assert issues_of(text) == [("4", Scope.GROUP, at(text, "GE*", segment_tag="GE", element=2))]


def test_ge01_must_count_transaction_sets():
    text = GOOD.replace("GE*1*7", "GE*3*7")
    assert issues_of(text) == [("5", Scope.GROUP, at(text, "GE*", segment_tag="GE", element=1))]


def test_missing_ge_is_reported_at_the_iea():
    text = isa() + GS + ST + "IEA*1*000000001~"
    assert issues_of(text) == [("3", Scope.GROUP, Location(offset=text.index("IEA")))]


def test_se02_must_match_st02():
    text = GOOD.replace("SE*3*0001", "SE*3*0009")
    assert issues_of(text) == [("3", Scope.TRANSACTION,
                                at(text, "SE*", segment_tag="SE", segment_number=3, element=2))]


def test_se01_must_count_segments_including_st_and_se():
    text = GOOD.replace("SE*3*0001", "SE*2*0001")
    assert issues_of(text) == [("4", Scope.TRANSACTION,
                                at(text, "SE*", segment_tag="SE", segment_number=3, element=1))]


def test_missing_se_is_reported_where_the_set_ends():
    text = isa() + GS + "ST*850*0001~BEG*00*SA*1**20240101~GE*1*7~IEA*1*000000001~"
    assert issues_of(text) == [("2", Scope.TRANSACTION, Location(offset=text.index("GE*")))]


def test_duplicate_st02_in_a_group():
    text = isa() + GS + ST + ST + "GE*2*7~IEA*1*000000001~"
    second = text.index("ST*850", text.index("SE*"))
    assert issues_of(text) == [("23", Scope.TRANSACTION, Location(
        offset=second, segment_tag="ST", segment_number=1, element=2))]


def test_short_st02_is_an_element_and_transaction_error():
    text = GOOD.replace("ST*850*0001", "ST*850*01").replace("SE*3*0001", "SE*3*01")
    loc = at(text, "ST*", segment_tag="ST", segment_number=1, element=2)
    assert issues_of(text) == [("4", Scope.ELEMENT, loc), ("7", Scope.TRANSACTION, loc)]


def test_invalid_transaction_set_identifier():
    text = GOOD.replace("ST*850", "ST*85X")
    assert issues_of(text) == [("6", Scope.TRANSACTION,
                                at(text, "ST*", segment_tag="ST", segment_number=1, element=1))]


def test_lowercase_segment_tag_is_unrecognised():
    text = GOOD.replace("BEG*", "beg*")
    assert issues_of(text) == [("1", Scope.SEGMENT,
                                at(text, "beg", segment_tag="beg", segment_number=2))]


@pytest.mark.parametrize(
    ("kwargs", "code", "element"),
    [
        ({"date": "241301"}, "014", 9),
        ({"date": "24010A"}, "014", 9),
        ({"time": "2460"}, "015", 10),
        ({"control": "00000000A"}, "018", 13),
        ({"ack": "2"}, "019", 14),
        ({"test": "X"}, "020", 15),
        ({"qual": "Z "}, "005", 5),
        ({"sender": ""}, "006", 6),
        ({"rep": "^"}, "016", 11),
    ],
)
def test_isa_element_rules(kwargs, code, element):
    control = kwargs.get("control", "000000001")
    text = isa(**kwargs) + GS + ST + f"GE*1*7~IEA*1*{control}~"
    assert issues_of(text) == [
        (code, Scope.INTERCHANGE, Location(offset=0, segment_tag="ISA", element=element))]


def test_isa_that_is_not_fixed_width_is_read_but_reported():
    text = GOOD.replace("BUYER          ", "BUYER", 1)
    result = edi.parse(text.encode())
    assert [(i.code, i.location) for i in result.all_issues()] == [
        ("024", Location(offset=0, segment_tag="ISA")),
        ("006", Location(offset=0, segment_tag="ISA", element=6)),
    ]
    assert result.interchanges[0].envelope.sender == "BUYER"
    assert len(result.messages) == 1


def test_gs_date_and_time_must_be_valid():
    text = GOOD.replace("20240101*1200*7", "20240230*2561*7")
    gs = text.index("GS*")
    assert issues_of(text) == [
        ("024", Scope.INTERCHANGE, Location(offset=gs, segment_tag="GS", element=4)),
        ("024", Scope.INTERCHANGE, Location(offset=gs, segment_tag="GS", element=5)),
    ]


def test_gs_mandatory_elements():
    text = GOOD.replace("*X*004010", "**004010")
    assert issues_of(text) == [
        ("024", Scope.INTERCHANGE, at(text, "GS*", segment_tag="GS", element=7))]


def test_gs06_must_be_numeric():
    text = GOOD.replace("1200*7*X", "1200*A7*X").replace("GE*1*7", "GE*1*A7")
    assert issues_of(text) == [("6", Scope.GROUP, at(text, "GS*", segment_tag="GS", element=6))]


def test_gs06_must_be_unique_within_the_interchange():
    text = isa() + GS + ST + "GE*1*7~" + GS + ST + "GE*1*7~IEA*2*000000001~"
    second = text.index("GS*", 120)
    assert issues_of(text) == [("19", Scope.GROUP, Location(offset=second, segment_tag="GS",
                                                           element=6))]


def test_segments_outside_a_transaction_set():
    text = GOOD.replace("ST*850", "REF*ZZ*1~ST*850")
    assert issues_of(text) == [("022", Scope.INTERCHANGE, at(text, "REF", segment_tag="REF"))]


def test_transaction_set_outside_a_group():
    text = isa() + ST + "IEA*1*000000001~"
    assert issues_of(text) == [("022", Scope.INTERCHANGE, at(text, "ST*", segment_tag="ST"))]


def test_unterminated_last_segment_is_a_warning():
    text = GOOD[:-1]
    result = edi.parse(text.encode())
    (issue,) = result.all_issues()
    assert (issue.code, issue.severity, issue.location.offset) == (
        "023", Severity.WARNING, text.index("IEA"))


def test_repeated_isa13_in_one_input_is_a_warning():
    result = edi.parse((GOOD + GOOD).encode())
    (issue,) = result.all_issues()
    assert (issue.code, issue.severity, issue.location) == (
        "025", Severity.WARNING, Location(offset=len(GOOD), segment_tag="ISA", element=13))
