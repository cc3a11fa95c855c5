"""Daily demand forecasts for one series: classify the pattern, pick a method, backtest it.

Pure arithmetic over a sequence of daily quantities (oldest first, one value per day, zero on
days without demand); no database and nothing else of ``app``. The services that read the store
build the series and call :func:`forecast_series`.

Each method returns the one-step-ahead forecast made after every period: element ``t`` is the
forecast for period ``t + 1`` made from periods ``0..t`` only, so the forecast for day ``d`` of a
history is element ``d - 1`` and a backtest is a slice.

References (formulas only):
- Syntetos, Boylan and Croston (2005), "On the categorization of demand patterns", JORS 56:
  the ADI 1.32 / CV² 0.49 cut-offs.
- Syntetos and Boylan (2005), "The accuracy of intermittent demand estimates", IJF 21: the
  (1 - alpha/2) correction of Croston's estimate (SBA).
- Teunter, Syntetos and Babai (2011), "Intermittent demand: linking forecasting to inventory
  obsolescence", EJOR 214: TSB.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Kind = Literal["smooth", "erratic", "intermittent", "lumpy", "none"]
Method = Literal["ses", "croston_sba", "tsb", "zero"]

ADI_CUTOFF = 1.32
CV2_CUTOFF = 0.49

DEFAULT_ALPHA = 0.2
DEFAULT_BETA = 0.1


@dataclass(frozen=True)
class Classification:
    """Syntetos-Boylan demand pattern of a series.

    ``adi`` and ``cv2`` are None when the series has no non-zero demand (``kind == "none"``).
    """

    adi: float | None
    cv2: float | None
    kind: Kind


@dataclass(frozen=True)
class SeriesForecast:
    """A flat daily forecast for one series, with the backtest that supports it.

    - ``kind``/``adi``/``cv2``: classification of the whole history; ``method`` follows from it.
    - ``daily_rate``: the method's forecast after the last day of history, in units per day;
      ``daily`` repeats it ``horizon_days`` times.
    - ``backtest_*``: rolling-origin one-step-ahead errors over the last ``backtest_days`` days
      of history (see :func:`forecast_series`); ``backtest_mae``/``backtest_bias`` are None when
      no day could be backtested. ``backtest_bias`` is mean(forecast - actual): positive means
      the method over-forecast.
    - ``history_days``, ``alpha``, ``beta``: the inputs used.
    """

    kind: Kind
    adi: float | None
    cv2: float | None
    method: Method
    daily_rate: float
    daily: tuple[float, ...]
    backtest_method: Method
    backtest_days: int
    backtest_mae: float | None
    backtest_bias: float | None
    history_days: int
    alpha: float
    beta: float


def _demand(demand: Sequence[float]) -> list[float]:
    values = [float(v) for v in demand]
    for i, v in enumerate(values):
        if not math.isfinite(v) or v < 0:
            raise ValueError(f"demand[{i}] = {v!r}: demand must be finite and non-negative")
    return values


def _smoothing(name: str, value: float) -> float:
    value = float(value)
    if not 0 < value <= 1:
        raise ValueError(f"{name} = {value!r}: a smoothing constant must be in (0, 1]")
    return value


def classify(demand: Sequence[float]) -> Classification:
    """Classify a series as smooth, erratic, intermittent or lumpy (Syntetos-Boylan-Croston).

    - ADI (average inter-demand interval) = number of periods / number of periods with non-zero
      demand. This is the whole-series definition; it differs from the mean gap between
      consecutive demands only in how the periods before the first and after the last demand
      are counted.
    - CV² = (population standard deviation / mean)² of the non-zero demand sizes.
    - smooth: ADI < 1.32 and CV² < 0.49; erratic: ADI < 1.32, CV² >= 0.49;
      intermittent: ADI >= 1.32, CV² < 0.49; lumpy: ADI >= 1.32, CV² >= 0.49.

    An empty or all-zero series is kind ``"none"`` with ``adi`` and ``cv2`` None.
    Raises ValueError on negative or non-finite values.
    """
    values = _demand(demand)
    sizes = [v for v in values if v > 0]
    if not sizes:
        return Classification(adi=None, cv2=None, kind="none")
    adi = len(values) / len(sizes)
    mean = sum(sizes) / len(sizes)
    variance = sum((s - mean) ** 2 for s in sizes) / len(sizes)
    cv2 = variance / mean**2
    frequent = adi < ADI_CUTOFF
    regular = cv2 < CV2_CUTOFF
    if frequent:
        kind: Kind = "smooth" if regular else "erratic"
    else:
        kind = "intermittent" if regular else "lumpy"
    return Classification(adi=adi, cv2=cv2, kind=kind)


def choose_method(kind: Kind) -> Method:
    """The forecasting method for a demand pattern.

    - smooth, erratic -> ``"ses"``: demand occurs (almost) every day, so there are no zeros for
      an interval model to explain; SES tracks the level, and erratic sizes are a noise problem
      that no method here fixes.
    - intermittent -> ``"croston_sba"``: regular sizes at irregular intervals is the case
      Croston's size/interval split was built for; the SBA factor removes Croston's upward bias.
    - lumpy -> ``"tsb"``: irregular intervals and sizes; TSB smooths the probability of demand
      every day, so the forecast decays while an item stops selling instead of holding the
      last level as Croston does (Teunter, Syntetos and Babai 2011).
    - none (no demand at all) -> ``"zero"``: a flat zero forecast.
    """
    if kind in ("smooth", "erratic"):
        return "ses"
    if kind == "intermittent":
        return "croston_sba"
    if kind == "lumpy":
        return "tsb"
    if kind == "none":
        return "zero"
    raise ValueError(f"unknown demand kind {kind!r}")


def ses(demand: Sequence[float], alpha: float = DEFAULT_ALPHA) -> tuple[float, ...]:
    """Simple exponential smoothing: level_t = alpha * y_t + (1 - alpha) * level_{t-1}.

    The initial level is the first observation (level_0 = y_0), so each forecast depends only on
    the data up to its origin. Element t is the forecast for period t + 1.
    """
    values = _demand(demand)
    alpha = _smoothing("alpha", alpha)
    out: list[float] = []
    level = 0.0
    for t, y in enumerate(values):
        level = y if t == 0 else level + alpha * (y - level)
        out.append(level)
    return tuple(out)


def croston_sba(demand: Sequence[float], alpha: float = DEFAULT_ALPHA) -> tuple[float, ...]:
    """Croston's method with the Syntetos-Boylan approximation (SBA).

    At each non-zero demand y_t: the smoothed size z <- z + alpha * (y_t - z) and the smoothed
    interval p <- p + alpha * (q - p), where q is the number of periods since the previous
    non-zero demand (1 for consecutive days). Both hold still on zero days. The forecast is
    (1 - alpha/2) * z / p.

    Initialisation at the first non-zero demand, at index k: z = y_k and p = k + 1 (the periods
    from the start of the history up to and including that demand). Before it the forecast is 0.
    Element t is the forecast for period t + 1.
    """
    values = _demand(demand)
    alpha = _smoothing("alpha", alpha)
    factor = 1 - alpha / 2
    out: list[float] = []
    size = interval = 0.0
    last: int | None = None
    for t, y in enumerate(values):
        if y > 0:
            if last is None:
                size, interval = y, float(t + 1)
            else:
                size += alpha * (y - size)
                interval += alpha * ((t - last) - interval)
            last = t
        out.append(0.0 if last is None else factor * size / interval)
    return tuple(out)


def tsb(demand: Sequence[float], alpha: float = DEFAULT_ALPHA,
        beta: float = DEFAULT_BETA) -> tuple[float, ...]:
    """Teunter-Syntetos-Babai: forecast = probability of demand * demand size.

    Every period the probability p <- p + beta * (o_t - p), o_t = 1 if y_t > 0 else 0; at a
    non-zero demand the size z <- z + alpha * (y_t - z). The forecast is p * z.

    Initialisation at the first non-zero demand, at index k: z = y_k and p = 1 / (k + 1) (the
    share of periods so far with demand, the same start as :func:`croston_sba`'s interval).
    Before it the forecast is 0. Element t is the forecast for period t + 1.
    """
    values = _demand(demand)
    alpha = _smoothing("alpha", alpha)
    beta = _smoothing("beta", beta)
    out: list[float] = []
    size = probability = 0.0
    started = False
    for t, y in enumerate(values):
        if not started:
            if y > 0:
                size, probability, started = y, 1 / (t + 1), True
        else:
            occurred = 1.0 if y > 0 else 0.0
            probability += beta * (occurred - probability)
            if y > 0:
                size += alpha * (y - size)
        out.append(probability * size)
    return tuple(out)


def _run(method: Method, values: list[float], alpha: float, beta: float) -> tuple[float, ...]:
    if method == "ses":
        return ses(values, alpha)
    if method == "croston_sba":
        return croston_sba(values, alpha)
    if method == "tsb":
        return tsb(values, alpha, beta)
    return tuple(0.0 for _ in values)


def forecast_series(demand: Sequence[float], horizon_days: int, *, backtest_days: int = 28,
                    alpha: float = DEFAULT_ALPHA, beta: float = DEFAULT_BETA) -> SeriesForecast:
    """Forecast ``horizon_days`` days after the history ``demand`` (daily, oldest first).

    The whole history is classified (:func:`classify`), the method chosen (:func:`choose_method`)
    and its forecast after the last day is the flat daily rate.

    Backtest, rolling origin, one step ahead: each of the last B = min(``backtest_days``,
    len(demand) - 1) days d is forecast from days 0..d-1 only and compared with day d. The first
    day of history is never backtested (no data before it). The method is the one chosen for the
    data *before* the window (days 0..n-B-1), kept for the whole window: the choice an analyst
    standing at the window's start would have made, so neither the method nor any forecast sees
    a day it is scored on. Since every method is causal, the forecast for day d is element d - 1
    of the method's output over the history. MAE = mean|f - y|, bias = mean(f - y); both None
    when B = 0.

    Raises ValueError for a negative ``horizon_days`` or ``backtest_days``, smoothing constants
    outside (0, 1], or negative / non-finite demand.
    """
    values = _demand(demand)
    alpha = _smoothing("alpha", alpha)
    beta = _smoothing("beta", beta)
    if horizon_days < 0:
        raise ValueError(f"horizon_days = {horizon_days}: must be >= 0")
    if backtest_days < 0:
        raise ValueError(f"backtest_days = {backtest_days}: must be >= 0")
    n = len(values)

    classification = classify(values)
    method = choose_method(classification.kind)
    fitted = _run(method, values, alpha, beta)
    rate = fitted[-1] if fitted else 0.0

    used = max(0, min(backtest_days, n - 1))
    start = n - used
    backtest_method = choose_method(classify(values[:start]).kind)
    mae = bias = None
    if used:
        replay = _run(backtest_method, values, alpha, beta)
        errors = [replay[d - 1] - values[d] for d in range(start, n)]
        mae = sum(abs(e) for e in errors) / used
        bias = sum(errors) / used

    return SeriesForecast(
        kind=classification.kind, adi=classification.adi, cv2=classification.cv2,
        method=method, daily_rate=rate, daily=(rate,) * horizon_days,
        backtest_method=backtest_method, backtest_days=used, backtest_mae=mae,
        backtest_bias=bias, history_days=n, alpha=alpha, beta=beta,
    )
