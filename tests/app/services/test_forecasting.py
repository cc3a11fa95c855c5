"""Demand forecasting: classification, SES / Croston-SBA / TSB, and the leak-free backtest.

Every expected number below is worked out by hand in the comment next to it.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from app.services.forecasting import (
    Classification,
    choose_method,
    classify,
    croston_sba,
    forecast_series,
    ses,
    tsb,
)

# --- classification -------------------------------------------------------------------------


def test_classify_smooth_when_demand_every_day_with_steady_sizes():
    # 4 periods, 4 non-zero -> ADI = 4/4 = 1.0
    # sizes 10, 12, 8, 10: mean 10, squared deviations 0, 4, 4, 0 -> population variance 2
    # CV² = 2 / 10² = 0.02
    assert classify([10, 12, 8, 10]) == Classification(adi=1.0, cv2=pytest.approx(0.02),
                                                       kind="smooth")


def test_classify_erratic_when_demand_every_day_with_varying_sizes():
    # ADI = 4/4 = 1.0; sizes 1, 9, 1, 9: mean 5, squared deviations 16 each -> variance 16
    # CV² = 16 / 25 = 0.64 >= 0.49
    assert classify([1, 9, 1, 9]) == Classification(adi=1.0, cv2=pytest.approx(0.64),
                                                     kind="erratic")


def test_classify_intermittent_when_gaps_with_steady_sizes():
    # 6 periods, 3 non-zero -> ADI = 2.0
    # sizes 4, 6, 5: mean 5, squared deviations 1, 1, 0 -> variance 2/3
    # CV² = (2/3) / 25 = 2/75 = 0.02667
    assert classify([0, 4, 0, 6, 0, 5]) == Classification(adi=2.0, cv2=pytest.approx(2 / 75),
                                                          kind="intermittent")


def test_classify_lumpy_when_gaps_with_varying_sizes():
    # 6 periods, 2 non-zero -> ADI = 3.0; sizes 1, 9: mean 5, variance 16 -> CV² = 0.64
    assert classify([0, 1, 0, 0, 9, 0]) == Classification(adi=3.0, cv2=pytest.approx(0.64),
                                                          kind="lumpy")


def test_classify_cutoffs_belong_to_the_upper_class():
    # 25 ones and 8 zeros: ADI = 33/25 = 1.32 exactly, not < 1.32 -> intermittent (CV² = 0)
    assert classify([1] * 25 + [0] * 8).kind == "intermittent"
    # sizes 3, 17: mean 10, population std 7 -> CV² = 49/100 = 0.49 exactly -> erratic
    assert classify([3, 17]).kind == "erratic"


@pytest.mark.parametrize("series", [[], [0], [0, 0, 0, 0]])
def test_classify_empty_or_all_zero_series_is_none(series):
    assert classify(series) == Classification(adi=None, cv2=None, kind="none")


def test_classify_accepts_decimal_quantities():
    # the store keeps quantities as Decimal; same numbers as the smooth example
    assert classify([Decimal(10), Decimal(12), Decimal(8), Decimal(10)]).kind == "smooth"


@pytest.mark.parametrize("bad", [[1, -1], [1, math.nan], [math.inf]])
def test_classify_rejects_negative_or_non_finite_demand(bad):
    with pytest.raises(ValueError, match="finite and non-negative"):
        classify(bad)


@pytest.mark.parametrize(("kind", "method"), [
    ("smooth", "ses"), ("erratic", "ses"), ("intermittent", "croston_sba"), ("lumpy", "tsb"),
    ("none", "zero"),
])
def test_choose_method_follows_the_demand_pattern(kind, method):
    assert choose_method(kind) == method


def test_choose_method_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="unknown demand kind"):
        choose_method("seasonal")


# --- methods ----------------------------------------------------------------------------------


def test_ses_levels_by_hand():
    # alpha 0.5, level_0 = y_0 = 4
    # level_1 = 0.5*6 + 0.5*4 = 5
    # level_2 = 0.5*5 + 0.5*5 = 5
    assert ses([4, 6, 5], alpha=0.5) == pytest.approx((4.0, 5.0, 5.0))


def test_ses_default_alpha_is_0_2():
    # level_0 = 10; level_1 = 10 + 0.2*(0 - 10) = 8; level_2 = 8 + 0.2*(5 - 8) = 7.4
    assert ses([10, 0, 5]) == pytest.approx((10.0, 8.0, 7.4))


def test_croston_sba_by_hand():
    # alpha 0.5, SBA factor 1 - 0.5/2 = 0.75
    # t=0: y=0, no demand yet -> 0
    # t=1: first demand: z = 3, p = 1 + 1 = 2 -> 0.75 * 3/2 = 1.125
    # t=2, t=3: zeros, z and p hold -> 1.125
    # t=4: y=6, interval q = 4 - 1 = 3: z = 3 + 0.5*(6 - 3) = 4.5, p = 2 + 0.5*(3 - 2) = 2.5
    #      -> 0.75 * 4.5/2.5 = 1.35
    assert croston_sba([0, 3, 0, 0, 6], alpha=0.5) == pytest.approx(
        (0.0, 1.125, 1.125, 1.125, 1.35))


def test_croston_sba_consecutive_demands_have_interval_one():
    # alpha 0.2, factor 0.9. t=0: z = 5, p = 1 -> 4.5
    # t=1: q = 1: z = 5 + 0.2*(10 - 5) = 6, p = 1 -> 0.9 * 6 = 5.4
    assert croston_sba([5, 10]) == pytest.approx((4.5, 5.4))


def test_tsb_by_hand():
    # alpha 0.5, beta 0.5
    # t=0: y=0, no demand yet -> 0
    # t=1: first demand at index 1: z = 4, p = 1/2 -> 2
    # t=2: y=0: p = 0.5 + 0.5*(0 - 0.5) = 0.25, z holds -> 0.25 * 4 = 1
    # t=3: y=2: p = 0.25 + 0.5*(1 - 0.25) = 0.625, z = 4 + 0.5*(2 - 4) = 3 -> 1.875
    assert tsb([0, 4, 0, 2], alpha=0.5, beta=0.5) == pytest.approx((0.0, 2.0, 1.0, 1.875))


def test_tsb_decays_while_nothing_sells():
    # defaults alpha 0.2, beta 0.1. t=0: z = 5, p = 1/1 -> 5
    # t=1: p = 1 - 0.1*1 = 0.9 -> 4.5; t=2: p = 0.9 - 0.1*0.9 = 0.81 -> 4.05
    assert tsb([5, 0, 0]) == pytest.approx((5.0, 4.5, 4.05))


@pytest.mark.parametrize("method", [ses, croston_sba, tsb])
def test_methods_return_one_forecast_per_period(method):
    assert method([]) == ()
    assert len(method([0, 2, 0, 3, 1])) == 5


@pytest.mark.parametrize("method", [ses, croston_sba, tsb])
def test_method_forecast_uses_only_earlier_days(method):
    history = [0, 3, 1, 0, 0, 7, 2, 0, 4, 0, 0, 5]
    for day in range(1, len(history)):
        changed = history[:day] + [v * 3 + 11 for v in history[day:]]
        # element day-1 is the forecast for `day`; it must ignore day and everything after
        assert method(changed)[:day] == method(history)[:day]


@pytest.mark.parametrize("alpha", [0, -0.1, 1.5, math.nan])
def test_methods_reject_smoothing_outside_zero_one(alpha):
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        ses([1, 2], alpha=alpha)


# --- forecast_series --------------------------------------------------------------------------


def test_forecast_series_smooth_by_hand():
    # smooth (ADI 1, CV² 2/75) -> SES. alpha 0.5 levels 4, 5, 5 -> rate 5
    # backtest over 2 days (day 0 has no history): window days 1..2, pre-window [4] -> smooth
    # day 1 forecast = level_0 = 4, actual 6 -> error -2
    # day 2 forecast = level_1 = 5, actual 5 -> error 0
    # MAE = (2 + 0)/2 = 1, bias = (-2 + 0)/2 = -1
    result = forecast_series([4, 6, 5], horizon_days=3, alpha=0.5)
    assert result.kind == "smooth"
    assert result.adi == 1.0
    assert result.cv2 == pytest.approx(2 / 75)
    assert result.method == "ses"
    assert result.daily_rate == pytest.approx(5.0)
    assert result.daily == pytest.approx((5.0, 5.0, 5.0))
    assert result.backtest_method == "ses"
    assert result.backtest_days == 2
    assert result.backtest_mae == pytest.approx(1.0)
    assert result.backtest_bias == pytest.approx(-1.0)
    assert (result.history_days, result.alpha, result.beta) == (3, 0.5, 0.1)


def test_forecast_series_backtest_method_comes_from_data_before_the_window():
    # whole history: 8 days, 4 non-zero -> ADI 2, CV² 0 -> intermittent -> Croston-SBA
    #   alpha 0.5: z = 5, p = 1 at t=0 and stays (intervals of 1) -> rate 0.75 * 5/1 = 3.75
    # backtest window = last 4 days; before it [5, 5, 5, 5] is smooth -> SES
    #   SES level after day 3 = 5; forecasts for days 4..7: 5, 2.5, 1.25, 0.625 (halving on 0s)
    #   actuals 0 -> errors 5, 2.5, 1.25, 0.625, sum 9.375 -> MAE = bias = 9.375/4 = 2.34375
    result = forecast_series([5, 5, 5, 5, 0, 0, 0, 0], horizon_days=2, backtest_days=4,
                             alpha=0.5)
    assert (result.kind, result.method) == ("intermittent", "croston_sba")
    assert result.daily_rate == pytest.approx(3.75)
    assert result.backtest_method == "ses"
    assert result.backtest_days == 4
    assert result.backtest_mae == pytest.approx(2.34375)
    assert result.backtest_bias == pytest.approx(2.34375)


def test_forecast_series_lumpy_uses_tsb_rate():
    # 8 days, 3 non-zero -> ADI = 8/3 = 2.67
    # sizes 1, 1, 10: mean 4, squared deviations 9, 9, 36 -> variance 18 -> CV² = 18/16 = 1.125
    # -> lumpy -> TSB
    # TSB alpha 0.5 beta 0.5 on [0, 1, 0, 1, 0, 0, 0, 10]:
    #   t1: z = 1, p = 1/2; t2: p = 0.25; t3: p = 0.625, z = 1; t4: 0.3125; t5: 0.15625;
    #   t6: 0.078125; t7: p = 0.078125 + 0.5*(1 - 0.078125) = 0.5390625, z = 1 + 0.5*9 = 5.5
    #   rate = 0.5390625 * 5.5 = 2.96484375
    result = forecast_series([0, 1, 0, 1, 0, 0, 0, 10], horizon_days=1, alpha=0.5, beta=0.5)
    assert (result.kind, result.method) == ("lumpy", "tsb")
    assert result.adi == pytest.approx(8 / 3)
    assert result.cv2 == pytest.approx(1.125)
    assert result.daily_rate == pytest.approx(2.96484375)


@pytest.mark.parametrize("horizon", [0, 1, 7, 90])
def test_forecast_series_daily_has_horizon_days_values(horizon):
    result = forecast_series([3, 0, 2, 4, 0, 1, 3], horizon_days=horizon)
    assert len(result.daily) == horizon
    assert all(value == result.daily_rate for value in result.daily)


def test_forecast_series_backtest_sees_no_later_day():
    history = [12, 9, 11, 10, 13, 8, 10, 11, 9, 12]
    base = forecast_series(history, horizon_days=1, backtest_days=5)
    changed = forecast_series([*history[:-1], 22], horizon_days=1, backtest_days=5)
    # Only the actual of the last day moved (+10); its forecast was made from the first nine
    # days, so it must not move: every error but the last is unchanged and the last drops by 10.
    assert changed.backtest_method == base.backtest_method == "ses"
    assert changed.backtest_bias == pytest.approx(base.backtest_bias - 10 / 5)


def test_forecast_series_backtest_shrinks_to_available_history():
    assert forecast_series([4, 6, 5], horizon_days=1, backtest_days=28).backtest_days == 2
    one_day = forecast_series([7], horizon_days=2)
    assert one_day.backtest_days == 0
    assert one_day.backtest_mae is None and one_day.backtest_bias is None
    # one day of history: SES level = 7
    assert one_day.daily == pytest.approx((7.0, 7.0))


def test_forecast_series_backtest_can_be_switched_off():
    result = forecast_series([4, 6, 5], horizon_days=1, backtest_days=0)
    assert (result.backtest_days, result.backtest_mae, result.backtest_bias) == (0, None, None)


def test_forecast_series_empty_history_forecasts_zero():
    result = forecast_series([], horizon_days=3)
    assert (result.kind, result.adi, result.cv2, result.method) == ("none", None, None, "zero")
    assert result.daily == (0.0, 0.0, 0.0)
    assert (result.backtest_days, result.backtest_mae, result.history_days) == (0, None, 0)


def test_forecast_series_all_zero_history_forecasts_zero_with_exact_backtest():
    result = forecast_series([0, 0, 0, 0], horizon_days=2, backtest_days=2)
    assert (result.kind, result.method, result.backtest_method) == ("none", "zero", "zero")
    assert result.daily == (0.0, 0.0)
    assert (result.backtest_days, result.backtest_mae, result.backtest_bias) == (2, 0.0, 0.0)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"horizon_days": -1}, "horizon_days"),
    ({"horizon_days": 1, "backtest_days": -1}, "backtest_days"),
    ({"horizon_days": 1, "beta": 0}, "beta"),
])
def test_forecast_series_rejects_negative_counts_and_bad_smoothing(kwargs, message):
    with pytest.raises(ValueError, match=message):
        forecast_series([1, 2, 3], **kwargs)
