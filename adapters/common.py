"""Helpers shared by the mapping functions: dates, numbers, identifiers, located issues."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from stdnum import ean as stdnum_ean
from stdnum.exceptions import ValidationError

from edi.model import Issue, Scope, Segment, Severity
from schemas.documents import Document

# X12 AK4/IK4 element error codes and AK3/IK3 segment error codes used by the mappings.
X12_MANDATORY_ELEMENT_MISSING = "1"
X12_INVALID_CHARACTER = "6"
X12_INVALID_CODE_VALUE = "7"
X12_INVALID_DATE = "8"
X12_MANDATORY_SEGMENT_MISSING = "3"
# EDIFACT CONTRL 0085 codes used by the mappings.
EDIFACT_INVALID_VALUE = "12"
EDIFACT_MISSING = "13"
# XML documents have no acknowledgement code list; short reasons instead.
XML_MISSING = "missing-element"
XML_INVALID_VALUE = "invalid-value"


class MappingError(Exception):
    """A message cannot be mapped; carries the located issue that says where and why."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.message)
        self.issue = issue


@dataclass(slots=True)
class Mapped:
    """What an adapter returns: canonical documents and the issues met on the way."""

    documents: list[Document] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def element_error(seg: Segment, position: int, code: str, message: str,
                  component: int | None = None) -> MappingError:
    return MappingError(
        Issue(code, Severity.ERROR, Scope.ELEMENT, seg.location(position, component),
              f"{seg.tag}{position:02d}: {message}")
    )


def missing_segment(tag: str, anchor: Segment, message: str) -> MappingError:
    loc = anchor.location()
    return MappingError(
        Issue(X12_MANDATORY_SEGMENT_MISSING, Severity.ERROR, Scope.SEGMENT, loc, message)
    )


def required(seg: Segment, position: int, what: str) -> str:
    value = seg.value(position).strip()
    if not value:
        raise element_error(seg, position, X12_MANDATORY_ELEMENT_MISSING, f"{what} is missing")
    return value


def ccyymmdd(seg: Segment, position: int, what: str) -> date | None:
    """A CCYYMMDD (or YYMMDD) date element, None when empty."""
    text = seg.value(position).strip()
    if not text:
        return None
    try:
        if len(text) == 8:
            return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        if len(text) == 6:
            return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        pass
    raise element_error(seg, position, X12_INVALID_DATE, f"{what} {text!r} is not a valid date")


def decimal_value(seg: Segment, position: int, what: str, *, mandatory: bool = False,
                  component: int = 1) -> Decimal | None:
    return decimal_text(seg, position, seg.value(position, component).strip(), what,
                        mandatory=mandatory)


def decimal_text(seg: Segment, position: int, text: str, what: str, *,
                 mandatory: bool = False) -> Decimal | None:
    """`decimal_value` of `text`, read already (stripped) from element `position` of `seg`."""
    if not text:
        if mandatory:
            raise element_error(seg, position, X12_MANDATORY_ELEMENT_MISSING,
                                f"{what} is missing")
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise element_error(seg, position, X12_INVALID_CHARACTER,
                            f"{what} {text!r} is not a number")
    return value


def is_digits(text: str) -> bool:
    """ASCII digits only: `str.isdigit()` also accepts '²' or Arabic-Indic digits, which
    `int()` and `Decimal()` then refuse."""
    return text.isascii() and text.isdigit()


def valid_gln(value: str) -> bool:
    """A GLN: 13 digits with a valid GS1 check digit."""
    return len(value) == 13 and is_digits(value) and stdnum_ean.is_valid(value)


@lru_cache(maxsize=8192)
def normalise_gtin(code: str) -> str | None:
    """GTIN-8/12/13/14 (UPC, EAN) -> 14 digits, or None when the check digit is wrong.

    Cached: a file names the same few thousand products on every line, and the check-digit
    validation is most of what mapping an order line costs."""
    digits = code.strip()
    if not is_digits(digits) or len(digits) not in (8, 12, 13, 14):
        return None
    try:
        stdnum_ean.validate(digits)
    except ValidationError:
        return None
    return digits.zfill(14)
