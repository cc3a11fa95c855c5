"""X12 830 Planning Schedule with Release Capability (004010, 005010) -> `PlanningScheduleDoc`.

BFR gives the purpose, the schedule reference (BFR02, or the release number BFR03), the
horizon (BFR06-07) and the issue date (BFR08); N1 the parties. Each LIN loop is one product
(UIT its unit, an N1 ST inside the loop its ship-to), whose FST segments are the buckets:
FST02 says firm or planning, FST03 the bucket length (D discrete day, W week, M month,
Q quarter, F flexible FST04-FST05), FST04 the first day. FST05, when sent, is the last day.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from adapters.common import (
    X12_INVALID_CODE_VALUE,
    X12_MANDATORY_ELEMENT_MISSING,
    Mapped,
    ccyymmdd,
    element_error,
    missing_segment,
    required,
)
from adapters.x12_common import (
    amount,
    beginning,
    check_count,
    party,
    product,
    warning,
    with_description,
)
from edi.model import Message, Segment
from schemas.documents import (
    PartyRef,
    PlanningScheduleDoc,
    ScheduleBucketDoc,
    ScheduleLineDoc,
)

BFR01_PURPOSE = 1
BFR02_REFERENCE = 2
BFR03_RELEASE = 3
BFR04_SCHEDULE_TYPE = 4
BFR05_QUANTITY_TYPE = 5
BFR06_HORIZON_START = 6
BFR07_HORIZON_END = 7
BFR08_ISSUED = 8
LIN02_FIRST_ID_QUALIFIER = 2
UIT01_UOM = 1
FST01_QUANTITY = 1
FST02_FORECAST = 2
FST03_TIMING = 3
FST04_START = 4
FST05_END = 5

PURPOSES = {"00": "original", "06": "original", "07": "original", "04": "replace",
            "05": "replace", "01": "cancel", "03": "cancel"}
CUMULATIVE = "C"  # BFR05 (676): quantities are cumulative, not per bucket
# FST02 forecast qualifier (680) -> commitment.
FORECASTS = {"A": "firm",  # immediate
             "C": "firm",  # firm
             "B": "planning",  # pilot/prevolume
             "D": "planning"}  # planning
# FST03 timing qualifier (681): D discrete, W weekly, M monthly, Q quarterly, F flexible.
TIMINGS = ("D", "W", "M", "Q", "F")
ENTITY_ROLES = {"ST": "ship_to", "SU": "seller", "VN": "seller", "SE": "seller",
                "BY": "buyer", "MI": "buyer", "SF": "ship_from"}


def map_message(message: Message) -> Mapped:
    result = Mapped()
    bfr = beginning(message, "BFR", "beginning segment for planning schedule")
    purpose_code = required(bfr, BFR01_PURPOSE, "transaction set purpose code")
    purpose = PURPOSES.get(purpose_code)
    if purpose is None:
        raise element_error(bfr, BFR01_PURPOSE, X12_INVALID_CODE_VALUE,
                            f"purpose code {purpose_code!r} is not one of {sorted(PURPOSES)}")
    number = bfr.value(BFR02_REFERENCE).strip() or bfr.value(BFR03_RELEASE).strip()
    if not number:
        raise element_error(bfr, BFR02_REFERENCE, X12_MANDATORY_ELEMENT_MISSING,
                            "neither a reference (BFR02) nor a release number (BFR03)")
    required(bfr, BFR04_SCHEDULE_TYPE, "schedule type qualifier")
    if bfr.value(BFR05_QUANTITY_TYPE).strip() == CUMULATIVE:
        result.issues.append(warning(bfr, BFR05_QUANTITY_TYPE, "BFR-cumulative",
                                     "quantities are cumulative; the buckets keep them as sent"))
    horizon_start = ccyymmdd(bfr, BFR06_HORIZON_START, "horizon start")
    if horizon_start is None:
        raise element_error(bfr, BFR06_HORIZON_START, X12_MANDATORY_ELEMENT_MISSING,
                            "horizon start is missing")
    header: dict = {
        "schedule_number": number,
        "purpose": purpose,
        "horizon_start": horizon_start,
        "horizon_end": ccyymmdd(bfr, BFR07_HORIZON_END, "horizon end"),
        "issued": ccyymmdd(bfr, BFR08_ISSUED, "issue date"),
        "segment_number": bfr.number,
    }
    parties: list[PartyRef] = []
    lines: list[ScheduleLineDoc] = []
    line: dict | None = None
    ctt: Segment | None = None

    def close() -> None:
        if line is not None:
            line["buckets"] = tuple(line["buckets"])
            if line["location"] is None:
                line["location"] = next((p for p in parties if p.role == "ship_to"), None)
            lines.append(ScheduleLineDoc(**line))

    for seg in message.body():
        tag = seg.tag
        if tag == "LIN":
            close()
            ref = product(seg, LIN02_FIRST_ID_QUALIFIER)
            if ref.is_empty():
                raise element_error(seg, LIN02_FIRST_ID_QUALIFIER + 1,
                                    X12_MANDATORY_ELEMENT_MISSING,
                                    "no product identifier this hub can use")
            line = {"product": ref, "location": None, "uom": "EA", "buckets": [],
                    "segment_number": seg.number}
        elif tag == "N1" and line is None:
            found = party(seg, ENTITY_ROLES)
            if found is not None:
                parties.append(found)
        elif line is None:
            if tag == "FST":
                raise missing_segment("LIN", seg, "FST before any LIN: its product is unknown")
            if tag == "CTT":
                ctt = seg
        elif tag == "UIT":
            line["uom"] = seg.value(UIT01_UOM).strip() or line["uom"]
        elif tag == "PID":
            line["product"] = with_description(line["product"], seg)
        elif tag == "N1":
            found = party(seg, {"ST": "ship_to"})
            if found is not None and line["location"] is None:
                line["location"] = found
        elif tag == "FST":
            line["buckets"].append(_bucket(seg))
        elif tag == "CTT":
            ctt = seg
    close()

    issue = check_count(ctt, len(lines), "line items")
    if issue is not None:
        result.issues.append(issue)
    result.documents.append(PlanningScheduleDoc(parties=tuple(parties), lines=tuple(lines),
                                                **header))
    return result


def _bucket(seg: Segment) -> ScheduleBucketDoc:
    quantity = amount(seg, FST01_QUANTITY, "forecast quantity")
    forecast = required(seg, FST02_FORECAST, "forecast qualifier")
    commitment = FORECASTS.get(forecast)
    if commitment is None:
        raise element_error(seg, FST02_FORECAST, X12_INVALID_CODE_VALUE,
                            f"forecast qualifier {forecast!r} is not one of {sorted(FORECASTS)}")
    timing = required(seg, FST03_TIMING, "forecast timing qualifier")
    if timing not in TIMINGS:
        raise element_error(seg, FST03_TIMING, X12_INVALID_CODE_VALUE,
                            f"timing qualifier {timing!r} is not one of {list(TIMINGS)}")
    start = ccyymmdd(seg, FST04_START, "forecast date")
    if start is None:
        raise element_error(seg, FST04_START, X12_MANDATORY_ELEMENT_MISSING,
                            "forecast date is missing")
    end = ccyymmdd(seg, FST05_END, "forecast end date")
    if end is None:
        if timing == "F":
            raise element_error(seg, FST05_END, X12_MANDATORY_ELEMENT_MISSING,
                                "a flexible interval needs its end date")
        end = bucket_end(start, timing)
    return ScheduleBucketDoc(start=start, end=end, quantity=quantity, commitment=commitment,
                             raw_qualifier=f"FST:{forecast}:{timing}", segment_number=seg.number)


def bucket_end(start: date, timing: str) -> date:
    """The last day of a bucket that starts on `start`: the same day, 6 days on, the end of
    the month, or the day before the same day three months on."""
    if timing == "W":
        return start + timedelta(days=6)
    if timing == "M":
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if timing == "Q":
        month = start.month + 3
        year, month = start.year + (month - 1) // 12, (month - 1) % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return date(year, month, day) - timedelta(days=1)
    return start
