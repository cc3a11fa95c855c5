"""BG/NBD model of repeat purchasing (Fader, Hardie and Lee 2005).

Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005), "'Counting Your Customers' the Easy Way:
An Alternative to the Pareto/NBD Model", Marketing Science 24(2), 275-284.

Per customer the data are x (repeat purchases, "frequency"), t_x (time of the last repeat
purchase measured from the first purchase, "recency"; 0 when x = 0) and T (time from the first
purchase to the end of observation). While active, a customer buys at Poisson rate lambda,
lambda ~ Gamma(r, alpha) across customers; after each purchase the customer drops out with
probability p, p ~ Beta(a, b). Time is in whatever unit the caller uses (alpha is in that unit).

Pure numerics over arrays: no database and nothing else of ``app``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from scipy.special import betaln, expit, gammaln, hyp2f1

Float = float | NDArray[np.float64]

# Bounds on the log of each parameter while optimising: exp(+-20) keeps every term finite.
_LOG_BOUND = 20.0


@dataclass(frozen=True)
class BgNbdFit:
    """Maximum-likelihood BG/NBD parameters and how they were reached.

    ``log_likelihood`` is the (count-weighted) sum of the individual log-likelihoods at the
    estimate; ``n_customers`` the number of customers it covers; ``converged`` the optimiser's
    own success flag.
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n_customers: int
    converged: bool


def _customers(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike,
               ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    x, t_x, t_cal = np.broadcast_arrays(*(np.asarray(v, dtype=float)
                                          for v in (frequency, recency, T)))
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(t_x)) and np.all(np.isfinite(t_cal))):
        raise ValueError("frequency, recency and T must be finite")
    if np.any(x < 0) or np.any(x != np.floor(x)):
        raise ValueError("frequency must be a non-negative whole number of repeat purchases")
    if np.any(t_x < 0) or np.any(t_x > t_cal):
        raise ValueError("recency must satisfy 0 <= recency <= T")
    if np.any(t_cal <= 0):
        raise ValueError("T must be positive")
    return x, t_x, t_cal


def _log_likelihood(r: float, alpha: float, a: float, b: float, x: NDArray[np.float64],
                    t_x: NDArray[np.float64], t_cal: NDArray[np.float64]) -> NDArray[np.float64]:
    """Individual log-likelihoods, as in FHL (2005):

    L = B(a, b + x) / B(a, b) * Gamma(r + x) alpha^r / Gamma(r)
        * [ (alpha + T)^-(r + x) + [x > 0] a / (b + x - 1) * (alpha + t_x)^-(r + x) ]
    """
    head = (betaln(a, b + x) - betaln(a, b)
            + gammaln(r + x) - gammaln(r) + r * np.log(alpha))
    survived = -(r + x) * np.log(alpha + t_cal)
    repeat = x > 0
    # For x = 0 the dropout term is absent; evaluate it on x >= 1 so b + x - 1 stays positive.
    x_dropped = np.maximum(x, 1.0)
    dropped = (np.log(a) - np.log(b + x_dropped - 1)
               - (r + x_dropped) * np.log(alpha + t_x))
    return head + np.where(repeat, np.logaddexp(survived, dropped), survived)


def log_likelihood(r: float, alpha: float, a: float, b: float, frequency: ArrayLike,
                   recency: ArrayLike, T: ArrayLike) -> Float:
    """Individual BG/NBD log-likelihoods at the given parameters (all must be positive).

    The likelihood of FHL (2005); see ``_log_likelihood``. Returns a float for scalar inputs,
    else an array; sum it (times any counts) for the sample log-likelihood.
    """
    params = np.array([r, alpha, a, b], dtype=float)
    if not np.all(np.isfinite(params)) or np.any(params <= 0):
        raise ValueError("r, alpha, a and b must be positive")
    x, t_x, t_cal = _customers(frequency, recency, T)
    return _scalar_or_array(_log_likelihood(*params, x, t_x, t_cal))


def fit(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike,
        weights: ArrayLike | None = None) -> BgNbdFit:
    """Fit (r, alpha, a, b) by maximum likelihood.

    ``frequency``, ``recency`` and ``T`` are per-customer arrays (see the module docstring).
    ``weights``, optional, are non-negative whole counts: a row with weight k stands for k
    identical customers, so a summary table grouped on (x, t_x, T) fits to the same estimate as
    the expanded one.

    The negative log-likelihood is minimised over the log of the parameters (which keeps them
    positive) with L-BFGS-B, the logs bounded to [-20, 20]. Times are divided by mean(T) during
    the search so one deterministic start, r = alpha = a = b = 1, suits any time unit; alpha is
    scaled back after (the likelihood in rescaled time differs by a constant factor only).

    Data that cannot identify the parameters (a handful of customers, nobody with a repeat
    purchase) still returns the optimiser's end point, often at or near a bound: check
    ``converged`` and ``n_customers`` before trusting it. Raises ValueError on empty or invalid
    data.
    """
    x, t_x, t_cal = _customers(frequency, recency, T)
    x, t_x, t_cal = x.ravel(), t_x.ravel(), t_cal.ravel()
    if weights is None:
        w = np.ones_like(x)
    else:
        w = np.broadcast_to(np.asarray(weights, dtype=float), x.shape)
        if not np.all(np.isfinite(w)) or np.any(w < 0) or np.any(w != np.floor(w)):
            raise ValueError("weights must be non-negative whole counts")
    n_customers = int(w.sum())
    if n_customers == 0:
        raise ValueError("no customers to fit")

    scale = float(np.average(t_cal, weights=w))
    xs, t_xs, t_cals = x, t_x / scale, t_cal / scale
    total = float(w.sum())

    def objective(log_params: NDArray[np.float64]) -> float:
        r, alpha, a, b = np.exp(log_params)
        ll = _log_likelihood(r, alpha, a, b, xs, t_xs, t_cals)
        return -float(np.dot(w, ll)) / total

    result = minimize(objective, np.zeros(4), method="L-BFGS-B",
                      bounds=[(-_LOG_BOUND, _LOG_BOUND)] * 4,
                      options={"ftol": 1e-14, "gtol": 1e-10, "maxiter": 1000})
    r, alpha_scaled, a, b = (float(v) for v in np.exp(result.x))
    alpha = alpha_scaled * scale
    ll = float(np.dot(w, _log_likelihood(r, alpha, a, b, x, t_x, t_cal)))
    return BgNbdFit(r=r, alpha=alpha, a=a, b=b, log_likelihood=ll,
                    n_customers=n_customers, converged=bool(result.success))


def _scalar_or_array(value: NDArray[np.float64]) -> Float:
    return float(value) if value.ndim == 0 else value


def _log_dropout_odds(model: BgNbdFit, x: NDArray[np.float64], t_x: NDArray[np.float64],
                      t_cal: NDArray[np.float64]) -> NDArray[np.float64]:
    """log of a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x), computed for x >= 1."""
    x1 = np.maximum(x, 1.0)
    return (np.log(model.a) - np.log(model.b + x1 - 1)
            + (model.r + x1) * (np.log(model.alpha + t_cal) - np.log(model.alpha + t_x)))


def p_alive(model: BgNbdFit, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Float:
    """Probability that a customer with history (x, t_x, T) is still active at T.

    Fader, Hardie and Lee, "Computing P(alive) Using the BG/NBD Model" (note, December 2008):
    Bayes' theorem on the two terms of the likelihood gives

        P(alive | x, t_x, T)
            = 1 / (1 + [x > 0] a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x))

    A customer with no repeat purchase is alive with probability 1: in the BG/NBD dropout can
    only happen right after a purchase. Computed as expit(-log odds), so extreme histories give
    0 or 1 without overflow. Returns a float for scalar inputs, else an array.
    """
    x, t_x, t_cal = _customers(frequency, recency, T)
    odds = _log_dropout_odds(model, x, t_x, t_cal)
    return _scalar_or_array(np.where(x > 0, expit(-odds), 1.0))


def expected_purchases(model: BgNbdFit, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike,
                       T: ArrayLike) -> Float:
    """Expected repeat purchases in (T, T + t] for a customer with history (x, t_x, T).

    FHL (2005), the conditional expectation:
        E[Y(t) | x, t_x, T] = (a + b + x - 1) / (a - 1)
            * [1 - ((alpha + T)/(alpha + T + t))^(r + x)
                   * 2F1(r + x, b + x; a + b + x - 1; t / (alpha + T + t))]
            / (1 + [x > 0] a / (b + x - 1) * ((alpha + T)/(alpha + t_x))^(r + x))

    The expression has a removable singularity at a = 1, where it raises ValueError.
    Returns a float for scalar inputs, else an array.
    """
    if model.a == 1:
        raise ValueError("expected_purchases is undefined at a = 1 (the formula divides by a - 1)")
    x, t_x, t_cal = _customers(frequency, recency, T)
    horizon = np.asarray(t, dtype=float)
    if not np.all(np.isfinite(horizon)) or np.any(horizon < 0):
        raise ValueError("t must be finite and non-negative")
    r, alpha, a, b = model.r, model.alpha, model.a, model.b
    horizon, x, t_x, t_cal = np.broadcast_arrays(horizon, x, t_x, t_cal)
    end = alpha + t_cal + horizon
    discount = np.exp((r + x) * (np.log(alpha + t_cal) - np.log(end)))
    bracket = 1 - discount * hyp2f1(r + x, b + x, a + b + x - 1, horizon / end)
    alive = np.where(x > 0, expit(-_log_dropout_odds(model, x, t_x, t_cal)), 1.0)
    value = (a + b + x - 1) / (a - 1) * bracket * alive
    return _scalar_or_array(value)
