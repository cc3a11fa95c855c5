"""BG/NBD: the CDNOW estimates of Fader, Hardie and Lee (2005), P(alive), expected purchases."""

from __future__ import annotations

import csv
import math
import time
from pathlib import Path

import numpy as np
import pytest

from app.services import bgnbd
from app.services.bgnbd import BgNbdFit

CDNOW = Path(__file__).parents[2] / "samples" / "analytics" / "cdnow_customers_summary.csv"

# Fader, Hardie and Lee (2005), CDNOW 1/10th sample, 39-week calibration period, time in weeks.
PUBLISHED = BgNbdFit(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=-9582.4,
                     n_customers=2357, converged=True)


@pytest.fixture(scope="module")
def cdnow() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with CDNOW.open(newline="") as f:
        rows = list(csv.DictReader(f))
    return tuple(np.array([float(row[col]) for row in rows])
                 for col in ("frequency", "recency", "T"))


@pytest.fixture(scope="module")
def cdnow_fit(cdnow) -> BgNbdFit:
    return bgnbd.fit(*cdnow)


def model(r: float, alpha: float, a: float, b: float) -> BgNbdFit:
    return BgNbdFit(r=r, alpha=alpha, a=a, b=b, log_likelihood=math.nan, n_customers=0,
                    converged=True)


# --- fit --------------------------------------------------------------------------------------


def test_fit_reproduces_published_cdnow_estimates(cdnow_fit):
    assert cdnow_fit.n_customers == 2357
    assert cdnow_fit.converged
    for name in ("r", "alpha", "a", "b"):
        assert abs(getattr(cdnow_fit, name) - getattr(PUBLISHED, name)) < 0.005, name
    assert cdnow_fit.log_likelihood == pytest.approx(PUBLISHED.log_likelihood, abs=0.05)


def test_fit_on_cdnow_takes_seconds_not_minutes(cdnow):
    started = time.perf_counter()
    bgnbd.fit(*cdnow)
    assert time.perf_counter() - started < 5.0


def test_fit_with_counts_equals_fit_on_expanded_rows(cdnow, cdnow_fit):
    rows, counts = np.unique(np.column_stack(cdnow), axis=0, return_counts=True)
    assert len(rows) < 2357  # the table really is compressed
    compressed = bgnbd.fit(rows[:, 0], rows[:, 1], rows[:, 2], weights=counts)
    assert compressed.n_customers == 2357
    for name in ("r", "alpha", "a", "b"):
        assert getattr(compressed, name) == pytest.approx(getattr(cdnow_fit, name), rel=1e-4)
    assert compressed.log_likelihood == pytest.approx(cdnow_fit.log_likelihood, abs=1e-6)


def test_fit_alpha_follows_the_time_unit(cdnow, cdnow_fit):
    frequency, recency, weeks = cdnow
    in_days = bgnbd.fit(frequency, recency * 7, weeks * 7)
    # lambda is per unit of time, so its gamma scale alpha is 7 times larger in days
    assert in_days.alpha == pytest.approx(cdnow_fit.alpha * 7, rel=1e-4)
    for name in ("r", "a", "b"):
        assert getattr(in_days, name) == pytest.approx(getattr(cdnow_fit, name), rel=1e-4)


@pytest.mark.parametrize(("frequency", "recency", "T", "message"), [
    ([1], [5], [4], "recency"),
    ([-1], [0], [4], "frequency"),
    ([1.5], [1], [4], "frequency"),
    ([0], [0], [0], "T must be positive"),
    ([1], [math.nan], [4], "finite"),
])
def test_fit_rejects_impossible_customer_histories(frequency, recency, T, message):
    with pytest.raises(ValueError, match=message):
        bgnbd.fit(frequency, recency, T)


def test_fit_rejects_fractional_or_negative_counts_and_empty_data():
    with pytest.raises(ValueError, match="whole counts"):
        bgnbd.fit([1, 2], [1, 2], [3, 3], weights=[1, -1])
    with pytest.raises(ValueError, match="no customers"):
        bgnbd.fit([], [], [])


# --- log-likelihood ---------------------------------------------------------------------------


def test_log_likelihood_by_hand():
    # r = alpha = a = b = 1.
    # x = 0, T = 1: B(1,1)/B(1,1) * Gamma(1) 1^1/Gamma(1) * (1 + 1)^-1 = 1/2
    # x = 1, t_x = 1, T = 2: B(1,2)/B(1,1) = (1/2)/1; Gamma(2) 1^1/Gamma(1) = 1;
    #   (1 + 2)^-2 + 1/(1 + 1 - 1) * (1 + 1)^-2 = 1/9 + 1/4 = 13/36  -> L = 1/2 * 13/36 = 13/72
    got = bgnbd.log_likelihood(1, 1, 1, 1, [0, 1], [0, 1], [1, 2])
    assert got == pytest.approx([math.log(1 / 2), math.log(13 / 72)])


# --- P(alive) ---------------------------------------------------------------------------------


def test_p_alive_is_one_without_repeat_purchases(cdnow_fit):
    # dropout can only follow a purchase, so x = 0 means alive whatever T is
    assert bgnbd.p_alive(cdnow_fit, 0, 0, 38.86) == 1.0
    assert bgnbd.p_alive(cdnow_fit, 0, 0, 1e6) == 1.0


def test_p_alive_falls_as_time_since_last_purchase_grows():
    m = model(0.243, 4.414, 0.793, 2.426)
    alive = bgnbd.p_alive(m, 3, 10.0, np.array([10.0, 15.0, 20.0, 40.0, 80.0]))
    assert alive[0] > 0.5
    assert np.all(np.diff(alive) < 0)


def test_p_alive_by_hand():
    # r = 0.5, alpha = 2, a = 2, b = 3; x = 2, t_x = 2, T = 6
    # a / (b + x - 1) = 2 / 4 = 0.5
    # ((alpha + T) / (alpha + t_x))^(r + x) = (8 / 4)^2.5 = 2^2.5 = 4 * sqrt(2) = 5.656854
    # P(alive) = 1 / (1 + 0.5 * 5.656854) = 1 / (1 + 2.828427) = 1 / 3.828427 = 0.2612039
    assert bgnbd.p_alive(model(0.5, 2, 2, 3), 2, 2, 6) == pytest.approx(0.2612039, abs=1e-7)


def test_p_alive_is_a_float_for_one_customer_and_an_array_for_many(cdnow, cdnow_fit):
    assert isinstance(bgnbd.p_alive(cdnow_fit, 2, 30.43, 38.86), float)
    alive = bgnbd.p_alive(cdnow_fit, *cdnow)
    assert alive.shape == (2357,)
    assert np.all((alive > 0) & (alive <= 1))


# --- expected purchases -----------------------------------------------------------------------


def test_expected_purchases_matches_the_published_cdnow_example():
    # Fader and Hardie's worked example for CDNOW customer 1 (x = 2, t_x = 30.43, T = 38.86)
    # with the published parameters: 1.226 repeat purchases expected in the next 39 weeks.
    m = model(0.243, 4.414, 0.793, 2.426)
    assert bgnbd.expected_purchases(m, 39, 2, 30.43, 38.86) == pytest.approx(1.226, abs=5e-4)


def test_expected_purchases_is_zero_now_and_grows_with_the_horizon(cdnow_fit):
    assert bgnbd.expected_purchases(cdnow_fit, 0, 2, 30.43, 38.86) == pytest.approx(0.0)
    ahead = bgnbd.expected_purchases(cdnow_fit, np.array([1.0, 13.0, 26.0, 52.0]), 2, 30.43,
                                     38.86)
    assert np.all(np.diff(ahead) > 0)


def test_expected_purchases_is_undefined_at_a_equal_one():
    with pytest.raises(ValueError, match="a = 1"):
        bgnbd.expected_purchases(model(1, 1, 1, 1), 10, 1, 1, 2)
