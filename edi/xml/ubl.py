"""OASIS UBL 2.x: document type, id, version, dates and the sending and receiving parties.

A UBL document's root is `<Type>` in the namespace
`urn:oasis:names:specification:ubl:schema:xsd:<Type>-2`; prefixes are free (`Bob:Invoice`),
so everything here is looked up by namespace, never by prefix.
"""

from __future__ import annotations

import re

from lxml import etree

from edi.model import Scope, Severity
from edi.xml.facts import DocumentFacts, issue, local_name, text_of

PREFIX = "ubl:"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
_NAMESPACE = re.compile(r"urn:oasis:names:specification:ubl:schema:xsd:([A-Za-z]+)-2")

MISSING_SENDER = "missing-sender"
MISSING_RECEIVER = "missing-receiver"
MISSING_CONTROL_NUMBER = "missing-control-number"

_BUYER_TO_SELLER = (("BuyerCustomerParty",), ("SellerSupplierParty",))
_SELLER_TO_BUYER = (("SellerSupplierParty",), ("BuyerCustomerParty",))
_SUPPLIER_TO_CUSTOMER = (("AccountingSupplierParty",), ("AccountingCustomerParty",))

# Which party element sends each document type, and which receives it.
ROLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Order": _BUYER_TO_SELLER,
    "OrderChange": _BUYER_TO_SELLER,
    "OrderCancellation": _BUYER_TO_SELLER,
    "RequestForQuotation": _BUYER_TO_SELLER,
    "OrderResponse": _SELLER_TO_BUYER,
    "OrderResponseSimple": _SELLER_TO_BUYER,
    "Quotation": _SELLER_TO_BUYER,
    "DespatchAdvice": (("DespatchSupplierParty",), ("DeliveryCustomerParty",)),
    "ReceiptAdvice": (("DeliveryCustomerParty",), ("DespatchSupplierParty",)),
    "Invoice": _SUPPLIER_TO_CUSTOMER,
    "CreditNote": _SUPPLIER_TO_CUSTOMER,
    "DebitNote": _SUPPLIER_TO_CUSTOMER,
    "SelfBilledInvoice": (("AccountingCustomerParty",), ("AccountingSupplierParty",)),
    "ApplicationResponse": (("SenderParty",), ("ReceiverParty",)),
    "Catalogue": (("ProviderParty", "SellerSupplierParty"), ("ReceiverParty",)),
}
# For the other UBL types: the first of these that is present.
_DEFAULT_ROLES = (
    ("SenderParty", "SellerSupplierParty", "AccountingSupplierParty", "DespatchSupplierParty"),
    ("ReceiverParty", "BuyerCustomerParty", "AccountingCustomerParty", "DeliveryCustomerParty"),
)


def ubl_type(root: etree._Element) -> str | None:
    """`Order` for a UBL 2.x Order root, None when the root is not a UBL document."""
    qname = etree.QName(root)
    match = _NAMESPACE.fullmatch(qname.namespace or "")
    if match is None or match.group(1) != qname.localname:
        return None
    return qname.localname


def read_ubl(root: etree._Element, name: str) -> DocumentFacts:
    facts = DocumentFacts(
        type=PREFIX + name,
        control_number=text_of(root.find(f"{{{CBC}}}ID")),
        version=text_of(root.find(f"{{{CBC}}}UBLVersionID")),
        date=text_of(root.find(f"{{{CBC}}}IssueDate")),
        time=text_of(root.find(f"{{{CBC}}}IssueTime")),
    )
    if not facts.control_number:
        facts.interchange_issues.append(issue(
            MISSING_CONTROL_NUMBER, Severity.ERROR, Scope.INTERCHANGE, root,
            f"UBL {name} has no cbc:ID",
        ))
    senders, receivers = ROLES.get(name, _DEFAULT_ROLES)
    sender_role = _role(root, senders)
    receiver_role = _role(root, receivers)
    if sender_role is not None:
        facts.sender, facts.sender_qualifier, source = party_id(sender_role)
        facts.extra["sender_party"] = local_name(sender_role)
        facts.extra["sender_id_source"] = source
    if receiver_role is not None:
        facts.receiver, facts.receiver_qualifier, source = party_id(receiver_role)
        facts.extra["receiver_party"] = local_name(receiver_role)
        facts.extra["receiver_id_source"] = source
    if name in ROLES:
        if not facts.sender:
            facts.interchange_issues.append(issue(
                MISSING_SENDER, Severity.ERROR, Scope.INTERCHANGE,
                sender_role if sender_role is not None else root,
                f"UBL {name}: no identifier for the sending party (cac:{senders[0]})",
            ))
        if not facts.receiver:
            facts.interchange_issues.append(issue(
                MISSING_RECEIVER, Severity.WARNING, Scope.INTERCHANGE,
                receiver_role if receiver_role is not None else root,
                f"UBL {name}: no identifier for the receiving party (cac:{receivers[0]})",
            ))
    return facts


def _role(root: etree._Element, names: tuple[str, ...]) -> etree._Element | None:
    for name in names:
        element = root.find(f"{{{CAC}}}{name}")
        if element is not None:
            return element
    return None


def party_id(role: etree._Element) -> tuple[str, str, str]:
    """(id, qualifier, source element) of a party role such as cac:BuyerCustomerParty.

    Looked up in order: Party/EndpointID, Party/PartyIdentification/ID,
    Party/PartyLegalEntity/CompanyID, Party/PartyTaxScheme/CompanyID, then the role's
    CustomerAssignedAccountID / SupplierAssignedAccountID. The qualifier is the `schemeID`
    attribute; failing that the tax scheme (`VAT`) or the account id's element name.
    ("", "", "") when none carries a value.
    """
    party = role.find(f"{{{CAC}}}Party")
    if party is None:  # UBL 2.1 SenderParty/ReceiverParty are parties themselves
        party = role
    candidates = (
        (party, f"{{{CBC}}}EndpointID", None),
        (party, f"{{{CAC}}}PartyIdentification/{{{CBC}}}ID", None),
        (party, f"{{{CAC}}}PartyLegalEntity/{{{CBC}}}CompanyID", None),
        (party, f"{{{CAC}}}PartyTaxScheme/{{{CBC}}}CompanyID", "tax"),
        (role, f"{{{CBC}}}CustomerAssignedAccountID", "account"),
        (role, f"{{{CBC}}}SupplierAssignedAccountID", "account"),
    )
    for parent, path, kind in candidates:
        for element in parent.iterfind(path):
            value = text_of(element)
            if not value:
                continue
            qualifier = element.get("schemeID", "").strip()
            if not qualifier and kind == "tax":
                scheme = element.getparent().find(f"{{{CAC}}}TaxScheme/{{{CBC}}}ID")
                qualifier = text_of(scheme)
            elif not qualifier and kind == "account":
                qualifier = local_name(element)
            return value, qualifier, _source(path)
    return "", "", ""


def _source(path: str) -> str:
    """`PartyIdentification/ID` from a Clark-notation path."""
    return "/".join(etree.QName(step).localname for step in path.split("/"))
