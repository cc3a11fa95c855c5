"""EDIFACT / EANCOM DELFOR (D96A, D01B) -> `PlanningScheduleDoc`.

BGM gives the schedule number and function; DTM+137 the issue date and DTM+158 / 159 (or a
324 / 273 period) the horizon; NAD BY / SU the parties, and a NAD ST / CN / DP in the detail the
place the following lines are for. Each LIN is a schedule line; each QTY+1 (discrete) or
QTY+113 (to be delivered) under it a bucket, dated by the DTM after it (2 / 10 a day or a
718 range or 616 week, 64 + 63 or 194 + 206 a window) and committed by SCC (1 firm,
else planning). SCC may come before its QTY (EANCOM) or right after it (UN order QTY-SCC-DTM).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from adapters.common import Mapped
from adapters.edifact_common import (
    BGM_FUNCTION,
    NAD_QUALIFIER,
    QTY_C186,
    QTY_QUALIFIER,
    QTY_VALUE,
    add_imd,
    add_party,
    add_pia,
    beginning,
    code_from,
    dtm_period,
    dtm_qualifier,
    edifact_missing_segment,
    invalid,
    lin_product,
    product_ref,
    quantity,
)
from edi.model import Message, Segment
from schemas.documents import PartyRef, PlanningScheduleDoc, ScheduleBucketDoc, ScheduleLineDoc

Commitment = Literal["firm", "planning"]
# 1225: 9 original, 5 replace, 1 cancellation, 3 deletion, 7 duplicate, 31 copy; absent = 9.
PURPOSES = {"9": "original", "5": "replace", "1": "cancel", "3": "cancel", "7": "original",
            "31": "original", "": "original"}
# 4017 delivery plan commitment level: 1 firm; 2 commitment for manufacturing and materials,
# 3 commitment for materials and 4 planning/forecast are not delivery commitments.
COMMITMENTS: dict[str, Commitment] = {"1": "firm", "2": "planning", "3": "planning",
                                      "4": "planning"}
# 6063: 1 discrete quantity, 113 quantity to be delivered.
BUCKET_QUANTITIES = ("1", "113")
# 2005 for buckets: 2 delivery requested, 10 shipment requested, X14 week commencing (GS1),
# 64 earliest / 63 latest delivery, 194 start / 206 end; header: 137 issued, 158 horizon
# start, 159 horizon end, 324 processing period, 273 validity period.
BUCKET_DAYS = ("2", "10", "X14", "324")
BUCKET_STARTS, BUCKET_ENDS = ("64", "194"), ("63", "206")
HORIZON_START, HORIZON_END, HORIZON_RANGES, ISSUED = "158", "159", ("324", "273"), "137"
LOCATION_PARTIES = ("ST", "CN", "DP")
SCC_COMMITMENT = 1  # SCC 4017 delivery plan commitment level
DEFAULT_UNIT = "PCE"


@dataclass
class _Bucket:
    qty: Segment
    quantity: Decimal
    commitment: Commitment | None
    raw: str | None
    explicit: bool = False  # its own SCC (not inherited from an earlier bucket)
    start: date | None = None
    end: date | None = None
    dated: bool = False


def map_message(message: Message) -> Mapped:
    result = Mapped()
    bgm = beginning(message, "delivery schedule number (BGM 1004)")
    purpose = code_from(PURPOSES, bgm.segment, BGM_FUNCTION, bgm.function,
                        "message function code (1225)")
    header: dict = {"schedule_number": bgm.number, "purpose": purpose,
                    "segment_number": bgm.segment.number}
    parties: list[PartyRef] = []
    location: PartyRef | None = None
    lines: list[ScheduleLineDoc] = []
    lin: Segment | None = None
    product: dict[str, str] = {}
    unit: str | None = None
    buckets: list[_Bucket] = []
    commitment: tuple[Commitment, str] | None = None  # (commitment, raw) from the last SCC
    pending = False  # an SCC was read since the last bucket quantity

    def close_line() -> None:
        if lin is not None:
            lines.append(ScheduleLineDoc(
                product=product_ref(product), location=location, uom=unit or DEFAULT_UNIT,
                buckets=tuple(_bucket(b) for b in buckets), segment_number=lin.number))

    for seg in message.body():
        tag = seg.tag
        if tag == "LIN":
            close_line()
            lin, product, unit, buckets = seg, lin_product(seg), None, []
            commitment, pending = None, False
        elif tag == "NAD":
            found = add_party(parties, result.issues, seg)
            if seg.value(NAD_QUALIFIER).strip() in LOCATION_PARTIES:
                close_line()
                lin, location = None, found
        elif tag == "DTM" and lin is None:
            _header_date(seg, header, result)
        elif lin is None:
            continue
        elif tag == "PIA":
            add_pia(seg, product)
        elif tag == "IMD":
            add_imd(seg, product)
        elif tag == "SCC":
            code = seg.value(SCC_COMMITMENT).strip()
            level = code_from(COMMITMENTS, seg, SCC_COMMITMENT, code, "commitment level (4017)")
            commitment = (level, f"SCC:{code}")
            last = buckets[-1] if buckets else None
            if last is not None and not last.explicit and not last.dated:
                last.commitment, last.raw, last.explicit = level, f"SCC:{code}", True
            else:
                pending = True
        elif tag == "QTY":
            qty = quantity(seg)
            if qty.qualifier in BUCKET_QUANTITIES:
                unit = unit or qty.unit
                level, raw = commitment if commitment else (None, None)
                buckets.append(_Bucket(seg, qty.value, level, raw, explicit=pending))
                pending = False
        elif tag == "DTM" and buckets:
            _bucket_date(seg, buckets[-1], result)
    close_line()

    if purpose != "cancel" and not lines:
        raise edifact_missing_segment("LIN", bgm.segment, "the delivery schedule has no LIN")
    result.documents.append(PlanningScheduleDoc(parties=tuple(parties), lines=tuple(lines),
                                                **header))
    return result


def _header_date(seg: Segment, header: dict, result: Mapped) -> None:
    qualifier = dtm_qualifier(seg)
    if qualifier not in (ISSUED, HORIZON_START, HORIZON_END, *HORIZON_RANGES):
        return
    period = dtm_period(seg, result.issues)
    if period is None:
        return
    if qualifier == ISSUED:
        header.setdefault("issued", period[0])
    elif qualifier == HORIZON_START:
        header.setdefault("horizon_start", period[0])
    elif qualifier == HORIZON_END:
        header.setdefault("horizon_end", period[1])
    else:
        header.setdefault("horizon_start", period[0])
        header.setdefault("horizon_end", period[1])


def _bucket_date(seg: Segment, bucket: _Bucket, result: Mapped) -> None:
    qualifier = dtm_qualifier(seg)
    if qualifier not in BUCKET_DAYS + BUCKET_STARTS + BUCKET_ENDS:
        return
    period = dtm_period(seg, result.issues)
    if period is None:
        return
    bucket.dated = True
    if qualifier in BUCKET_DAYS:
        bucket.start, bucket.end = period
    elif qualifier in BUCKET_STARTS:
        bucket.start = period[0]
    else:
        bucket.end = period[1]


def _bucket(bucket: _Bucket) -> ScheduleBucketDoc:
    start = bucket.start or bucket.end
    end = bucket.end or bucket.start
    if start is None or end is None:
        raise edifact_missing_segment("DTM", bucket.qty, "the scheduled quantity has no date "
                                      "(DTM+2, DTM+64/63 or DTM+194/206 after it)")
    if end < start:
        raise invalid(bucket.qty, QTY_C186, f"the window after this quantity ends ({end}) "
                      f"before it starts ({start})", QTY_VALUE)
    return ScheduleBucketDoc(
        start=start, end=end, quantity=bucket.quantity,
        commitment=bucket.commitment or "planning",
        raw_qualifier=f"QTY:{bucket.qty.value(QTY_C186, QTY_QUALIFIER)}"
        + (f",{bucket.raw}" if bucket.raw else ""),
        segment_number=bucket.qty.number)
