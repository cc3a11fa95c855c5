"""What the reader learns from one XML document's header, before it builds the envelopes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from edi.model import Issue, Location, Scope, Severity


@dataclass(slots=True)
class DocumentFacts:
    type: str  # `cxml:OrderRequest`, `ubl:Order`, `xml:{namespace}localname`
    control_number: str = ""
    version: str = ""
    sender: str = ""
    sender_qualifier: str = ""
    receiver: str = ""
    receiver_qualifier: str = ""
    date: str = ""
    time: str = ""
    test: bool = False
    interchange_issues: list[Issue] = field(default_factory=list)
    message_issues: list[Issue] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def text_of(element: etree._Element | None) -> str:
    """The stripped text content of an element, or "" when it is absent."""
    if element is None:
        return ""
    return "".join(element.itertext()).strip()


def located(element: etree._Element) -> Location:
    return Location(line=element.sourceline)


def issue(
    code: str, severity: Severity, scope: Scope, element: etree._Element, message: str
) -> Issue:
    return Issue(code, severity, scope, located(element), message)


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname


def first_child(parent: etree._Element) -> etree._Element | None:
    """The first child element, skipping comments and processing instructions."""
    return next(parent.iterchildren(etree.Element), None)
