"""Customer scores: ABC classes, RFM quintiles and segments, tiers, churn warnings.

Every expected value below is worked out by hand in the comments next to it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from app.services.customer_scores import (
    DEFAULT_TIERS,
    AbcResult,
    QuintileScore,
    RfmInput,
    TierRule,
    abc_classes,
    assign_tier,
    churn_flags,
    quintile_score,
    rfm_scores,
    rfm_segment,
)

# --------------------------------------------------------------------------------------------
# ABC
# --------------------------------------------------------------------------------------------


def test_abc_class_follows_the_cumulative_share_before_each_customer():
    # total = 500 + 300 + 100 + 60 + 40 = 1000
    # share:             0.5   0.3   0.1   0.06  0.04
    # cumulative before: 0     0.5   0.8   0.9   0.96
    # class:             A     A     B     B     C
    # Customer 3 starts exactly at 0.80, which is not < 0.80, so it is B.
    result = abc_classes({1: D(500), 2: D(300), 3: D(100), 4: D(60), 5: D(40)})
    assert {cid: r.abc_class for cid, r in result.items()} == {
        1: "A", 2: "A", 3: "B", 4: "B", 5: "C"}
    assert [result[cid].share for cid in (1, 2, 3, 4, 5)] == [
        D("0.5"), D("0.3"), D("0.1"), D("0.06"), D("0.04")]
    assert [result[cid].cumulative_share_before for cid in (1, 2, 3, 4, 5)] == [
        D(0), D("0.5"), D("0.8"), D("0.9"), D("0.96")]
    assert [result[cid].cumulative_share for cid in (1, 2, 3, 4, 5)] == [
        D("0.5"), D("0.8"), D("0.9"), D("0.96"), D(1)]


def test_abc_customer_starting_exactly_at_95_percent_is_c():
    # total 100; before: 0, 0.80, 0.95 -> A, B (0.80 is not < 0.80), C (0.95 is not < 0.95).
    result = abc_classes({1: D(80), 2: D(15), 3: D(5)})
    assert {cid: r.abc_class for cid, r in result.items()} == {1: "A", 2: "B", 3: "C"}


def test_abc_result_carries_its_inputs():
    # Customer 2: revenue 300 of 1000, ranked second.
    result = abc_classes({1: D(500), 2: D(300), 3: D(100), 4: D(60), 5: D(40)})
    assert result[2] == AbcResult(
        customer_id=2, revenue=D(300), total_revenue=D(1000), rank=2, share=D("0.3"),
        cumulative_share_before=D("0.5"), cumulative_share=D("0.8"), abc_class="A")


def test_abc_customer_crossing_a_boundary_keeps_the_class_it_started_in():
    # total 100; before: 0, 0.70, 0.90.
    # Customer 2 runs from 0.70 to 0.90 across 0.80: still A.
    # Customer 3 runs from 0.90 to 1.00 across 0.95: still B. Nobody is C.
    result = abc_classes({1: D(70), 2: D(20), 3: D(10)})
    assert {cid: r.abc_class for cid, r in result.items()} == {1: "A", 2: "A", 3: "B"}


def test_abc_ties_are_ranked_by_customer_id():
    # total = 300 + 300 + 200 + 200 = 1000; ranking 2, 4 (300 each), then 1, 8 (200 each).
    # before: id2 0, id4 0.3, id1 0.6, id8 0.8 -> A, A, A, B.
    result = abc_classes({4: D(300), 2: D(300), 8: D(200), 1: D(200)})
    assert {cid: result[cid].rank for cid in (2, 4, 1, 8)} == {2: 1, 4: 2, 1: 3, 8: 4}
    assert {cid: result[cid].abc_class for cid in (2, 4, 1, 8)} == {
        2: "A", 4: "A", 1: "A", 8: "B"}


def test_abc_zero_negative_and_missing_revenue_are_c_with_share_zero():
    # Positive revenue only: total = 100. Customer 1 has everything: share 1, A.
    # Ranking: 1 (100), 2 (0), 4 (0, listed only, after 2 by id), 3 (-20).
    # The others start at cumulative 1.00 and have share 0: C.
    result = abc_classes({1: D(100), 2: D(0), 3: D(-20)}, customer_ids=[4, 1])
    assert result[1].abc_class == "A"
    assert result[1].share == D(1)
    for cid, rank, revenue in ((2, 2, D(0)), (4, 3, D(0)), (3, 4, D(-20))):
        assert (result[cid].rank, result[cid].revenue, result[cid].share,
                result[cid].cumulative_share_before, result[cid].abc_class) == (
            rank, revenue, D(0), D(1), "C")
    assert result[3].total_revenue == D(100)


def test_abc_total_zero_makes_everyone_c():
    result = abc_classes({1: D(0), 2: D(0)}, customer_ids=[3])
    assert {cid: (r.abc_class, r.share, r.cumulative_share) for cid, r in result.items()} == {
        1: ("C", D(0), D(0)), 2: ("C", D(0), D(0)), 3: ("C", D(0), D(0))}


def test_abc_no_customers_gives_no_results():
    assert abc_classes({}) == {}


def test_abc_rejects_non_finite_revenue():
    with pytest.raises(ValueError, match="customer 7"):
        abc_classes({7: D("NaN")})


# --------------------------------------------------------------------------------------------
# RFM
# --------------------------------------------------------------------------------------------

# Ten customers with ties in every dimension. n = 10, so score = 1 + floor(5 * worse / 10)
# = 1 + worse // 2: worse 0-1 -> 1, 2-3 -> 2, 4-5 -> 3, 6-7 -> 4, 8-9 -> 5.
#
# id  days  freq  monetary  first order (days ago)
TEN = {
    1: RfmInput(2, 12, D("5000.00"), 365),
    2: RfmInput(2, 3, D("800.00"), 365),
    3: RfmInput(5, 12, D("5000.00"), 365),
    4: RfmInput(10, 6, D("2500.00"), 365),
    5: RfmInput(10, 1, D("120.50"), 10),
    6: RfmInput(10, 12, D("2500.00"), 365),
    7: RfmInput(30, 6, D("900.00"), 365),
    8: RfmInput(45, 3, D("800.00"), 365),
    9: RfmInput(90, 1, D("50.00"), 365),
    10: RfmInput(90, 2, D("5000.00"), 365),
}
# Recency (worse = customers with strictly more days):
#   2 days  (1, 2): 5, 10, 10, 10, 30, 45, 90, 90 -> 8 worse -> 5
#   5 days  (3):    10, 10, 10, 30, 45, 90, 90    -> 7 worse -> 4
#   10 days (4,5,6): 30, 45, 90, 90               -> 4 worse -> 3
#   30 days (7):    45, 90, 90                    -> 3 worse -> 2
#   45 days (8):    90, 90                        -> 2 worse -> 2
#   90 days (9,10): none                          -> 0 worse -> 1
# Frequency sorted: 1, 1, 2, 3, 3, 6, 6, 12, 12, 12 (worse = strictly fewer orders):
#   12 (1,3,6): 7 worse -> 4 (three customers share the top, so none reaches 5)
#   6  (4,7):   5 worse -> 3
#   3  (2,8):   3 worse -> 2
#   2  (10):    2 worse -> 2
#   1  (5,9):   0 worse -> 1
# Monetary sorted: 50, 120.50, 800, 800, 900, 2500, 2500, 5000, 5000, 5000:
#   5000 (1,3,10): 7 worse -> 4
#   2500 (4,6):    5 worse -> 3
#   900  (7):      4 worse -> 3
#   800  (2,8):    2 worse -> 2
#   120.50 (5):    1 worse -> 1
#   50   (9):      0 worse -> 1
TEN_SCORES = {
    1: (5, 4, 4), 2: (5, 2, 2), 3: (4, 4, 4), 4: (3, 3, 3), 5: (3, 1, 1),
    6: (3, 4, 3), 7: (2, 3, 3), 8: (2, 2, 2), 9: (1, 1, 1), 10: (1, 2, 4),
}
# Segments, first matching rule in order new, champions, loyal, promising, at_risk,
# hibernating, needs_attention:
#   1 (5,4,4) champions; 2 (5,2,2) promising; 3 (4,4,4) champions;
#   4 (3,3,3) needs_attention (R=3 and F=3 match nothing);
#   5 first order 10 days ago -> new (its 3,1,1 would be needs_attention);
#   6 (3,4,3) loyal (F>=4, R>=3 but R<4); 7 (2,3,3) at_risk; 8 (2,2,2) hibernating;
#   9 (1,1,1) hibernating; 10 (1,2,4) hibernating (M does not matter there).
TEN_SEGMENTS = {
    1: "champions", 2: "promising", 3: "champions", 4: "needs_attention", 5: "new",
    6: "loyal", 7: "at_risk", 8: "hibernating", 9: "hibernating", 10: "hibernating",
}


def test_rfm_scores_ten_customers_with_ties():
    result = rfm_scores(TEN)
    assert {cid: (r.recency.score, r.frequency.score, r.monetary.score)
            for cid, r in result.items()} == TEN_SCORES


def test_rfm_tied_values_share_the_worse_count_and_score():
    result = rfm_scores(TEN)
    # Recency 10 days (4, 5, 6): 4 worse; frequency 12 (1, 3, 6): 7 worse.
    assert {result[cid].recency for cid in (4, 5, 6)} == {QuintileScore(worse=4, n=10, score=3)}
    assert {result[cid].frequency for cid in (1, 3, 6)} == {QuintileScore(worse=7, n=10, score=4)}


def test_rfm_segments_of_the_ten_customers():
    result = rfm_scores(TEN)
    assert {cid: r.segment for cid, r in result.items()} == TEN_SEGMENTS


def test_rfm_result_carries_its_input_row_and_code():
    result = rfm_scores(TEN)
    assert result[7].inputs == RfmInput(30, 6, D("900.00"), 365)
    assert result[7].code == "233"


def test_rfm_all_equal_values_get_the_same_score():
    # Nobody is strictly worse than anybody: worse = 0 -> 1 + 0 = 1 everywhere.
    row = RfmInput(7, 3, D(100), 200)
    result = rfm_scores({1: row, 2: row, 3: row, 4: row})
    assert {(r.recency.score, r.frequency.score, r.monetary.score)
            for r in result.values()} == {(1, 1, 1)}


def test_rfm_single_customer_scores_one():
    # n = 1, worse = 0 -> 1 + floor(0 / 1) = 1.
    result = rfm_scores({42: RfmInput(0, 1, D(10), 400)})
    assert result[42].code == "111"
    assert result[42].recency == QuintileScore(worse=0, n=1, score=1)


def test_rfm_three_customers():
    # n = 3: worse 0 -> 1 + floor(0/3) = 1; 1 -> 1 + floor(5/3) = 2; 2 -> 1 + floor(10/3) = 4.
    # Customer 1 is best everywhere (2 worse), 2 in the middle (1 worse), 3 worst (0 worse).
    result = rfm_scores({
        1: RfmInput(1, 5, D(300), 400),
        2: RfmInput(5, 3, D(200), 400),
        3: RfmInput(20, 1, D(100), 400),
    })
    assert {cid: r.code for cid, r in result.items()} == {1: "444", 2: "222", 3: "111"}


def test_rfm_three_customers_with_a_tie():
    # Recency 5, 5, 20: the two 5s have 1 worse -> 2; the 20 has none -> 1.
    result = rfm_scores({
        1: RfmInput(5, 2, D(10), 400),
        2: RfmInput(5, 2, D(10), 400),
        3: RfmInput(20, 2, D(10), 400),
    })
    assert [result[cid].recency.score for cid in (1, 2, 3)] == [2, 2, 1]


def test_quintile_score_reaches_five_at_eighty_percent_worse():
    # n = 5: worse 0..4 -> 1..5. n = 10: worse 7 -> 1 + 3 = 4, worse 8 -> 1 + 4 = 5.
    assert [quintile_score(w, 5) for w in range(5)] == [1, 2, 3, 4, 5]
    assert (quintile_score(7, 10), quintile_score(8, 10)) == (4, 5)


def test_quintile_score_rejects_impossible_counts():
    with pytest.raises(ValueError):
        quintile_score(3, 3)


def test_rfm_rejects_a_customer_without_orders():
    with pytest.raises(ValueError, match="customer 9: frequency"):
        rfm_scores({9: RfmInput(5, 0, D(0), 5)})


def test_rfm_rejects_first_order_after_last_order():
    with pytest.raises(ValueError, match="customer 9: first order"):
        rfm_scores({9: RfmInput(20, 2, D(50), 10)})


@pytest.mark.parametrize(("scores", "first_order_days", "segment"), [
    # new wins over everything, even a champion's scores, while the first order is < 30 days old.
    ((5, 5, 5), 29, "new"),
    ((1, 1, 1), 0, "new"),
    # At 30 days the customer is no longer new.
    ((5, 5, 5), 30, "champions"),
    # champions: all three >= 4, at the boundary.
    ((4, 4, 4), None, "champions"),
    # loyal: F >= 4 and R >= 3; a champion without the money is loyal.
    ((4, 4, 3), None, "loyal"),
    ((3, 4, 5), None, "loyal"),
    # promising: R >= 4 and F <= 2.
    ((4, 2, 5), None, "promising"),
    # at_risk: R <= 2 and F >= 3.
    ((2, 3, 1), None, "at_risk"),
    ((1, 5, 5), None, "at_risk"),
    # hibernating: R <= 2 and F <= 2.
    ((2, 2, 5), None, "hibernating"),
    # needs_attention: the rest, e.g. R = 3 with F <= 3, or R >= 4 with F = 3.
    ((3, 3, 3), None, "needs_attention"),
    ((3, 1, 1), None, "needs_attention"),
    ((5, 3, 5), None, "needs_attention"),
])
def test_rfm_segment_rules_in_order(scores, first_order_days, segment):
    assert rfm_segment(*scores, first_order_days) == segment


def test_rfm_segment_rejects_scores_outside_one_to_five():
    with pytest.raises(ValueError):
        rfm_segment(0, 3, 3)


# --------------------------------------------------------------------------------------------
# Tiers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("revenue", "orders", "tier"), [
    # Exactly at a threshold counts as met; one cent or one order short drops a tier.
    (D("100000"), 24, "key"),
    (D("99999.99"), 24, "gold"),
    (D("100000"), 23, "gold"),
    (D("25000"), 12, "gold"),
    (D("24999.99"), 12, "silver"),
    (D("25000"), 11, "silver"),
    (D("5000"), 4, "silver"),
    (D("4999.99"), 4, "bronze"),
    (D("5000"), 3, "bronze"),
    (D("0"), 1, "bronze"),
    (D("0"), 0, "prospect"),
    # Revenue alone is not enough: both thresholds must be met.
    (D("250000"), 0, "prospect"),
])
def test_tier_boundaries(revenue, orders, tier):
    assert assign_tier(revenue, orders).tier == tier


def test_tier_reason_names_the_thresholds_met():
    result = assign_tier(D("30000"), 14)
    assert result.tier == "gold"
    assert result.reason == "12-month revenue 30000.00 >= 25000 and 14 orders >= 12"
    assert (result.revenue_12m, result.orders_12m, result.rule) == (
        D("30000"), 14, TierRule("gold", D(25000), 12))


def test_tier_reason_for_a_single_order():
    assert assign_tier(D("12.5"), 1).reason == "12-month revenue 12.50 >= 0 and 1 order >= 1"


def test_prospect_without_orders():
    result = assign_tier(D(0), 0)
    assert (result.tier, result.reason, result.rule) == (
        "prospect", "no orders in 12 months", None)


def test_prospect_with_orders_but_net_credit():
    # 2 orders meet bronze's 1, but -10.00 misses its revenue >= 0.
    result = assign_tier(D("-10"), 2)
    assert (result.tier, result.reason) == ("prospect", "below bronze: 12-month revenue -10.00 < 0")


def test_tier_custom_rules():
    rules = (TierRule("strategic", D(1000), 2), TierRule("standard", D(100), 2))
    assert assign_tier(D(1000), 2, rules).tier == "strategic"
    assert assign_tier(D(999), 2, rules).tier == "standard"
    # 1 order is below the lowest rule's 2.
    result = assign_tier(D(5000), 1, rules)
    assert (result.tier, result.reason) == ("prospect", "below standard: 1 order < 2")


def test_tier_rules_must_be_listed_highest_first():
    with pytest.raises(ValueError, match="highest first"):
        assign_tier(D(1), 1, tuple(reversed(DEFAULT_TIERS)))


def test_tier_rejects_negative_order_count():
    with pytest.raises(ValueError):
        assign_tier(D(1), -1)


# --------------------------------------------------------------------------------------------
# Churn early warning
# --------------------------------------------------------------------------------------------

TODAY = date(2026, 11, 23)


def test_churn_median_gap_odd_number_of_gaps():
    # Jan 1 -> Jan 11 = 10, Jan 11 -> Jan 31 = 20, Jan 31 -> Feb 3 = 3.
    # Sorted 3, 10, 20: median 10.
    dates = [date(2026, 1, 31), date(2026, 1, 1), date(2026, 2, 3), date(2026, 1, 11)]
    assert churn_flags(dates, None, TODAY).median_gap_days == 10


def test_churn_median_gap_even_number_of_gaps():
    # Gaps 10, 20, 3 and Feb 3 -> Feb 10 = 7. Sorted 3, 7, 10, 20: median (7 + 10) / 2 = 8.5.
    dates = [date(2026, 1, 1), date(2026, 1, 11), date(2026, 1, 31), date(2026, 2, 3),
             date(2026, 2, 10)]
    assert churn_flags(dates, None, TODAY).median_gap_days == 8.5


def test_churn_orders_on_the_same_day_are_one_occasion():
    # Jan 11 twice: 6 orders on 5 days, the gaps stay 10, 20, 3, 7 (median 8.5), no 0 gap.
    dates = [date(2026, 1, 1), date(2026, 1, 11), date(2026, 1, 11), date(2026, 1, 31),
             date(2026, 2, 3), date(2026, 2, 10)]
    result = churn_flags(dates, None, TODAY)
    assert (result.order_count, result.order_days, result.median_gap_days) == (6, 5, 8.5)
    assert (result.first_order_date, result.last_order_date) == (
        date(2026, 1, 1), date(2026, 2, 10))


def test_churn_single_order_has_no_median_gap():
    result = churn_flags([date(2026, 11, 1)], None, TODAY)
    # Nov 1 -> Nov 23 = 22 days.
    assert (result.median_gap_days, result.days_since_last, result.overdue) == (None, 22, False)


# Oct 14 -> Oct 24 -> Nov 3: gaps 10, 10, median 10; Nov 3 -> Nov 23 = 20 days = 2 x 10.
RHYTHM_OF_TEN = [date(2026, 10, 14), date(2026, 10, 24), date(2026, 11, 3)]


def test_churn_not_overdue_at_exactly_twice_the_median_gap():
    result = churn_flags(RHYTHM_OF_TEN, None, TODAY)
    assert (result.median_gap_days, result.days_since_last, result.overdue) == (10, 20, False)


def test_churn_overdue_one_day_past_twice_the_median_gap():
    # Nov 3 -> Nov 24 = 21 days > 20.
    result = churn_flags(RHYTHM_OF_TEN, None, date(2026, 11, 24))
    assert (result.days_since_last, result.overdue) == (21, True)
    assert result.flags == ("overdue",)


def test_churn_overdue_needs_three_order_days():
    # Two orders 10 days apart, the last Aug 15: Aug 15 -> Nov 23 = 16 + 30 + 31 + 23 = 100
    # days, far past 2 x 10, but two orders are not a rhythm.
    result = churn_flags([date(2026, 8, 5), date(2026, 8, 15)], None, TODAY)
    assert (result.median_gap_days, result.days_since_last, result.overdue) == (10, 100, False)


def test_churn_three_orders_on_two_days_are_not_enough_for_overdue():
    result = churn_flags([date(2026, 8, 5), date(2026, 8, 15), date(2026, 8, 15)], None, TODAY)
    assert (result.order_count, result.order_days, result.overdue) == (3, 2, False)


# Windows as of Nov 23: the last 90 days are Aug 26 .. Nov 23 (ages 0-89); the prior 90 days
# are May 28 .. Aug 25 (ages 90-179).
RECENT = [date(2026, 11, 20)]


def test_churn_not_declining_at_exactly_sixty_percent():
    # prior 1000 (Aug 25, age 90), last 600 (Aug 26, age 89): 600 < 0.60 x 1000 is false.
    volume = [(date(2026, 8, 25), D(1000)), (date(2026, 8, 26), D(600))]
    result = churn_flags(RECENT, volume, TODAY)
    assert (result.volume_last_90d, result.volume_prior_90d, result.declining) == (
        D(600), D(1000), False)


def test_churn_declining_just_below_sixty_percent():
    volume = [(date(2026, 8, 25), D(1000)), (date(2026, 8, 26), D("599.99"))]
    assert churn_flags(RECENT, volume, TODAY).declining is True


def test_churn_volume_windows_edges():
    # Nov 23 (age 0) and Aug 26 (age 89) -> last: 50 + 50 = 100.
    # Aug 25 (age 90) and May 28 (age 179) -> prior: 300 + 700 = 1000.
    # May 27 (age 180) is outside both. 100 < 600: declining.
    volume = [(date(2026, 11, 23), D(50)), (date(2026, 8, 26), D(50)),
              (date(2026, 8, 25), D(300)), (date(2026, 5, 28), D(700)),
              (date(2026, 5, 27), D(5000))]
    result = churn_flags(RECENT, volume, TODAY)
    assert (result.volume_last_90d, result.volume_prior_90d, result.declining) == (
        D(100), D(1000), True)


def test_churn_not_declining_without_prior_volume():
    # Prior 0: no base to decline from, even with nothing recent either.
    volume = [(date(2026, 5, 27), D(5000))]
    result = churn_flags(RECENT, volume, TODAY)
    assert (result.volume_last_90d, result.volume_prior_90d, result.declining) == (
        D(0), D(0), False)


def test_churn_without_volume_data_reports_none():
    result = churn_flags(RECENT, None, TODAY)
    assert (result.volume_last_90d, result.volume_prior_90d, result.declining) == (
        None, None, False)


def test_churn_not_lost_at_364_days():
    # Nov 24 2025 -> Nov 23 2026 = 364 days.
    result = churn_flags([date(2025, 11, 24)], None, TODAY)
    assert (result.days_since_last, result.lost) == (364, False)


def test_churn_lost_at_365_days():
    # Nov 23 2025 -> Nov 23 2026 = 365 days.
    result = churn_flags([date(2025, 11, 23)], None, TODAY)
    assert (result.days_since_last, result.lost) == (365, True)
    assert result.flags == ("lost",)


def test_churn_customer_without_orders():
    result = churn_flags([], [], TODAY)
    assert (result.order_count, result.last_order_date, result.median_gap_days,
            result.days_since_last, result.overdue, result.declining, result.lost) == (
        0, None, None, None, False, False, False)
    assert result.flags == ()


def test_churn_rejects_orders_after_today():
    with pytest.raises(ValueError, match="after today"):
        churn_flags([date(2026, 11, 24)], None, TODAY)
