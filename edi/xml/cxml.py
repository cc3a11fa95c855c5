"""cXML: the document type, payload id and Header credentials of one `<cXML>` document.

cXML has no namespace. A document is `Header` + `Request` or `Message` (the payload is their
only child element: `OrderRequest`, `ConfirmationRequest`, `ShipNoticeRequest`,
`ProductActivityMessage`, ...), or a bare `Response` (no Header, by the cXML DTD).
"""

from __future__ import annotations

from lxml import etree

from edi.model import Scope, Severity
from edi.xml.facts import DocumentFacts, first_child, issue, local_name, text_of

ROOT = "cXML"
PREFIX = "cxml:"

MISSING_SENDER = "missing-sender"
MISSING_RECEIVER = "missing-receiver"
MISSING_CONTROL_NUMBER = "missing-control-number"
MISSING_PAYLOAD = "missing-payload"


def is_cxml(root: etree._Element) -> bool:
    return root.tag == ROOT


def read_cxml(root: etree._Element) -> DocumentFacts:
    header = root.find("Header")
    container = next(
        (c for c in (root.find("Request"), root.find("Message"), root.find("Response"))
         if c is not None),
        None,
    )
    facts = DocumentFacts(
        type=PREFIX + _payload_name(container),
        control_number=root.get("payloadID", "").strip(),
        version=root.get("version", "").strip(),
        date=root.get("timestamp", "").strip(),
    )
    is_response = container is not None and container.tag == "Response"
    mode = container.get("deploymentMode", "") if container is not None else ""
    facts.test = mode.strip().lower() == "test"
    facts.extra["payload_id"] = facts.control_number
    if mode:
        facts.extra["deployment_mode"] = mode
    if container is None or (not is_response and first_child(container) is None):
        where = container if container is not None else root
        facts.message_issues.append(issue(
            MISSING_PAYLOAD, Severity.ERROR, Scope.TRANSACTION, where,
            "cXML document has no Request, Message or Response payload",
        ))
    if not facts.control_number:
        facts.interchange_issues.append(issue(
            MISSING_CONTROL_NUMBER, Severity.ERROR, Scope.INTERCHANGE, root,
            "cXML document has no payloadID",
        ))

    from_credentials = _credentials(header, "From")
    to_credentials = _credentials(header, "To")
    facts.extra["from_credentials"] = from_credentials
    facts.extra["to_credentials"] = to_credentials
    if from_credentials:
        facts.sender_qualifier, facts.sender = from_credentials[0]
    if to_credentials:
        facts.receiver_qualifier, facts.receiver = to_credentials[0]
    if header is not None:
        user_agent = text_of(header.find("Sender/UserAgent"))
        if user_agent:
            facts.extra["user_agent"] = user_agent
    if not is_response:  # a Response carries no Header by the cXML DTD
        where = _nearest(root, header, "From")
        if not facts.sender:
            facts.interchange_issues.append(issue(
                MISSING_SENDER, Severity.ERROR, Scope.INTERCHANGE, where,
                "cXML Header/From has no Credential/Identity: the sender is unknown",
            ))
        if not facts.receiver:
            facts.interchange_issues.append(issue(
                MISSING_RECEIVER, Severity.WARNING, Scope.INTERCHANGE,
                _nearest(root, header, "To"),
                "cXML Header/To has no Credential/Identity: the receiver is unknown",
            ))
    return facts


def _payload_name(container: etree._Element | None) -> str:
    """`OrderRequest` for Request/OrderRequest; `Response` for a Response with only Status."""
    if container is None:
        return ROOT
    for child in container.iterchildren(etree.Element):
        if container.tag != "Response" or child.tag != "Status":
            return local_name(child)
    return container.tag


def _credentials(header: etree._Element | None, party: str) -> list[tuple[str, str]]:
    """(domain, identity) for each Credential of Header/From or Header/To, in order."""
    if header is None:
        return []
    found = []
    for credential in header.iterfind(f"{party}/Credential"):
        identity = text_of(credential.find("Identity"))
        if identity:
            found.append((credential.get("domain", "").strip(), identity))
    return found


def _nearest(
    root: etree._Element, header: etree._Element | None, party: str
) -> etree._Element:
    if header is None:
        return root
    element = header.find(party)
    return element if element is not None else header
