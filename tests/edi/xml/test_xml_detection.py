"""Document type detection and envelope facts, on small literal cXML and UBL documents."""

from __future__ import annotations

import io

import pytest

from edi.limits import Limits
from edi.model import Message, Scope, Severity, Standard
from edi.xml.reader import XmlReader

UBL = "urn:oasis:names:specification:ubl:schema:xsd"
NAMESPACES = (
    f'xmlns:cac="{UBL}:CommonAggregateComponents-2" '
    f'xmlns:cbc="{UBL}:CommonBasicComponents-2"'
)


def read(data: str | bytes) -> Message:
    raw = data.encode() if isinstance(data, str) else data
    return next(iter(XmlReader(io.BytesIO(raw), Limits())))


def cxml(container: str, payload: str, *, mode: str = "", header: str | None = None) -> str:
    if header is None:
        header = (
            "<Header>\n"
            '<From><Credential domain="DUNS"><Identity>123456789</Identity></Credential></From>\n'
            '<To><Credential domain="NetworkID"><Identity>AN0100</Identity></Credential></To>\n'
            '<Sender><Credential domain="NetworkID"><Identity>AN0100</Identity>'
            "<SharedSecret>hunter2</SharedSecret></Credential>"
            "<UserAgent>Test Agent 1.0</UserAgent></Sender>\n"
            "</Header>\n"
        )
    deployment = f' deploymentMode="{mode}"' if mode else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">\n'
        '<cXML payloadID="20240102.1@buyer.example" timestamp="2024-01-02T03:04:05-08:00"'
        ' version="1.2.014">\n'
        f"{header}"
        f"<{container}{deployment}>{payload}</{container}>\n"
        "</cXML>\n"
    )


@pytest.mark.parametrize(
    ("container", "payload", "expected"),
    [
        ("Request", '<OrderRequest><OrderRequestHeader orderID="PO1"/></OrderRequest>',
         "cxml:OrderRequest"),
        ("Request", '<ConfirmationRequest><ConfirmationHeader type="accept"/>'
                    "</ConfirmationRequest>", "cxml:ConfirmationRequest"),
        ("Request", '<ShipNoticeRequest><ShipNoticeHeader shipmentID="S1"/>'
                    "</ShipNoticeRequest>", "cxml:ShipNoticeRequest"),
        ("Request", "<InvoiceDetailRequest/>", "cxml:InvoiceDetailRequest"),
        ("Request", "<StatusUpdateRequest/>", "cxml:StatusUpdateRequest"),
        ("Message", "<ProductActivityMessage><ProductActivityHeader messageID=\"M1\"/>"
                    "</ProductActivityMessage>", "cxml:ProductActivityMessage"),
        ("Message", "<QuoteMessage/>", "cxml:QuoteMessage"),
        ("Request", "<!-- comment first --><OrderRequest/>", "cxml:OrderRequest"),
    ],
)
def test_cxml_type_is_the_payload_element(container: str, payload: str, expected: str) -> None:
    message = read(cxml(container, payload))

    assert message.type == expected
    assert message.standard is Standard.XML
    assert message.issues == []


def test_cxml_message_fields() -> None:
    message = read(cxml("Request", "<OrderRequest/>"))

    assert message.control_number == "20240102.1@buyer.example"
    assert message.version == "1.2.014"
    assert message.segments == []
    assert message.index == 1
    assert message.document.tag == "cXML"


def test_cxml_envelope_comes_from_the_header() -> None:
    envelope = read(cxml("Request", "<OrderRequest/>")).interchange

    assert (envelope.sender_qualifier, envelope.sender) == ("DUNS", "123456789")
    assert (envelope.receiver_qualifier, envelope.receiver) == ("NetworkID", "AN0100")
    assert envelope.control_number == "20240102.1@buyer.example"
    assert envelope.date == "2024-01-02T03:04:05-08:00"
    assert envelope.version == "1.2.014"
    assert envelope.test is False
    assert envelope.issues == []
    assert envelope.extra["user_agent"] == "Test Agent 1.0"
    assert envelope.extra["doctype_system_id"] == (
        "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd"
    )


def test_cxml_shared_secret_is_never_copied_into_the_envelope() -> None:
    envelope = read(cxml("Request", "<OrderRequest/>")).interchange

    assert "hunter2" not in repr(envelope)


def test_cxml_first_of_several_credentials_is_the_sender_and_all_are_kept() -> None:
    header = (
        "<Header><From>"
        '<Credential domain="NetworkID"><Identity> AN0001 </Identity></Credential>'
        '<Credential domain="DUNS"><Identity>987654321</Identity></Credential>'
        '</From><To><Credential domain="DUNS"><Identity>111</Identity></Credential></To>'
        "</Header>"
    )
    envelope = read(cxml("Request", "<OrderRequest/>", header=header)).interchange

    assert (envelope.sender_qualifier, envelope.sender) == ("NetworkID", "AN0001")
    assert envelope.extra["from_credentials"] == [("NetworkID", "AN0001"), ("DUNS", "987654321")]
    assert envelope.extra["to_credentials"] == [("DUNS", "111")]


@pytest.mark.parametrize(
    ("container", "mode", "expected"),
    [
        ("Request", "test", True),
        ("Request", "production", False),
        ("Request", "", False),
        ("Message", "test", True),
    ],
)
def test_cxml_test_flag_comes_from_deployment_mode(container, mode, expected) -> None:
    message = read(cxml(container, "<OrderRequest/>", mode=mode))

    assert message.interchange.test is expected
    assert message.group.test is expected


def test_cxml_without_sender_identity_is_an_interchange_error() -> None:
    header = (
        "<Header>\n<From>\n<Credential domain=\"NetworkID\"><Identity/></Credential>\n</From>\n"
        '<To><Credential domain="DUNS"><Identity>111</Identity></Credential></To>\n</Header>\n'
    )
    message = read(cxml("Request", "<OrderRequest/>", header=header))

    [issue] = message.interchange.issues
    assert (issue.code, issue.severity, issue.scope) == (
        "missing-sender", Severity.ERROR, Scope.INTERCHANGE,
    )
    assert issue.location.line == 5  # the <From> element
    assert message.interchange.sender == ""


def test_cxml_without_header_misses_sender_and_receiver() -> None:
    message = read(cxml("Request", "<OrderRequest/>", header=""))

    codes = [(i.code, i.severity, i.location.line) for i in message.interchange.issues]
    assert codes == [
        ("missing-sender", Severity.ERROR, 3),
        ("missing-receiver", Severity.WARNING, 3),
    ]


def test_cxml_without_payload_id_misses_the_control_number() -> None:
    data = cxml("Request", "<OrderRequest/>").replace(' payloadID="20240102.1@buyer.example"', "")

    message = read(data)

    [issue] = message.interchange.issues
    assert (issue.code, issue.severity, issue.location.line) == (
        "missing-control-number", Severity.ERROR, 3,
    )
    assert message.control_number == ""


def test_cxml_empty_request_is_a_message_error() -> None:
    message = read(cxml("Request", ""))

    assert message.type == "cxml:Request"
    [issue] = message.issues
    assert (issue.code, issue.scope, issue.location.line) == (
        "missing-payload", Scope.TRANSACTION, 9,
    )
    assert not message.accepted


def test_cxml_response_with_only_status_is_a_response_without_sender_issue() -> None:
    data = (
        '<cXML payloadID="r1" timestamp="2024-01-02T03:04:05Z">'
        '<Response><Status code="200" text="OK"/></Response></cXML>'
    )

    message = read(data)

    assert message.type == "cxml:Response"
    assert message.interchange.issues == []
    assert message.issues == []


def test_cxml_response_type_is_its_payload_after_status() -> None:
    data = (
        '<cXML payloadID="r2" timestamp="2024-01-02T03:04:05Z"><Response>'
        '<Status code="200" text="OK"/><ProfileResponse effectiveDate="2024-01-01"/>'
        "</Response></cXML>"
    )

    assert read(data).type == "cxml:ProfileResponse"


def ubl(type_name: str, body: str, *, root_prefix: str = "") -> str:
    tag = f"{root_prefix}:{type_name}" if root_prefix else type_name
    xmlns = f"xmlns:{root_prefix}" if root_prefix else "xmlns"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{tag} {xmlns}="{UBL}:{type_name}-2" {NAMESPACES}>\n'
        "<cbc:UBLVersionID>2.1</cbc:UBLVersionID>\n"
        f"<cbc:ID>DOC-{type_name}</cbc:ID>\n"
        "<cbc:IssueDate>2024-03-04</cbc:IssueDate>\n"
        "<cbc:IssueTime>10:11:12</cbc:IssueTime>\n"
        f"{body}"
        f"</{tag}>\n"
    )


def party(role: str, gln: str) -> str:
    return (
        f"<cac:{role}><cac:Party><cac:PartyIdentification>"
        f'<cbc:ID schemeID="GLN">{gln}</cbc:ID>'
        f"</cac:PartyIdentification></cac:Party></cac:{role}>\n"
    )


BUYER = "4012345000009"
SELLER = "4098765000007"


@pytest.mark.parametrize(
    ("type_name", "sender_role", "receiver_role"),
    [
        ("Order", "BuyerCustomerParty", "SellerSupplierParty"),
        ("OrderResponse", "SellerSupplierParty", "BuyerCustomerParty"),
        ("OrderResponseSimple", "SellerSupplierParty", "BuyerCustomerParty"),
        ("DespatchAdvice", "DespatchSupplierParty", "DeliveryCustomerParty"),
        ("ReceiptAdvice", "DeliveryCustomerParty", "DespatchSupplierParty"),
        ("Invoice", "AccountingSupplierParty", "AccountingCustomerParty"),
        ("CreditNote", "AccountingSupplierParty", "AccountingCustomerParty"),
    ],
)
def test_ubl_type_and_parties(type_name: str, sender_role: str, receiver_role: str) -> None:
    body = party(receiver_role, "0000000000002") + party(sender_role, "0000000000001")

    message = read(ubl(type_name, body))
    envelope = message.interchange

    assert message.type == f"ubl:{type_name}"
    assert message.control_number == f"DOC-{type_name}"
    assert message.version == "2.1"
    assert (envelope.sender_qualifier, envelope.sender) == ("GLN", "0000000000001")
    assert (envelope.receiver_qualifier, envelope.receiver) == ("GLN", "0000000000002")
    assert (envelope.date, envelope.time) == ("2024-03-04", "10:11:12")
    assert envelope.control_number == f"DOC-{type_name}"
    assert envelope.issues == []


def test_ubl_order_response_is_sent_by_the_seller() -> None:
    body = party("SellerSupplierParty", SELLER) + party("BuyerCustomerParty", BUYER)

    envelope = read(ubl("OrderResponse", body)).interchange

    assert (envelope.sender, envelope.receiver) == (SELLER, BUYER)
    assert envelope.extra["sender_party"] == "SellerSupplierParty"


def test_ubl_endpoint_id_wins_over_party_identification() -> None:
    body = (
        "<cac:DespatchSupplierParty><cac:Party>"
        '<cbc:EndpointID schemeID="0088">5790000435968</cbc:EndpointID>'
        "<cac:PartyIdentification><cbc:ID>SUP-7</cbc:ID></cac:PartyIdentification>"
        "</cac:Party></cac:DespatchSupplierParty>\n"
        + party("DeliveryCustomerParty", BUYER)
    )

    envelope = read(ubl("DespatchAdvice", body)).interchange

    assert (envelope.sender_qualifier, envelope.sender) == ("0088", "5790000435968")
    assert envelope.extra["sender_id_source"] == "EndpointID"


def test_ubl_application_response_parties_are_parties_themselves() -> None:
    body = (
        '<cac:SenderParty><cbc:EndpointID schemeID="GLN">1</cbc:EndpointID></cac:SenderParty>'
        '<cac:ReceiverParty><cbc:EndpointID schemeID="GLN">2</cbc:EndpointID></cac:ReceiverParty>'
    )

    envelope = read(ubl("ApplicationResponse", body)).interchange

    assert (envelope.sender, envelope.receiver) == ("1", "2")


def test_ubl_prefixed_root_is_detected_by_namespace() -> None:
    body = party("SellerSupplierParty", SELLER) + party("BuyerCustomerParty", BUYER)

    message = read(ubl("Order", body, root_prefix="po"))

    assert message.type == "ubl:Order"
    assert message.interchange.sender == BUYER


def test_ubl_sending_party_without_identifier_is_an_interchange_error() -> None:
    body = (
        "<cac:BuyerCustomerParty>\n<cac:Party><cac:PartyName><cbc:Name>Buyer Ltd</cbc:Name>"
        "</cac:PartyName></cac:Party></cac:BuyerCustomerParty>\n"
        + party("SellerSupplierParty", SELLER)
    )

    envelope = read(ubl("Order", body)).interchange

    [issue] = envelope.issues
    assert (issue.code, issue.severity, issue.scope, issue.location.line) == (
        "missing-sender", Severity.ERROR, Scope.INTERCHANGE, 7,
    )


def test_ubl_without_id_misses_the_control_number() -> None:
    body = party("SellerSupplierParty", SELLER) + party("BuyerCustomerParty", BUYER)
    data = ubl("Order", body).replace("<cbc:ID>DOC-Order</cbc:ID>\n", "")

    [issue] = read(data).interchange.issues

    assert (issue.code, issue.location.line) == ("missing-control-number", 2)


def test_ubl_unknown_type_keeps_its_ubl_name() -> None:
    message = read(ubl("Catalogue", ""))

    assert message.type == "ubl:Catalogue"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ('<Order xmlns="urn:example:orders"><ID>1</ID></Order>', "xml:{urn:example:orders}Order"),
        ("<gridTradeItems/>", "xml:gridTradeItems"),
        (f'<Order xmlns="{UBL}:Invoice-2"/>', f"xml:{{{UBL}:Invoice-2}}Order"),
        ('<cXML xmlns="urn:not-cxml"/>', "xml:{urn:not-cxml}cXML"),
    ],
)
def test_other_xml_is_a_message_of_type_xml_clark_name(data: str, expected: str) -> None:
    message = read(data)

    assert message.type == expected
    assert message.control_number == ""
    assert message.interchange.issues == []


def test_blank_lines_before_the_declaration_are_tolerated_and_lines_kept() -> None:
    header = "<Header>\n<From/>\n<To/>\n</Header>\n"
    data = "\n\n" + cxml("Request", "<OrderRequest/>", header=header)

    message = read(data)

    assert message.type == "cxml:OrderRequest"
    assert [i.location.line for i in message.interchange.issues] == [7, 8]  # From, To
    assert message.document.sourceline == 5


def test_message_offset_is_the_root_start_tag() -> None:
    data = b'\xef\xbb\xbf<?xml version="1.0"?>\n<a/>'

    assert read(data).offset == data.index(b"<a/>")


@pytest.mark.parametrize("retain", [True, False])
def test_result_holds_one_interchange_with_one_implicit_group(retain: bool) -> None:
    reader = XmlReader(io.BytesIO(cxml("Request", "<OrderRequest/>").encode()), Limits(),
                       retain=retain)

    messages = list(reader)

    [message] = messages
    [interchange] = reader.result.interchanges
    [group] = interchange.groups
    assert reader.result.standard is Standard.XML
    assert interchange.standard is Standard.XML
    assert message.interchange is interchange.envelope
    assert message.group is group.envelope
    assert group.messages == ([message] if retain else [])
