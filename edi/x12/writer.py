"""X12 envelope writer and the outbound 850 / 855 / 830 transaction sets.

X12 has no release character, so a value holding one of the delimiters cannot be written:
`ValueError` names the field (`BEG03`, `ISA06`...). Counts (SE01, GE01, IEA01) and control
numbers (ISA13, GS06, ST02) are computed here, never taken from the caller's segments.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from edi.documents import (
    EnvelopeSpec,
    Order,
    OrderResponse,
    PartyId,
    PlanningSchedule,
    ScheduleBucket,
)
from edi.model import Delimiters

__all__ = [
    "FUNCTIONAL_IDS",
    "Element",
    "SegmentSpec",
    "X12Writer",
    "default_delimiters",
    "format_segment",
    "fst_timing",
    "isa_segment",
    "write_830",
    "write_850",
    "write_855",
]

# An element is a string, or a sequence of components for a composite element.
Element = str | Sequence[str]
SegmentSpec = Sequence[Element]  # [tag, element 1, element 2, ...]

FUNCTIONAL_IDS = {
    "810": "IN", "830": "PS", "846": "IB", "850": "PO", "852": "PD", "855": "PR",
    "856": "SH", "860": "PC", "865": "CA", "867": "PT", "997": "FA", "999": "FA",
}


def default_delimiters(version: str = "00401") -> Delimiters:
    """`*` elements, `>` components, `~` segments, and `^` repetitions from 00501 on."""
    rep = "^" if version >= "00501" else None
    return Delimiters(element="*", segment="~", component=">", repetition=rep)


def _check(value: str, name: str, d: Delimiters) -> str:
    for char, what in (
        (d.element, "element separator"),
        (d.segment, "segment terminator"),
        (d.component, "component separator"),
        (d.repetition, "repetition separator"),
    ):
        if char and char in value:
            raise ValueError(f"{name} {value!r} contains the {what} {char!r}")
    return value


def format_segment(segment: SegmentSpec, d: Delimiters) -> str:
    """One segment without its terminator; trailing empty elements are dropped."""
    if not segment:
        raise ValueError("empty segment")
    tag = segment[0]
    if not isinstance(tag, str) or not tag:
        raise ValueError(f"segment tag {tag!r} must be a non-empty string")
    _check(tag, "segment tag", d)
    out: list[str] = []
    for position, element in enumerate(segment[1:], start=1):
        name = f"{tag}{position:02d}"
        if isinstance(element, str):
            out.append(_check(element, name, d))
        else:
            comps = [_check(c, f"{name}-{i}", d) for i, c in enumerate(element, start=1)]
            while comps and comps[-1] == "":
                comps.pop()
            out.append(d.component.join(comps))
    while out and out[-1] == "":
        out.pop()
    return d.element.join([tag, *out])


def _pad(value: str, width: int, name: str) -> str:
    if len(value) > width:
        raise ValueError(f"{name} {value!r} is longer than {width} characters")
    return value.ljust(width)


def _control(number: int, digits: int, name: str) -> str:
    if not 0 < number < 10**digits:
        raise ValueError(f"{name} {number} must be 1 to {digits} digits")
    return f"{number:0{digits}d}"


def isa_segment(
    *,
    sender: PartyId,
    receiver: PartyId,
    control: int,
    version: str,
    created: datetime,
    d: Delimiters,
    test: bool = False,
    ack_requested: bool = False,
) -> str:
    """A fixed-width ISA (106 characters with its terminator, which is not included)."""
    if not (len(version) == 5 and version.isdigit()):
        raise ValueError(f"ISA12 {version!r} must be 5 digits (00401, 00501)")
    isa11 = d.repetition if version >= "00501" and d.repetition else "U"
    if version >= "00501" and not d.repetition:
        raise ValueError(f"ISA11 needs a repetition separator for version {version}")
    fields = [
        "ISA", "00", " " * 10, "00", " " * 10,
        _pad(_check(sender.qualifier or "ZZ", "ISA05", d), 2, "ISA05"),
        _pad(_check(sender.id, "ISA06", d), 15, "ISA06"),
        _pad(_check(receiver.qualifier or "ZZ", "ISA07", d), 2, "ISA07"),
        _pad(_check(receiver.id, "ISA08", d), 15, "ISA08"),
        created.strftime("%y%m%d"), created.strftime("%H%M"),
        isa11, version, _control(control, 9, "ISA13"),
        "1" if ack_requested else "0", "T" if test else "P", d.component,
    ]
    return d.element.join(fields)


def _gs_version(env: EnvelopeSpec) -> str:
    return env.message_version or ("005010" if (env.version or "00401") >= "00501" else "004010")


class X12Writer:
    """Wraps transaction-set bodies into ISA/GS/ST...SE/GE/IEA with counts and controls."""

    def __init__(
        self, env: EnvelopeSpec, delimiters: Delimiters | None = None, *, newline: bool = False
    ) -> None:
        self.env = env
        self.version = env.version or "00401"
        self.delimiters = delimiters or default_delimiters(self.version)
        self.newline = newline
        self.created = env.created or datetime.now(UTC)

    def write(self, transactions: Sequence[tuple[str, Sequence[SegmentSpec]]],
              functional_id: str | None = None) -> str:
        """One interchange with one group holding `(ST01, body segments)` per transaction."""
        if not transactions:
            raise ValueError("an interchange needs at least one transaction set")
        env, d = self.env, self.delimiters
        kinds = {kind for kind, _ in transactions}
        fid = functional_id or FUNCTIONAL_IDS.get(sorted(kinds)[0], "")
        if not fid:
            raise ValueError(f"no functional identifier known for {sorted(kinds)}")
        lines = [
            isa_segment(
                sender=env.sender, receiver=env.receiver, control=env.interchange_control,
                version=self.version, created=self.created, d=d, test=env.test,
                ack_requested=env.ack_requested,
            ),
            format_segment(
                ["GS", fid, env.sender.id, env.receiver.id, self.created.strftime("%Y%m%d"),
                 self.created.strftime("%H%M"), str(int(_control(env.group_control, 9, "GS06"))),
                 "X", _gs_version(env)],
                d,
            ),
        ]
        for k, (kind, body) in enumerate(transactions):
            control = f"{int(_control(env.message_control_start + k, 9, 'ST02')):04d}"
            lines.append(format_segment(["ST", kind, control], d))
            lines.extend(format_segment(seg, d) for seg in body)
            lines.append(format_segment(["SE", str(len(body) + 2), control], d))
        lines.append(format_segment(["GE", str(len(transactions)),
                                     str(env.group_control)], d))
        lines.append(format_segment(["IEA", "1", _control(env.interchange_control, 9,
                                                          "ISA13")], d))
        sep = d.segment + ("\n" if self.newline and d.segment != "\n" else "")
        return sep.join(lines) + sep


# ---------------------------------------------------------------------- documents


def _num(value: Decimal | int) -> str:
    """An X12 numeric (R) value: no exponent, no trailing zeros after the decimal point."""
    return format(Decimal(value).normalize(), "f")


def _d8(day: date) -> str:
    return day.strftime("%Y%m%d")


_N1_QUALIFIERS = {"14": "UL", "UL": "UL", "GLN": "UL", "01": "1", "1": "1", "9": "9",
                  "92": "92", "91": "91"}


def _party(code: str, party: PartyId) -> list[str]:
    qualifier = _N1_QUALIFIERS.get(party.qualifier, "92")
    return ["N1", code, party.name, qualifier if party.id else "", party.id]


_PURPOSE_850 = {"original": "00", "cancel": "01", "replace": "05"}


def _gtin(gtin: str) -> tuple[str, str]:
    """A GTIN under the product id qualifier its length calls for: a GTIN-14 with two leading
    zeros is a UPC-A (UP, 12 digits), with one an EAN-13 (EN), else a GTIN-14 (UK)."""
    if len(gtin) == 14 and gtin.startswith("00"):
        return "UP", gtin[2:]
    if len(gtin) == 14 and gtin.startswith("0"):
        return "EN", gtin[1:]
    return {12: "UP", 13: "EN"}.get(len(gtin), "UK"), gtin


def _ids(pairs: Sequence[tuple[str, str]]) -> list[str]:
    out: list[str] = []
    for qualifier, value in pairs:
        if value:
            out.extend([qualifier, value])
    return out


def write_850(order: Order, env: EnvelopeSpec) -> str:
    """A purchase order: BEG, CUR, N1 (BY/SE/ST), PO1 (+PID, DTM*002) per line, CTT."""
    purpose = _PURPOSE_850.get(order.purpose)
    if purpose is None:
        raise ValueError(f"order purpose {order.purpose!r} is not original/cancel/replace")
    body: list[SegmentSpec] = [["BEG", purpose, "SA", order.number, "", _d8(order.issued)]]
    if order.currency:
        body.append(["CUR", "BY", order.currency])
    body.append(_party("BY", order.buyer))
    body.append(_party("SE", order.supplier))
    if order.ship_to is not None:
        body.append(_party("ST", order.ship_to))
    total = Decimal(0)
    for line in order.lines:
        price = _num(line.unit_price) if line.unit_price is not None else ""
        body.append(["PO1", line.line_number, _num(line.quantity), line.unit, price, "",
                     *_ids([_gtin(line.gtin), ("BP", line.buyer_part),
                            ("VP", line.vendor_part)])])
        if line.description:
            body.append(["PID", "F", "", "", "", line.description])
        if line.requested_date is not None:
            body.append(["DTM", "002", _d8(line.requested_date)])
        total += line.quantity
    body.append(["CTT", str(len(order.lines)), _num(total)])
    return X12Writer(env).write([("850", body)])


_BAK02 = {"accepted": "AD", "changed": "AC", "rejected": "RJ"}
_ACK01 = {"accepted": "IA", "changed": "IC", "backordered": "IB", "rejected": "IR"}


def write_855(resp: OrderResponse, env: EnvelopeSpec) -> str:
    """A PO acknowledgement: BAK (AD accepted / AC changed / AE exceptions / RD, RJ
    rejected), N1, PO1 + ACK per line (ACK04 067 = promised delivery date), CTT."""
    if resp.status not in _BAK02:
        raise ValueError(f"response status {resp.status!r} is not accepted/changed/rejected")
    ack_type = _BAK02[resp.status]
    if resp.status == "rejected" and resp.lines:
        ack_type = "RD"
    elif resp.status == "accepted" and any(ln.status != "accepted" for ln in resp.lines):
        ack_type = "AE"
    order_date = resp.order_date or resp.issued
    body: list[SegmentSpec] = [
        ["BAK", "00", ack_type, resp.order_number, _d8(order_date), "", "", "",
         resp.response_number, _d8(resp.issued)],
    ]
    if resp.currency:
        body.append(["CUR", "SE", resp.currency])
    body.append(_party("BY", resp.buyer))
    body.append(_party("SE", resp.supplier))
    for line in resp.lines:
        status = _ACK01.get(line.status)
        if status is None:
            raise ValueError(f"line {line.line_number} status {line.status!r} is unknown")
        price = _num(line.unit_price) if line.unit_price is not None else ""
        body.append(["PO1", line.line_number, _num(line.ordered_quantity), line.unit, price,
                     "", *_ids([_gtin(line.gtin), ("VP", line.vendor_part)])])
        ack: list[str] = ["ACK", status, _num(line.promised_quantity), line.unit]
        if line.promised_date is not None:
            ack += ["067", _d8(line.promised_date)]
        body.append(ack)
    body.append(["CTT", str(len(resp.lines))])
    return X12Writer(env).write([("855", body)])


def fst_timing(bucket: ScheduleBucket) -> str:
    """FST03: D one day, W a week, M a calendar month, F any other interval."""
    days = (bucket.end - bucket.start).days
    if days <= 0:
        return "D"
    if days == 6:
        return "W"
    nxt = bucket.end.toordinal() + 1
    if bucket.start.day == 1 and date.fromordinal(nxt).day == 1:
        return "M"
    return "F"


def write_830(schedule: PlanningSchedule, env: EnvelopeSpec) -> str:
    """A planning schedule: BFR (delivery based, actual quantities), N1, per line LIN, UIT,
    optional N1*ST, FST per bucket (C firm / D planning; D/W/M/F timing), CTT."""
    body: list[SegmentSpec] = [
        ["BFR", "00", schedule.number, "", "DL", "A", _d8(schedule.horizon_start),
         _d8(schedule.horizon_end), _d8(schedule.issued)],
        _party("BY", schedule.buyer),
        _party("SU", schedule.supplier),
    ]
    total = Decimal(0)
    for line in schedule.lines:
        body.append(["LIN", "", *_ids([_gtin(line.gtin), ("BP", line.buyer_part)])])
        body.append(["UIT", line.quantity_unit])
        if line.location is not None:
            body.append(_party("ST", line.location))
        for bucket in line.buckets:
            if bucket.commitment not in ("firm", "planning"):
                raise ValueError(f"bucket commitment {bucket.commitment!r} is not "
                                 "firm/planning")
            timing = fst_timing(bucket)
            fst = ["FST", _num(bucket.quantity), "C" if bucket.commitment == "firm" else "D",
                   timing, _d8(bucket.start)]
            if timing != "D":
                fst.append(_d8(bucket.end))
            body.append(fst)
            total += bucket.quantity
    body.append(["CTT", str(len(schedule.lines)), _num(total)])
    return X12Writer(env).write([("830", body)])
