"""Customer scores for account managers: ABC value classes, RFM, tiers and churn warnings.

Pure functions over numbers and dates: no database, nothing else of ``app``. Every result is a
frozen dataclass that carries the inputs that produced it, so a screen or an export can show why
a customer got its score without recomputing anything. Money is ``Decimal`` throughout and every
threshold comparison is exact (no floats between a value and its boundary).

Four scores, each with its rule written down where it is computed:

- ``abc_classes``: A / B / C by share of revenue (Pareto 80 / 15 / 5).
- ``rfm_scores``: recency, frequency and monetary scores 1-5 by quintile, and a segment name.
- ``assign_tier``: commercial tier from 12-month revenue and order count.
- ``churn_flags``: overdue, declining and lost warnings from a customer's own order rhythm.
"""

from __future__ import annotations

import bisect
import itertools
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from typing import Literal

# --------------------------------------------------------------------------------------------
# ABC
# --------------------------------------------------------------------------------------------

AbcClass = Literal["A", "B", "C"]

#: A customer is A while the revenue share of the customers ranked before it is below this ...
ABC_A_LIMIT = Decimal("0.80")
#: ... and B while it is below this; everyone after is C.
ABC_B_LIMIT = Decimal("0.95")

# Shares are quotients; compute them at a fixed precision whatever the caller's context says.
_SHARE_PRECISION = 28


@dataclass(frozen=True, slots=True)
class AbcResult:
    """One customer's ABC class and the figures behind it.

    ``revenue`` is the customer's revenue as passed (0 for a customer listed only in
    ``customer_ids``); ``total_revenue`` the sum of the positive revenues of all customers;
    ``rank`` the 1-based position in the ranking (revenue descending, customer id ascending);
    ``share`` the customer's part of the total; ``cumulative_share_before`` the share of every
    customer ranked before it and ``cumulative_share`` the same including it. Customers with zero
    or negative revenue have share 0.
    """

    customer_id: int
    revenue: Decimal
    total_revenue: Decimal
    rank: int
    share: Decimal
    cumulative_share_before: Decimal
    cumulative_share: Decimal
    abc_class: AbcClass


def _finite(value: Decimal, what: str) -> Decimal:
    if not isinstance(value, Decimal):
        raise TypeError(f"{what} must be a Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"{what} must be finite, got {value}")
    return value


def abc_classes(revenue: Mapping[int, Decimal], *,
                customer_ids: Iterable[int] = ()) -> dict[int, AbcResult]:
    """Classify customers A, B or C by their share of total revenue.

    Customers are ranked by revenue descending, ties broken by customer id ascending. Walking
    down the ranking, a customer's class depends on the cumulative share of the customers
    *before* it:

    - A when that share is < 0.80, so the customer that crosses 80% is still A;
    - B when it is < 0.95, so the customer that crosses 95% is still B;
    - C otherwise.

    The comparisons are made on exact revenue sums (``before < 0.80 * total``), not on rounded
    shares. Zero or negative revenue (net credit notes) counts as no revenue: share 0, class C,
    and it does not reduce the total the others are measured against. When the total is 0 every
    customer is C. ``customer_ids`` lists further customers with no revenue entry, so that every
    customer of the book gets a class; they are C with revenue 0.
    """
    amounts = {cid: _finite(value, f"revenue of customer {cid}") for cid, value in revenue.items()}
    for cid in customer_ids:
        amounts.setdefault(cid, Decimal(0))
    total = sum((max(value, Decimal(0)) for value in amounts.values()), Decimal(0))
    ranking = sorted(amounts, key=lambda cid: (-amounts[cid], cid))

    results: dict[int, AbcResult] = {}
    before = Decimal(0)
    with localcontext(prec=_SHARE_PRECISION):
        for rank, cid in enumerate(ranking, start=1):
            counted = max(amounts[cid], Decimal(0))
            after = before + counted
            if total <= 0:
                klass: AbcClass = "C"
                share = share_before = share_after = Decimal(0)
            else:
                # Exact sums, not rounded shares. No revenue ranks after all the positive
                # revenue, so its share before is 1 and it is C by the same rule.
                klass = ("A" if before < ABC_A_LIMIT * total
                         else "B" if before < ABC_B_LIMIT * total
                         else "C")
                share = counted / total
                share_before = before / total
                share_after = after / total
            results[cid] = AbcResult(
                customer_id=cid, revenue=amounts[cid], total_revenue=total, rank=rank,
                share=share, cumulative_share_before=share_before,
                cumulative_share=share_after, abc_class=klass,
            )
            before = after
    return results


# --------------------------------------------------------------------------------------------
# RFM
# --------------------------------------------------------------------------------------------

Segment = Literal["new", "champions", "loyal", "promising", "at_risk", "hibernating",
                  "needs_attention"]

#: A customer whose first order is fewer than this many days old is ``new``.
NEW_CUSTOMER_DAYS = 30


@dataclass(frozen=True, slots=True)
class RfmInput:
    """One active customer's RFM figures, as of the scoring date.

    ``recency_days``: days since the last order (0 = ordered today). ``frequency``: orders in
    the window (at least 1: pass active customers only). ``monetary``: revenue in the window.
    ``first_order_days``: days since the customer's first order ever; None when unknown, and
    then the customer is never ``new``.
    """

    recency_days: int
    frequency: int
    monetary: Decimal
    first_order_days: int | None = None


@dataclass(frozen=True, slots=True)
class QuintileScore:
    """A 1-5 score and what produced it: ``worse`` of the ``n`` customers scored have a strictly
    worse value, and ``score = min(5, 1 + (5 * worse) // n)``."""

    worse: int
    n: int
    score: int


@dataclass(frozen=True, slots=True)
class RfmResult:
    """One customer's RFM scores, its segment and the input row they came from."""

    customer_id: int
    inputs: RfmInput
    recency: QuintileScore
    frequency: QuintileScore
    monetary: QuintileScore
    segment: Segment

    @property
    def code(self) -> str:
        """The three scores as the usual RFM code, e.g. ``"545"``."""
        return f"{self.recency.score}{self.frequency.score}{self.monetary.score}"


def quintile_score(worse: int, n: int) -> int:
    """Score 1-5 of a value when ``worse`` of the ``n`` customers have a strictly worse one.

    ``1 + floor(5 * worse / n)``, capped at 5. Equal values have the same number of strictly
    worse customers, so ties always share a score. The worst value (nobody worse) scores 1; a
    value scores 5 when at least 80% of the customers are strictly worse. Consequences: with a
    single customer, or when all values are equal, everyone scores 1; with n = 3 distinct
    values the scores are 1, 2 and 4.
    """
    if n < 1 or not 0 <= worse < n:
        raise ValueError(f"need 0 <= worse < n, got worse={worse}, n={n}")
    return min(5, 1 + (5 * worse) // n)


def rfm_segment(recency: int, frequency: int, monetary: int,
                first_order_days: int | None = None) -> Segment:
    """Name the segment of a customer from its R, F and M scores (1-5).

    The rules are tried in this order and the first that matches wins:

    =================  ==============================================
    segment            rule
    =================  ==============================================
    new                first order fewer than 30 days ago
    champions          R >= 4 and F >= 4 and M >= 4
    loyal              F >= 4 and R >= 3
    promising          R >= 4 and F <= 2
    at_risk            R <= 2 and F >= 3
    hibernating        R <= 2 and F <= 2
    needs_attention    anything else
    =================  ==============================================

    Order matters in two places: ``new`` comes first because a customer with a few days of
    history has few orders and a recent one, and would otherwise read as ``promising`` (or as
    ``hibernating`` among many long-standing customers); ``champions`` comes before ``loyal``
    because every champion also meets the loyal rule. The other rules do not overlap.
    ``needs_attention`` collects, for example, R = 3 with F <= 3, R >= 4 with F = 3, and
    R <= 2 never reaches it.
    """
    for score in (recency, frequency, monetary):
        if not 1 <= score <= 5:
            raise ValueError(f"scores are 1-5, got {score}")
    if first_order_days is not None and first_order_days < NEW_CUSTOMER_DAYS:
        return "new"
    if recency >= 4 and frequency >= 4 and monetary >= 4:
        return "champions"
    if frequency >= 4 and recency >= 3:
        return "loyal"
    if recency >= 4 and frequency <= 2:
        return "promising"
    if recency <= 2 and frequency >= 3:
        return "at_risk"
    if recency <= 2 and frequency <= 2:
        return "hibernating"
    return "needs_attention"


def _check_rfm_input(cid: int, row: RfmInput) -> None:
    if row.recency_days < 0:
        raise ValueError(f"customer {cid}: recency_days must be >= 0, got {row.recency_days}")
    if row.frequency < 1:
        raise ValueError(f"customer {cid}: frequency must be >= 1 (active customers only), "
                         f"got {row.frequency}")
    _finite(row.monetary, f"monetary of customer {cid}")
    if row.first_order_days is not None and row.first_order_days < row.recency_days:
        raise ValueError(f"customer {cid}: first order ({row.first_order_days} days ago) cannot "
                         f"be more recent than the last ({row.recency_days} days ago)")


def rfm_scores(rows: Mapping[int, RfmInput]) -> dict[int, RfmResult]:
    """Score recency, frequency and monetary 1-5 by quintile and name each customer's segment.

    Pass the active customers only (at least one order in the window); they are scored against
    each other. Better is fewer days since the last order, more orders, more revenue. For each
    dimension a customer's score is ``quintile_score(worse, n)`` where ``worse`` counts the
    customers with a strictly worse value: that is the position of the value's first occurrence
    in the list sorted worst to best, so ties are kept together. Segments: see ``rfm_segment``.
    """
    for cid, row in rows.items():
        _check_rfm_input(cid, row)
    n = len(rows)
    # Sorted ascending; "worse" is "more days" for recency and "less" for the other two.
    recencies = sorted(row.recency_days for row in rows.values())
    frequencies = sorted(row.frequency for row in rows.values())
    monetaries = sorted(row.monetary for row in rows.values())

    def score(worse: int) -> QuintileScore:
        return QuintileScore(worse=worse, n=n, score=quintile_score(worse, n))

    results: dict[int, RfmResult] = {}
    for cid, row in rows.items():
        r = score(n - bisect.bisect_right(recencies, row.recency_days))
        f = score(bisect.bisect_left(frequencies, row.frequency))
        m = score(bisect.bisect_left(monetaries, row.monetary))
        results[cid] = RfmResult(
            customer_id=cid, inputs=row, recency=r, frequency=f, monetary=m,
            segment=rfm_segment(r.score, f.score, m.score, row.first_order_days),
        )
    return results


# --------------------------------------------------------------------------------------------
# Tiers
# --------------------------------------------------------------------------------------------

#: Tier of a customer that meets no rule (with the default rules: no order in 12 months).
PROSPECT = "prospect"


@dataclass(frozen=True, slots=True)
class TierRule:
    """A tier is reached when both thresholds are met (``>=``)."""

    name: str
    min_revenue_12m: Decimal
    min_orders_12m: int


DEFAULT_TIERS: tuple[TierRule, ...] = (
    TierRule("key", Decimal(100000), 24),
    TierRule("gold", Decimal(25000), 12),
    TierRule("silver", Decimal(5000), 4),
    TierRule("bronze", Decimal(0), 1),
)


@dataclass(frozen=True, slots=True)
class TierResult:
    """The tier reached, why, and the figures it was decided on.

    ``rule`` is the rule met (None for ``prospect``); ``reason`` names its thresholds, e.g.
    ``"12-month revenue 30000.00 >= 25000 and 14 orders >= 12"``.
    """

    tier: str
    reason: str
    revenue_12m: Decimal
    orders_12m: int
    rule: TierRule | None


def _orders(count: int) -> str:
    return f"{count} order" if count == 1 else f"{count} orders"


def _check_tier_rules(rules: Sequence[TierRule]) -> None:
    for higher, lower in itertools.pairwise(rules):
        if (lower.min_revenue_12m > higher.min_revenue_12m
                or lower.min_orders_12m > higher.min_orders_12m):
            raise ValueError(f"tier rules must be listed highest first: {lower.name!r} has a "
                             f"threshold above {higher.name!r}")


def assign_tier(revenue_12m: Decimal, orders_12m: int,
                rules: Sequence[TierRule] = DEFAULT_TIERS) -> TierResult:
    """Give a customer the highest tier whose two thresholds it meets.

    Rules are tried in the order given, which must be highest first: neither threshold of a
    rule may exceed that of the rule before it (``ValueError`` otherwise), so "highest" is
    unambiguous. A threshold is met when the figure is equal to or above it. A customer that
    meets no rule is ``prospect``: with the default rules, one with no order in 12 months (or
    with orders but net negative revenue, which misses bronze's revenue >= 0).
    """
    _finite(revenue_12m, "revenue_12m")
    if orders_12m < 0:
        raise ValueError(f"orders_12m must be >= 0, got {orders_12m}")
    _check_tier_rules(rules)
    revenue_text = f"12-month revenue {revenue_12m:.2f}"
    for rule in rules:
        if revenue_12m >= rule.min_revenue_12m and orders_12m >= rule.min_orders_12m:
            reason = (f"{revenue_text} >= {rule.min_revenue_12m} and "
                      f"{_orders(orders_12m)} >= {rule.min_orders_12m}")
            return TierResult(tier=rule.name, reason=reason, revenue_12m=revenue_12m,
                              orders_12m=orders_12m, rule=rule)
    if orders_12m == 0:
        reason = "no orders in 12 months"
    elif rules:
        lowest = rules[-1]
        missed = []
        if revenue_12m < lowest.min_revenue_12m:
            missed.append(f"{revenue_text} < {lowest.min_revenue_12m}")
        if orders_12m < lowest.min_orders_12m:
            missed.append(f"{_orders(orders_12m)} < {lowest.min_orders_12m}")
        reason = f"below {lowest.name}: " + " and ".join(missed)
    else:
        reason = "no tier rules"
    return TierResult(tier=PROSPECT, reason=reason, revenue_12m=revenue_12m,
                      orders_12m=orders_12m, rule=None)


# --------------------------------------------------------------------------------------------
# Churn early warning
# --------------------------------------------------------------------------------------------

#: Overdue needs at least this many distinct order dates (two gaps) to know the rhythm.
OVERDUE_MIN_ORDER_DAYS = 3
#: Overdue when the days since the last order exceed this many median gaps.
OVERDUE_GAP_FACTOR = 2
#: Length of the two volume windows compared for ``declining``.
VOLUME_WINDOW_DAYS = 90
#: Declining when the last window's volume is below this part of the prior window's.
DECLINE_RATIO = Decimal("0.60")
#: Lost after this many days without an order.
LOST_DAYS = 365


@dataclass(frozen=True, slots=True)
class ChurnResult:
    """Churn warnings for one customer and the figures they were decided on.

    ``order_count`` is the number of order dates passed (repeats included); ``order_days`` the
    number of distinct dates, which is what the rhythm is measured on. The volumes are None
    when no ``daily_volume`` was passed. ``flags`` lists the raised flags by name.
    """

    today: date
    order_count: int
    order_days: int
    first_order_date: date | None
    last_order_date: date | None
    median_gap_days: float | None
    days_since_last: int | None
    volume_last_90d: Decimal | None
    volume_prior_90d: Decimal | None
    overdue: bool
    declining: bool
    lost: bool

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(name for name, raised in (("overdue", self.overdue),
                                               ("declining", self.declining),
                                               ("lost", self.lost)) if raised)


def _volumes(daily_volume: Iterable[tuple[date, Decimal]],
             today: date) -> tuple[Decimal, Decimal]:
    last = prior = Decimal(0)
    for day, amount in daily_volume:
        _finite(amount, f"volume on {day}")
        age = (today - day).days
        if age < 0:
            raise ValueError(f"volume dated {day} is after today ({today})")
        if age < VOLUME_WINDOW_DAYS:
            last += amount
        elif age < 2 * VOLUME_WINDOW_DAYS:
            prior += amount
    return last, prior


def churn_flags(order_dates: Iterable[date],
                daily_volume: Iterable[tuple[date, Decimal]] | None,
                today: date) -> ChurnResult:
    """Early churn warnings for one customer, measured against its own ordering rhythm.

    - ``median_gap_days``: median of the gaps in days between consecutive *distinct* order
      dates (several orders on one day are one ordering occasion); for an even number of gaps
      the mean of the middle two. None with fewer than 2 distinct dates.
    - ``days_since_last``: ``today`` minus the last order date. None without orders.
    - ``overdue``: ``days_since_last > 2 * median_gap_days`` (strictly: exactly twice the usual
      gap is not yet overdue), only with at least 3 distinct order dates.
    - ``declining``: the volume of the last 90 days (order dates ``today - 89`` to ``today``,
      both included) is strictly below 60% of the volume of the 90 days before (``today - 179``
      to ``today - 90``); only when that prior volume is > 0 and ``daily_volume`` is given.
      Volume is whatever the caller sums (order values or quantities), by order date; several
      entries on one date add up; entries older than 180 days are ignored.
    - ``lost``: ``days_since_last >= 365``.

    The flags are independent: a lost customer is usually overdue as well. A customer with no
    orders has every flag False and the day counts None. Dates after ``today`` are an error.
    """
    dates = list(order_dates)
    days = sorted(set(dates))
    if days and days[-1] > today:
        raise ValueError(f"order dated {days[-1]} is after today ({today})")
    volumes = None if daily_volume is None else _volumes(daily_volume, today)
    last_volume, prior_volume = volumes if volumes is not None else (None, None)

    if not days:
        return ChurnResult(
            today=today, order_count=0, order_days=0, first_order_date=None,
            last_order_date=None, median_gap_days=None, days_since_last=None,
            volume_last_90d=last_volume, volume_prior_90d=prior_volume,
            overdue=False, declining=False, lost=False,
        )

    gaps = [(later - earlier).days for earlier, later in itertools.pairwise(days)]
    median_gap = float(statistics.median(gaps)) if gaps else None
    since_last = (today - days[-1]).days
    overdue = (len(days) >= OVERDUE_MIN_ORDER_DAYS and median_gap is not None
               and since_last > OVERDUE_GAP_FACTOR * median_gap)
    declining = (last_volume is not None and prior_volume is not None and prior_volume > 0
                 and last_volume < DECLINE_RATIO * prior_volume)
    return ChurnResult(
        today=today, order_count=len(dates), order_days=len(days), first_order_date=days[0],
        last_order_date=days[-1], median_gap_days=median_gap, days_since_last=since_last,
        volume_last_90d=last_volume, volume_prior_90d=prior_volume,
        overdue=overdue, declining=declining, lost=since_last >= LOST_DAYS,
    )
