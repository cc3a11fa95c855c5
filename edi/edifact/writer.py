"""Outbound EDIFACT: ORDERS, ORDRSP and DELFOR interchanges from `edi.documents` shapes.

Each writer returns one interchange (UNA, UNB, one message, UNZ) as text; every value is
escaped with the release character, and the UNT / UNZ counts are computed from what was
written. The message version comes from `EnvelopeSpec.message_version` (EANCOM
`D:96A:UN:EAN008` by default, `D:01B:UN:EAN010` and plain `D:96A:UN` work the same way), the
syntax identifier and version from `EnvelopeSpec.version` (`UNOC:3` by default).
`EnvelopeSpec.created` should be set by the caller (the writers read no clock; without it the
UNB date is 2000-01-01 00:00).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from edi.documents import (
    EnvelopeSpec,
    Order,
    OrderResponse,
    PartyId,
    PlanningSchedule,
)
from edi.edifact.syntax import DEFAULT_UNA, Element, delimiters_from_una, segment_text, una_string
from edi.model import Delimiters

DEFAULT_SYNTAX = "UNOC:3"
DEFAULT_MESSAGE_VERSION = "D:96A:UN:EAN008"

# BGM 1225 message function
ORDER_FUNCTION = {"original": "9", "cancel": "1", "replace": "5"}
# BGM 1225 for ORDRSP: 29 accepted without amendment, 4 change, 27 not accepted
RESPONSE_FUNCTION = {"accepted": "29", "changed": "4", "rejected": "27"}
# LIN 1229 action request/notification: 5 accepted without amendment, 3 changed,
# 7 not accepted; a back-order is a change of the delivery.
LINE_ACTION = {"accepted": "5", "changed": "3", "backordered": "3", "rejected": "7"}
# SCC 4017 delivery plan commitment level: 1 firm, 4 planning/forecast
COMMITMENT = {"firm": "1", "planning": "4"}


def number(value: Decimal | int) -> str:
    """A decimal as EDIFACT writes it: no exponent, no trailing zeros, `.` as decimal mark."""
    if isinstance(value, int):
        return str(value)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def ccyymmdd(value: date) -> str:
    return value.strftime("%Y%m%d")


class _Interchange:
    """Collects the segments of one message and wraps them in UNA/UNB..UNZ."""

    def __init__(self, env: EnvelopeSpec, message_type: str) -> None:
        self.env = env
        syntax = env.version or DEFAULT_SYNTAX
        self.syntax_id, _, self.syntax_version = syntax.partition(":")
        self.syntax_version = self.syntax_version or "3"
        self.d: Delimiters = delimiters_from_una(DEFAULT_UNA, self.syntax_version)
        self.message_type = message_type
        self.body: list[str] = []

    def add(self, tag: str, *elements: Element) -> None:
        self.body.append(segment_text(tag, list(elements), self.d))

    def text(self) -> str:
        env, d = self.env, self.d
        created = env.created or datetime(2000, 1, 1)
        date_text = created.strftime("%Y%m%d" if self.syntax_version >= "4" else "%y%m%d")
        ref = str(env.interchange_control)
        unb: list[Element] = [
            [self.syntax_id, self.syntax_version],
            [env.sender.id, env.sender.qualifier],
            [env.receiver.id, env.receiver.qualifier],
            [date_text, created.strftime("%H%M")],
            ref,
            "",
            "",
            "",
            "1" if env.ack_requested else "",
            "",
            "1" if env.test else "",
        ]
        control = str(env.message_control_start)
        version = (env.message_version or DEFAULT_MESSAGE_VERSION).split(":")
        out = [una_string(d), segment_text("UNB", unb, d)]
        out.append(segment_text("UNH", [control, [self.message_type, *version]], d))
        out.extend(self.body)
        out.append(segment_text("UNT", [str(len(self.body) + 2), control], d))
        out.append(segment_text("UNZ", ["1", ref], d))
        return "".join(out)


# code list responsible agency (3055) by the party id's qualifier: 9 = GS1 (GLN),
# 16 = DUNS, 92 = assigned by the buyer (an agreed code)
_AGENCIES = {"14": "9", "UL": "9", "GLN": "9", "08": "9", "1": "16", "01": "16", "16": "16",
             "DUNS": "16"}


def _agency(party: PartyId) -> str:
    if party.qualifier:
        return _AGENCIES.get(party.qualifier, "92")
    return "9" if len(party.id) == 13 and party.id.isdigit() else "92"  # a bare GLN


def _nad(ic: _Interchange, qualifier: str, party: PartyId) -> None:
    ic.add("NAD", qualifier, [party.id, "", _agency(party)], "", party.name)


def write_orders(order: Order, env: EnvelopeSpec) -> str:
    """ORDERS: BGM 220, DTM 137, NAD BY/SU/DP (GLN, code list 9), CUX, LIN/PIA/QTY/PRI/DTM."""
    ic = _Interchange(env, "ORDERS")
    ic.add("BGM", "220", order.number, ORDER_FUNCTION.get(order.purpose, "9"))
    ic.add("DTM", ["137", ccyymmdd(order.issued), "102"])
    _nad(ic, "BY", order.buyer)
    _nad(ic, "SU", order.supplier)
    if order.ship_to is not None:
        _nad(ic, "DP", order.ship_to)
    if order.currency:
        ic.add("CUX", ["2", order.currency, "9"])
    for line in order.lines:
        ic.add("LIN", line.line_number, "", [line.gtin, "SRV"] if line.gtin else "")
        ids: list[Element] = []
        if line.vendor_part:
            ids.append([line.vendor_part, "SA"])
        if line.buyer_part:
            ids.append([line.buyer_part, "IN"])
        if ids:
            ic.add("PIA", "1", *ids)
        if line.description:
            ic.add("IMD", "F", "", ["", "", "", line.description])
        ic.add("QTY", ["21", number(line.quantity), line.unit])
        if line.unit_price is not None:
            ic.add("PRI", ["AAA", number(line.unit_price)])
        if line.requested_date is not None:
            ic.add("DTM", ["2", ccyymmdd(line.requested_date), "102"])
    ic.add("UNS", "S")
    ic.add("CNT", ["2", str(len(order.lines))])
    return ic.text()


def write_ordrsp(resp: OrderResponse, env: EnvelopeSpec) -> str:
    """ORDRSP: BGM 231 (29 accepted / 4 changed / 27 rejected), RFF ON, LIN with 1229 status,
    QTY 21 ordered + 113 promised, DTM 69 promised delivery."""
    ic = _Interchange(env, "ORDRSP")
    ic.add("BGM", "231", resp.response_number, RESPONSE_FUNCTION.get(resp.status, "4"))
    ic.add("DTM", ["137", ccyymmdd(resp.issued), "102"])
    ic.add("RFF", ["ON", resp.order_number])
    if resp.order_date is not None:
        ic.add("DTM", ["171", ccyymmdd(resp.order_date), "102"])
    _nad(ic, "BY", resp.buyer)
    _nad(ic, "SU", resp.supplier)
    if resp.currency:
        ic.add("CUX", ["2", resp.currency, "9"])
    for line in resp.lines:
        ic.add("LIN", line.line_number, LINE_ACTION.get(line.status, "3"),
               [line.gtin, "SRV"] if line.gtin else "")
        if line.vendor_part:
            ic.add("PIA", "1", [line.vendor_part, "SA"])
        ic.add("QTY", ["21", number(line.ordered_quantity), line.unit])
        ic.add("QTY", ["113", number(line.promised_quantity), line.unit])
        if line.promised_date is not None:
            ic.add("DTM", ["69", ccyymmdd(line.promised_date), "102"])
        if line.unit_price is not None:
            ic.add("PRI", ["AAA", number(line.unit_price)])
    ic.add("UNS", "S")
    ic.add("CNT", ["2", str(len(resp.lines))])
    return ic.text()


def write_delfor(schedule: PlanningSchedule, env: EnvelopeSpec) -> str:
    """DELFOR: BGM 241, DTM 137/158/159 (issued, horizon start/end), NAD BY/SU, UNS D, per
    line NAD ST, LIN, PIA, and per bucket QTY 1 (discrete quantity) with SCC 1 (firm) or 4
    (planning/forecast) and DTM 64 (earliest) / 63 (latest) for its window."""
    ic = _Interchange(env, "DELFOR")
    ic.add("BGM", "241", schedule.number, "9")
    ic.add("DTM", ["137", ccyymmdd(schedule.issued), "102"])
    ic.add("DTM", ["158", ccyymmdd(schedule.horizon_start), "102"])
    ic.add("DTM", ["159", ccyymmdd(schedule.horizon_end), "102"])
    _nad(ic, "BY", schedule.buyer)
    _nad(ic, "SU", schedule.supplier)
    ic.add("UNS", "D")
    for line in schedule.lines:
        if line.location is not None:
            _nad(ic, "ST", line.location)
        ic.add("LIN", "", "", [line.gtin, "SRV"])
        if line.buyer_part:
            ic.add("PIA", "1", [line.buyer_part, "IN"])
        for bucket in line.buckets:
            ic.add("QTY", ["1", number(bucket.quantity), line.quantity_unit])
            ic.add("SCC", COMMITMENT.get(bucket.commitment, "4"))
            ic.add("DTM", ["64", ccyymmdd(bucket.start), "102"])
            ic.add("DTM", ["63", ccyymmdd(bucket.end), "102"])
    ic.add("UNS", "S")
    return ic.text()
