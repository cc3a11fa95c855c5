"""Line statuses on hand-made scenarios (today is 2026-12-10 unless said otherwise)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.services.promise_status import LineFacts, PromiseFact, ShipmentFact, line_status

TODAY = date(2026, 12, 10)
D = Decimal


def facts(*, promises=(), shipments=(), ordered=10, requested=date(2026, 12, 20),
          cancelled=False) -> LineFacts:
    return LineFacts(ordered_quantity=D(ordered), requested_delivery=requested,
                     cancelled=cancelled, transit_days=2, promises=tuple(promises),
                     shipments=tuple(shipments))


def promise(version=1, status="accepted", qty=10, delivery=date(2026, 12, 20), ship=None):
    return PromiseFact(version, status, D(qty) if qty is not None else None, ship, delivery)


def test_no_promise_yet_is_requested() -> None:
    s = line_status(facts(), TODAY)
    assert (s.status, s.delay_days) == ("requested", None)


def test_no_promise_and_requested_date_passed_is_late() -> None:
    s = line_status(facts(requested=date(2026, 12, 7)), TODAY)
    assert (s.status, s.delay_days) == ("late", 3)


def test_accepted_as_ordered_is_confirmed() -> None:
    s = line_status(facts(promises=[promise()]), TODAY)
    assert (s.status, s.promised_delivery, s.delay_days) == ("confirmed", date(2026, 12, 20), 0)


def test_later_date_is_confirmed_changed_with_delay() -> None:
    s = line_status(facts(promises=[promise(delivery=date(2026, 12, 23))]), TODAY)
    assert (s.status, s.delay_days) == ("confirmed_changed", 3)


def test_less_quantity_is_confirmed_changed() -> None:
    assert line_status(facts(promises=[promise(qty=8)]), TODAY).status == "confirmed_changed"


def test_ship_promise_becomes_delivery_promise_with_transit_days() -> None:
    s = line_status(facts(promises=[promise(delivery=None, ship=date(2026, 12, 18))]), TODAY)
    assert s.promised_delivery == date(2026, 12, 20)  # 18 + 2 transit days
    assert s.status == "confirmed"


def test_latest_version_wins_and_first_is_kept_for_accuracy() -> None:
    s = line_status(facts(promises=[promise(1, delivery=date(2026, 12, 19)),
                                    promise(2, "changed", delivery=date(2026, 12, 22))]), TODAY)
    assert (s.status, s.promised_delivery, s.first_promised_delivery) == (
        "confirmed_changed", date(2026, 12, 22), date(2026, 12, 19))


def test_backordered_only() -> None:
    s = line_status(facts(promises=[promise(status="backordered")]), TODAY)
    assert s.status == "backordered"


def test_rejected() -> None:
    assert line_status(facts(promises=[promise(status="rejected", qty=0, delivery=None)]),
                       TODAY).status == "rejected"


def test_promised_date_passed_without_shipment_is_late() -> None:
    s = line_status(facts(promises=[promise(delivery=date(2026, 12, 8))],
                          requested=date(2026, 12, 8)), TODAY)
    assert (s.status, s.delay_days) == ("late", 2)


def test_no_ship_notice_within_transit_days_is_at_risk() -> None:
    # promised 12-11, transit 2: a ship notice was due by 12-09
    s = line_status(facts(promises=[promise(delivery=date(2026, 12, 11))],
                          requested=date(2026, 12, 11)), TODAY)
    assert s.status == "at_risk"


def test_shipped_with_eta_after_promise_is_at_risk() -> None:
    s = line_status(facts(promises=[promise(delivery=date(2026, 12, 12))],
                          requested=date(2026, 12, 12),
                          shipments=[ShipmentFact(D(10), date(2026, 12, 9),
                                                  date(2026, 12, 14))]), TODAY)
    assert (s.status, s.expected_delivery, s.delay_days) == ("at_risk", date(2026, 12, 14), 2)


def test_shipped_in_time_is_shipped() -> None:
    s = line_status(facts(promises=[promise()],
                          shipments=[ShipmentFact(D(10), date(2026, 12, 9), None)]), TODAY)
    assert (s.status, s.expected_delivery) == ("shipped", date(2026, 12, 11))


def test_delivered_on_time_late_and_short() -> None:
    on_time = facts(promises=[promise(delivery=date(2026, 12, 8))], requested=date(2026, 12, 8),
                    shipments=[ShipmentFact(D(10), date(2026, 12, 5), date(2026, 12, 7))])
    late = facts(promises=[promise(delivery=date(2026, 12, 8))], requested=date(2026, 12, 8),
                 shipments=[ShipmentFact(D(10), date(2026, 12, 7), date(2026, 12, 9))])
    short = facts(promises=[promise(delivery=date(2026, 12, 8))], requested=date(2026, 12, 8),
                  shipments=[ShipmentFact(D(6), date(2026, 12, 5), date(2026, 12, 7))])
    assert line_status(on_time, TODAY).status == "delivered_on_time"
    assert (line_status(late, TODAY).status, line_status(late, TODAY).delay_days) == (
        "delivered_late", 1)
    assert line_status(short, TODAY).status == "delivered_short"


def test_two_shipments_add_up_and_the_last_one_decides_arrival() -> None:
    s = line_status(facts(promises=[promise(delivery=date(2026, 12, 9))],
                          requested=date(2026, 12, 9),
                          shipments=[ShipmentFact(D(4), date(2026, 12, 3), date(2026, 12, 5)),
                                     ShipmentFact(D(6), date(2026, 12, 6), date(2026, 12, 8))]),
                    TODAY)
    assert (s.status, s.shipped_quantity) == ("delivered_on_time", D(10))


def test_cancelled_wins() -> None:
    assert line_status(facts(promises=[promise()], cancelled=True), TODAY).status == "cancelled"
