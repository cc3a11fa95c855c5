"""Helpers shared by the cXML and UBL mappings: located issues, values, dates, parties, items.

Adapters never import lxml (only `edi/xml/` may): they walk the element tree they are handed
with the element API (`find`, `findall`, `get`, `sourceline`) and Clark-notation names built
from the namespace constants below. cXML has no namespace, so its names are plain.

Locations: an issue about an element carries `Location(line=el.sourceline, segment_tag=...)`
where the tag is the element's local name (`ItemOut`), an attribute of it (`ItemOut/@quantity`)
or, for a missing child, the parent and the child (`LineItem/cbc:Quantity`). The scope is
ELEMENT and the code `missing-element` or `invalid-value` (adapters.common).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from adapters.common import XML_INVALID_VALUE, XML_MISSING, MappingError, normalise_gtin, valid_gln
from edi.model import Issue, Location, Message, Scope, Severity
from schemas.documents import PartyRef, ProductRef

Element = Any  # the parsed element the reader hands over (an lxml element; never imported here)

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"

_DATE_WITH_ZONE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?")


# --- names and locations -----------------------------------------------------------------------


def cbc(name: str) -> str:
    return f"{{{CBC}}}{name}"


def cac(name: str) -> str:
    return f"{{{CAC}}}{name}"


def ubl_path(*steps: str) -> str:
    """`cac:Price/cbc:PriceAmount` -> Clark notation for `find`."""
    out = []
    for step in steps:
        prefix, _, name = step.partition(":")
        out.append(f"{{{CAC if prefix == 'cac' else CBC}}}{name}")
    return "/".join(out)


def local_name(element: Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else str(tag)


def short_name(element: Element) -> str:
    """`cbc:Quantity` for UBL components, the plain local name otherwise."""
    tag = element.tag
    if isinstance(tag, str) and tag.startswith(f"{{{CBC}}}"):
        return "cbc:" + local_name(element)
    if isinstance(tag, str) and tag.startswith(f"{{{CAC}}}"):
        return "cac:" + local_name(element)
    return local_name(element)


def location(element: Element, tag: str | None = None) -> Location:
    return Location(line=element.sourceline, segment_tag=tag or short_name(element))


def error(element: Element, code: str, message: str, tag: str | None = None) -> MappingError:
    return MappingError(Issue(code, Severity.ERROR, Scope.ELEMENT, location(element, tag),
                              message))


def warning(element: Element, code: str, message: str, tag: str | None = None) -> Issue:
    return Issue(code, Severity.WARNING, Scope.ELEMENT, location(element, tag), message)


def missing_child(parent: Element, child: str, message: str) -> MappingError:
    return error(parent, XML_MISSING, message, f"{short_name(parent)}/{child}")


def attr_tag(element: Element, attribute: str) -> str:
    return f"{short_name(element)}/@{attribute}"


# --- values ------------------------------------------------------------------------------------


def text(element: Element | None) -> str:
    """Stripped text content (comments' text excluded), "" when the element is absent."""
    if element is None:
        return ""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def child_text(parent: Element | None, path: str) -> str:
    return text(parent.find(path)) if parent is not None else ""


def attr(element: Element | None, name: str) -> str:
    if element is None:
        return ""
    return (element.get(name) or "").strip()


def required_attr(element: Element, name: str, what: str) -> str:
    value = attr(element, name)
    if not value:
        raise error(element, XML_MISSING, f"{what} is missing ({local_name(element)}@{name})",
                    attr_tag(element, name))
    return value


def required_child(parent: Element, path: str, shown: str, what: str) -> Element:
    found = parent.find(path)
    if found is None or not text(found):
        raise missing_child(parent, shown, f"{what} is missing ({shown})")
    return found


def to_decimal(raw: str, element: Element, what: str, tag: str | None = None) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise error(element, XML_INVALID_VALUE, f"{what} {raw!r} is not a number", tag)
    return value


def attr_decimal(element: Element, name: str, what: str, *,
                 mandatory: bool = False) -> Decimal | None:
    raw = attr(element, name)
    if not raw:
        if mandatory:
            raise error(element, XML_MISSING, f"{what} is missing ({local_name(element)}@{name})",
                        attr_tag(element, name))
        return None
    return to_decimal(raw, element, what, attr_tag(element, name))


def text_decimal(element: Element | None, what: str) -> Decimal | None:
    """The number in an element's text; None when the element is absent or empty."""
    raw = text(element)
    if element is None or not raw:
        return None
    return to_decimal(raw, element, what)


def parse_date(raw: str, element: Element, what: str, tag: str | None = None) -> date:
    """An ISO 8601 date or date-time (cXML `2020-03-31T21:39:22+01:00`, UBL `2005-06-20`,
    `2005-06-20Z`) -> its calendar date as written (no time-zone conversion)."""
    value = raw.strip()
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        pass
    match = _DATE_WITH_ZONE.fullmatch(value)
    if match is not None:
        try:
            return date.fromisoformat(match.group(1))
        except ValueError:
            pass
    raise error(element, XML_INVALID_VALUE, f"{what} {raw!r} is not a valid ISO 8601 date", tag)


def attr_date(element: Element | None, name: str, what: str, *,
              mandatory: bool = False) -> date | None:
    if element is None:
        return None
    raw = attr(element, name)
    if not raw:
        if mandatory:
            raise error(element, XML_MISSING, f"{what} is missing ({local_name(element)}@{name})",
                        attr_tag(element, name))
        return None
    return parse_date(raw, element, what, attr_tag(element, name))


def text_date(element: Element | None, what: str) -> date | None:
    raw = text(element)
    if element is None or not raw:
        return None
    return parse_date(raw, element, what)


def first(*candidates: Element | None) -> Element | None:
    return next((c for c in candidates if c is not None), None)


# --- identifiers -------------------------------------------------------------------------------





def gtin_or_none(value: str) -> str | None:
    return normalise_gtin(value) if value else None


# --- cXML --------------------------------------------------------------------------------------

# Credential@domain -> PartyRef scheme. NetworkID (Ariba network ids), email domains and any
# other private domain are codes agreed between the partners: ZZ.
CXML_DOMAIN_SCHEMES = {"duns": "DUNS", "gln": "GLN", "networkid": "ZZ"}
CXML_GTIN_NAMES = ("gtin", "ean", "upc", "ean/upc", "eanid", "gtin-14", "gtin14")


def cxml_payload(message: Message, name: str) -> Element:
    """`Request/<name>` or `Message/<name>` of the cXML root the reader kept."""
    root = message.document
    payload = root.find(f"Request/{name}")
    if payload is None:
        payload = root.find(f"Message/{name}")
    if payload is None:
        raise error(root, XML_MISSING, f"cXML document has no Request/{name}", f"cXML/{name}")
    return payload


def cxml_scheme(domain: str, identity: str) -> str:
    scheme = CXML_DOMAIN_SCHEMES.get(domain.strip().lower(), "ZZ")
    if scheme == "GLN" and not valid_gln(identity):
        return "ZZ"
    return scheme


def cxml_credential_party(message: Message, header_party: str, role: str) -> PartyRef | None:
    """The party of Header/From or Header/To: the first credential with a GLN or DUNS domain,
    else the first credential (a NetworkID or other agreed id, scheme ZZ)."""
    header = message.document.find("Header")
    if header is None:
        return None
    found: list[tuple[str, str]] = []
    for credential in header.findall(f"{header_party}/Credential"):
        identity = text(credential.find("Identity"))
        if identity:
            found.append((cxml_scheme(attr(credential, "domain"), identity), identity))
    if not found:
        return None
    scheme, value = next((f for f in found if f[0] in ("GLN", "DUNS")), found[0])
    return PartyRef(role=role, scheme=scheme, value=value)


def cxml_address_party(holder: Element | None, role: str) -> PartyRef | None:
    """ShipTo/BillTo `Address@addressID` (or a Contact@addressID) as a party with its code."""
    if holder is None:
        return None
    address = holder.find("Address")
    if address is None:
        address = holder
    code = attr(address, "addressID")
    if not code:
        return None
    scheme = "GLN" if attr(address, "addressIDDomain").upper() == "GLN" and valid_gln(code) \
        else "ZZ"
    return PartyRef(role=role, scheme=scheme, value=code, name=child_text(address, "Name") or None,
                    location_code=code)


def cxml_product(item_id: Element | None, detail: Element | None, issues: list[Issue],
                 *, holder: Element | None = None) -> ProductRef:
    """ItemID (SupplierPartID, BuyerPartID, IdReference) + an item detail element
    (ItemDetail / ShipNoticeItemDetail / InvoiceDetailItemReference: Description,
    ManufacturerPartID, Extrinsic). A GTIN is taken only when it validates; a GTIN-named
    value that does not is reported as a warning and left out."""
    fields: dict[str, str] = {}
    vendor = child_text(item_id, "SupplierPartID")
    buyer = child_text(item_id, "BuyerPartID")
    if vendor:
        fields["vendor_part"] = vendor
    if buyer:
        fields["buyer_part"] = buyer
    description = _cxml_description(detail)
    if description:
        fields["description"] = description
    candidates: list[tuple[Element, str, bool]] = []  # element, value, declared as a GTIN
    for parent in (item_id, detail, holder):
        if parent is None:
            continue
        for ref in parent.findall("IdReference"):
            if attr(ref, "domain").lower() in CXML_GTIN_NAMES:
                candidates.append((ref, attr(ref, "identifier"), True))
        for extrinsic in parent.findall("Extrinsic"):
            if attr(extrinsic, "name").lower() in CXML_GTIN_NAMES:
                candidates.append((extrinsic, text(extrinsic), True))
    if detail is not None:
        manufacturer = detail.find("ManufacturerPartID")
        if manufacturer is not None and text(manufacturer):
            candidates.append((manufacturer, text(manufacturer), False))
    for element, value, declared in candidates:
        gtin = gtin_or_none(value)
        if gtin is not None:
            fields["gtin"] = gtin
            break
        if declared and value:
            issues.append(warning(element, XML_INVALID_VALUE,
                                  f"GTIN {value!r} has no valid check digit; not used"))
    return ProductRef(**fields)


def _cxml_description(detail: Element | None) -> str:
    if detail is None:
        return ""
    description = detail.find("Description")
    if description is None:
        return ""
    short = description.find("ShortName")
    own = " ".join((description.text or "").split())
    return own or text(short)


def cxml_money(holder: Element | None, what: str) -> tuple[Decimal | None, str | None]:
    """(amount, currency) of holder/Money; (None, None) when absent or empty."""
    if holder is None:
        return None, None
    money = holder.find("Money")
    if money is None or not text(money):
        return None, attr(money, "currency") or None
    return text_decimal(money, what), attr(money, "currency") or None


# --- UBL ---------------------------------------------------------------------------------------

GLN_SCHEMES = {"GLN", "0088", "EAN", "GS1"}
DUNS_SCHEMES = {"DUNS", "0060"}
GTIN_SCHEMES = {"GTIN", "0160", "EAN", "UPC", "GS1"}
_PARTY_PATHS = (
    ("party", ubl_path("cbc:EndpointID"), "id"),
    ("party", ubl_path("cac:PartyIdentification", "cbc:ID"), "id"),
    ("role", cbc("CustomerAssignedAccountID"), "account"),
    ("role", cbc("SupplierAssignedAccountID"), "account"),
    ("party", ubl_path("cac:PartyLegalEntity", "cbc:CompanyID"), "legal"),
    ("party", ubl_path("cac:PartyTaxScheme", "cbc:CompanyID"), "tax"),
)


def ubl_scheme(element: Element, value: str) -> tuple[str, str]:
    """(scheme, value) of an identifier element by its schemeID: GLN (ICD 0088, `GLN`, also a
    PEPPOL `iso6523-actorid-upis` value `0088:...`) when the check digit is valid, DUNS (ICD
    0060, `DUNS`), else ZZ (a code agreed between the partners)."""
    scheme_id = attr(element, "schemeID").upper()
    if scheme_id == "ISO6523-ACTORID-UPIS" and ":" in value:
        scheme_id, _, value = value.partition(":")
    if scheme_id in GLN_SCHEMES:
        return ("GLN" if valid_gln(value) else "ZZ"), value
    if scheme_id in DUNS_SCHEMES:
        return "DUNS", value
    return "ZZ", value


def ubl_party(role_element: Element | None, role: str, issues: list[Issue]) -> PartyRef | None:
    """A UBL party role (cac:BuyerCustomerParty, cac:AccountingSupplierParty, ...) as a party.

    Identifiers are read in this order: Party/EndpointID, Party/PartyIdentification/ID, the
    role's CustomerAssignedAccountID / SupplierAssignedAccountID, Party/PartyLegalEntity/
    CompanyID, Party/PartyTaxScheme/CompanyID. A valid GLN wins, then a DUNS, then the first
    identifier (tax ids as scheme VAT, the rest ZZ). Account ids come before legal and tax
    ids (unlike the envelope's `edi.xml.ubl.party_id`) so that the order, despatch advice
    and invoice of one trade name a party the same way (the UBL 2.0 samples: CO001 / XFB01
    in both the Order and the Invoice). An identifier that claims to be a GLN but fails the
    check digit is skipped with a warning.
    """
    if role_element is None:
        return None
    party = role_element.find(cac("Party"))
    if party is None:
        party = role_element
    found: list[tuple[str, str]] = []
    for scope, path, kind in _PARTY_PATHS:
        parent = party if scope == "party" else role_element
        for element in parent.findall(path):
            value = text(element)
            if not value:
                continue
            if kind == "tax":
                found.append(("VAT", value))
                continue
            if kind == "account":
                found.append(("ZZ", value))
                continue
            scheme, value = ubl_scheme(element, value)
            if scheme == "ZZ" and attr(element, "schemeID").upper() in GLN_SCHEMES:
                issues.append(warning(element, XML_INVALID_VALUE,
                                      f"GLN {value!r} has no valid check digit; not used"))
                continue
            found.append((scheme, value))
    if not found:
        return None
    scheme, value = next((f for f in found if f[0] == "GLN"),
                         next((f for f in found if f[0] == "DUNS"), found[0]))
    name = child_text(party, ubl_path("cac:PartyName", "cbc:Name")) or child_text(
        party, ubl_path("cac:PartyLegalEntity", "cbc:RegistrationName")) or None
    return PartyRef(role=role, scheme=scheme, value=value, name=name,
                    location_code=value if scheme == "ZZ" else None)


def ubl_location(location_element: Element | None, role: str) -> PartyRef | None:
    """cac:DeliveryLocation (cbc:ID, cbc:Name / cbc:Description) as a place."""
    if location_element is None:
        return None
    id_element = location_element.find(cbc("ID"))
    value = text(id_element)
    if not value:
        return None
    scheme, value = ubl_scheme(id_element, value)
    if scheme == "ZZ" and not attr(id_element, "schemeID") and valid_gln(value):
        scheme = "GLN"  # a bare 13-digit location id with a valid check digit is a GLN
    name = child_text(location_element, cbc("Name")) or child_text(
        location_element, cbc("Description")) or None
    return PartyRef(role=role, scheme=scheme, value=value, name=name,
                    location_code=value if scheme == "ZZ" else None)


def ubl_product(item: Element | None) -> ProductRef:
    """cac:Item: SellersItemIdentification (vendor part), BuyersItemIdentification (buyer
    part), StandardItemIdentification (GTIN: schemeID 0160 / GTIN, or none), Description or
    Name. A declared GTIN with a wrong check digit is an error where it stands."""
    if item is None:
        return ProductRef()
    fields: dict[str, str] = {}
    vendor = child_text(item, ubl_path("cac:SellersItemIdentification", "cbc:ID"))
    buyer = child_text(item, ubl_path("cac:BuyersItemIdentification", "cbc:ID"))
    if vendor:
        fields["vendor_part"] = vendor
    if buyer:
        fields["buyer_part"] = buyer
    description = child_text(item, cbc("Description")) or child_text(item, cbc("Name"))
    if description:
        fields["description"] = description
    for element in item.findall(ubl_path("cac:StandardItemIdentification", "cbc:ID")):
        value = text(element)
        scheme_id = attr(element, "schemeID").upper()
        if not value or (scheme_id and scheme_id not in GTIN_SCHEMES):
            continue
        gtin = gtin_or_none(value)
        if gtin is None:
            raise error(element, XML_INVALID_VALUE,
                        f"StandardItemIdentification {value!r} is not a GTIN with a valid "
                        "check digit")
        fields["gtin"] = gtin
        break
    return ProductRef(**fields)


def ubl_quantity(parent: Element, name: str, what: str, *,
                 mandatory: bool) -> tuple[Decimal | None, str | None]:
    """(quantity, unitCode) of parent/cbc:<name>."""
    element = parent.find(cbc(name))
    if element is None or not text(element):
        if mandatory:
            raise missing_child(parent, f"cbc:{name}", f"{what} is missing (cbc:{name})")
        return None, None
    return to_decimal(text(element), element, what), attr(element, "unitCode") or None


def ubl_currency(root: Element) -> str | None:
    """cbc:DocumentCurrencyCode, else the currencyID of the first amount in the document."""
    code = child_text(root, cbc("DocumentCurrencyCode"))
    if code:
        return code
    for element in root.iter():
        if isinstance(element.tag, str) and element.get("currencyID"):
            return element.get("currencyID").strip()
    return None


def ubl_date(parent: Element | None, path: str, what: str) -> date | None:
    return text_date(parent.find(path), what) if parent is not None else None


def unique(parties: Iterable[PartyRef | None]) -> tuple[PartyRef, ...]:
    return tuple(p for p in parties if p is not None)
