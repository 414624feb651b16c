"""Properties of an activation, measured numerically, never typed in.

:func:`properties` samples f, f' and f'' (autodiff, one compiled
:func:`actlib.curves` call) on a fixed grid and reads the facts off the
samples; a few Newton steps polish the minimum. The grid never changes shape,
so each activation compiles once and a slider release costs a few ms.

The grid is dense (step 1/200, so 0, +-3 and 6 are grid points and the kinks of
the registry sit exactly on it) on [-12, 12] and geometric out to +-1e4.
Resolution limits that follow: a function that moves by less than 1 between
|x| = 1e3 and 1e4 counts as bounded there, and a kink or a peak is located to
the grid step unless the refinement below applies.

Output mean and std for N(0, 1) input come from the midpoint rule on the dense
part's interval midpoints (sampled in the same compiled call): the normal
density beyond |x| = 12 is below 1e-31, a kink inside an interval costs
O(h^2) and step's jump sits on a grid point, between midpoints. Both are
within ``MOMENT_TOLERANCE`` of scipy's adaptive quadrature (tests).
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from actlib.autodiff import curves
from actlib.registry import get, resolve_params

_DENSE_HALF = 2400                 # dense part: i / 200 for |i| <= 2400, i.e. [-12, 12]
_TAIL = np.geomspace(12.0, 1e4, 800)[1:]
_RUN_AWAY = 1.0                    # growth between |x| = 1e3 and 1e4 that means "unbounded"
_NEWTON_STEPS = 8

MOMENT_TOLERANCE = 1e-5            # |error| of output_mean/output_std, times max(1, |mean| + std)
ZERO_MEAN_SHARE = 0.01             # |mean| <= this * std counts as zero-centred (SELU: ~1e-8)
# ReLU's mean over its std under N(0, 1): (1/sqrt(2 pi)) / sqrt(1/2 - 1/(2 pi)) = 1/sqrt(pi - 1)
RELU_MEAN_SHARE = 1.0 / np.sqrt(np.pi - 1.0)
CLOSER_THAN_RELU = 0.5             # "closer to zero than ReLU": at most half ReLU's share
CENTRING = ("odd", "zero_mean", "closer_than_relu", "no")


@dataclasses.dataclass(frozen=True)
class Properties:
    """What the Explorer states about one activation at one parameter setting.

    Range: ``lower``/``upper`` are finite numbers or -inf/+inf; ``*_attained``
    says whether some finite x reaches the bound (sigmoid: both False; relu:
    lower True).

    ``output_mean`` and ``output_std`` are the mean and standard deviation of
    f(x) for x ~ N(0, 1) (what a layer passes on when its input is standardised).
    ``centring`` is the verdict on zero-centredness, in this order:
    "odd" (f(-x) = -f(x): tanh, softsign, identity), "zero_mean" (|mean| <=
    ZERO_MEAN_SHARE * std: SELU by design), "closer_than_relu" (|mean| / std at
    most half of ReLU's 1/sqrt(pi - 1) = 0.683: ELU, CELU, hard swish) or "no"
    (ReLU, leaky ReLU, GELU, SiLU, sigmoid...). ``zero_centred`` is True for the
    first two.
    ``monotonic``: f never changes direction, i.e. f' >= 0 everywhere on the
    grid (or <= 0 everywhere), with the sampled values agreeing; step counts.
    ``smooth``: f is C1, i.e. f and f' are continuous; f'' may jump (elu with
    alpha = 1, softsign). Relu, step, hard_* and elu with alpha != 1 are not.

    ``max_slope`` is max |f'| (the supremum, to grid accuracy, when it is only
    approached: hard_swish as x -> 3 from below, softplus as x -> inf);
    ``max_slope_at`` is where, or None when no single point is "the" place:
    reached on a whole interval (relu: every x > 0) or only approached in a
    tail (softplus, log_sigmoid).
    ``slope_at_zero`` is f'(0) with JAX's kink convention (relu'(0) = 0).

    ``minimum`` is min f when some finite x attains it, else None (unbounded
    below, or an infimum only approached: sigmoid, elu). ``argmin`` is that x,
    or None when the minimum holds on a whole interval (relu, step).
    """

    name: str
    params: tuple[tuple[str, float], ...]
    lower: float
    upper: float
    lower_attained: bool
    upper_attained: bool
    zero_centred: bool
    centring: str
    output_mean: float
    output_std: float
    monotonic: bool
    smooth: bool
    max_slope: float
    max_slope_at: float | None
    slope_at_zero: float
    minimum: float | None
    argmin: float | None


@functools.cache
def _grid() -> np.ndarray:
    dense = np.arange(-_DENSE_HALF, _DENSE_HALF + 1) / 200.0   # exact multiples: kinks on the grid
    return np.concatenate([-_TAIL[::-1], dense, _TAIL]).astype(np.float32)


@functools.cache
def _midpoints() -> tuple[np.ndarray, np.ndarray]:
    """Midpoints of the dense part and their N(0, 1) weights, normalised to sum 1."""
    mid = (np.arange(-_DENSE_HALF, _DENSE_HALF) + 0.5) / 200.0
    weight = np.exp(-0.5 * mid * mid)
    return mid.astype(np.float32), weight / weight.sum()


@dataclasses.dataclass(frozen=True)
class _Samples:
    """Float64 copies of the float32 samples, plus the scales tolerances use."""

    x: np.ndarray
    f: np.ndarray
    d1: np.ndarray
    d2: np.ndarray
    f_mid: np.ndarray                  # f at _midpoints(), for the Gaussian moments
    mid_weight: np.ndarray             # their N(0, 1) weights
    odd: bool                          # f(-x) = -f(x) on the whole (symmetric) grid

    @functools.cached_property
    def slope_scale(self) -> float:
        return float(max(1.0, np.abs(self.d1).max()))


def _sample(name: str, params: dict) -> _Samples:
    """The grid samples, without the points where f, f' or f'' is NaN or infinite
    (a typed formula such as log(x) or exp(exp(x))): the facts are those of the rest.
    One call, one shape: grid and the moments' midpoints together."""
    n = len(_grid())
    f, d1, d2 = (np.asarray(a, dtype=np.float64) for a in
                 curves(name, np.concatenate([_grid(), _midpoints()[0]]), **params))
    x = _grid().astype(np.float64)
    f, d1, d2, f_mid = f[:n], d1[:n], d2[:n], f[n:]
    finite = np.isfinite(f) & np.isfinite(d1) & np.isfinite(d2)
    if finite.sum() < 3:
        raise ValueError(f"{name} is not finite on the sampled grid: no properties to measure")
    pairs = finite & finite[::-1]   # odd where f(x) and f(-x) are both numbers
    odd = bool(pairs.sum() >= 3 and (np.abs(f + f[::-1]) <= 1e-6 * np.maximum(1.0, np.abs(f)))[pairs].all())
    mid_ok = np.isfinite(f_mid)   # the moments skip the same kind of points
    return _Samples(x[finite], f[finite], d1[finite], d2[finite], f_mid[mid_ok],
                    _midpoints()[1][mid_ok], odd)


def _centring(s: _Samples) -> tuple[str, float, float]:
    """(verdict, mean, std) of f under N(0, 1); see Properties.centring."""
    weight = s.mid_weight
    mean = float(weight @ s.f_mid)
    std = float(np.sqrt(max(float(weight @ (s.f_mid - mean) ** 2), 0.0)))
    if s.odd:   # the grid is symmetric: f(-x) = -f(x) at every sample
        return "odd", 0.0, std
    share = abs(mean) / std if std > 0 else np.inf
    if share <= ZERO_MEAN_SHARE:
        return "zero_mean", mean, std
    return ("closer_than_relu" if share <= CLOSER_THAN_RELU * RELU_MEAN_SHARE else "no"), mean, std


def _jumps(s: _Samples) -> tuple[np.ndarray, np.ndarray]:
    """Per grid interval: does f jump, does f' jump?

    A continuous g with derivative g_dot moves at most about h * max|g_dot| over
    a step h; twice that plus float32 noise is the allowance, and anything
    beyond is a jump (relu' from 0 to 1, step from 0 to 1).
    """
    h = np.diff(s.x)
    value_room = 2 * h * np.maximum(np.abs(s.d1[:-1]), np.abs(s.d1[1:]))
    value_noise = 1e-5 * np.maximum(1.0, np.maximum(np.abs(s.f[:-1]), np.abs(s.f[1:])))
    slope_room = 2 * h * np.maximum(np.abs(s.d2[:-1]), np.abs(s.d2[1:]))
    value_jump = np.abs(np.diff(s.f)) > value_room + value_noise
    slope_jump = np.abs(np.diff(s.d1)) > slope_room + 1e-4 * s.slope_scale
    return value_jump, slope_jump


def _near(x: np.ndarray, target: float) -> int:
    return int(np.argmin(np.abs(x - target)))


def _bound(s: _Samples, sign: float) -> tuple[float, bool]:
    """Upper bound (sign = 1) or lower bound (sign = -1) of f, and whether it is attained.

    Works on g = sign * f, so both cases are "the supremum of g".
    """
    g, x = sign * s.f, s.x
    tails = [(0, _near(x, -1e3)), (len(x) - 1, _near(x, 1e3))]
    if any(g[far] - g[near] > _RUN_AWAY for far, near in tails):
        return sign * np.inf, False
    # An algebraic tail (softsign: 1 - 1/x) is still short of its limit at 1e4;
    # Richardson extrapolation for a 1/x tail recovers it, and is a no-op when
    # the tail has already flattened out (exponential tails).
    limit = max(g[far] + (g[far] - g[near]) / 9.0 for far, near in tails)
    top = g.max()
    if limit > top + 1e-6 * max(1.0, abs(top)):
        return sign * limit, False
    return sign * top, _attained(s, g, top)


def _attained(s: _Samples, g: np.ndarray, top: float) -> bool:
    """Is the grid maximum ``top`` of g a true maximum, or float32 saturation?

    tanh(x) rounds to exactly 1 for x > 9, yet never reaches it. A true
    maximum has a grid neighbour where f still visibly moves (relu next to
    0, silu beside its minimum); a saturated tail only has neighbours whose
    slope is a few ulps.
    """
    if s.f.max() == s.f.min():                         # a constant attains its value
        return True
    moves = (top - g > 1e-5 * max(1.0, abs(top))) | (np.abs(s.d1) > 1e-4 * s.slope_scale)
    at_top = g == top
    return bool((at_top[1:] & moves[:-1]).any() or (at_top[:-1] & moves[1:]).any())


def _max_slope(s: _Samples, slope_jump: np.ndarray) -> tuple[float, float | None]:
    """max |f'| and where; a smooth peak is refined between grid points.

    The refinement finds the root of d|f'|/dx = sign(f') f'' by linear
    interpolation, and integrates that linear f'' to the root: O(h^3) accurate.
    """
    a = np.abs(s.d1)
    i = int(np.argmax(a))
    top = float(a[i])
    tie = a >= top * (1 - 2e-7)                        # equal up to float32 rounding
    if top == 0 or any(tie[j] for j in (i - 1, i + 1) if 0 <= j < len(a)):
        return top, None                               # flat, or saturated in a tail
    if i in (0, len(a) - 1) or slope_jump[i - 1] or slope_jump[i]:
        return top, float(s.x[i])                      # at a kink: grid accuracy
    g = np.sign(s.d1) * s.d2
    k = i if g[i] > 0 else i - 1                       # interval [k, k+1] holds the root
    if g[i] == 0 or not g[k] > 0 > g[k + 1]:
        return top, float(s.x[i])
    root = s.x[k] + g[k] * (s.x[k + 1] - s.x[k]) / (g[k] - g[k + 1])
    peak = float(a[k] + 0.5 * g[k] * (root - s.x[k]))
    if peak < top - 1e-6 * s.slope_scale:              # f'' jumps (softsign's cusp): no peak to refine
        return top, float(s.x[i])
    return max(top, peak), float(root)


def _minimum(name: str, params: dict, s: _Samples) -> tuple[float | None, float | None]:
    """(min f, argmin); argmin None on a flat minimum."""
    i = int(np.argmin(s.f))
    flat = [j for j in (i - 1, i + 1)
            if 0 <= j < len(s.f) and s.f[j] == s.f[i] and s.d1[j] == 0 == s.d1[i]]
    if flat:
        return float(s.f[i]), None
    if 0 < i < len(s.f) - 1 and s.d2[i] > 0:
        return _newton(name, params, s.x[i - 1], s.x[i], s.x[i + 1])
    if 0 < i < len(s.f) - 1 and s.d1[i - 1] < 0 < s.d1[i + 1]:
        return _corner(s, i - 1, i + 1)
    return float(s.f[i]), float(s.x[i])


def _newton(name: str, params: dict, lo: float, x: float, hi: float) -> tuple[float, float]:
    """Newton on f' = 0 with f'' from autodiff, kept inside the bracket [lo, hi].

    Starting a grid step from the root, float32 Newton reaches ~1e-7 in 2-3 steps.
    """
    for _ in range(_NEWTON_STEPS):
        value, d1, d2 = (float(a[0]) for a in curves(name, np.array([x], np.float32), **params))
        best = (value, float(x))                       # the last point actually evaluated
        if d2 <= 0:
            break
        nxt = min(max(x - d1 / d2, lo), hi)
        if abs(nxt - x) <= 1e-7 * max(1.0, abs(x)):
            break
        x = nxt
    return best


def _corner(s: _Samples, left: int, right: int) -> tuple[float, float]:
    """A V-shaped minimum (maxout as |x|): where the two tangent lines meet.

    Exact for piecewise-linear f, whose kink is generally off the grid.
    """
    xl, xr, fl, fr, dl, dr = s.x[left], s.x[right], s.f[left], s.f[right], s.d1[left], s.d1[right]
    corner = (fr - fl + dl * xl - dr * xr) / (dl - dr)
    return float(fl + dl * (corner - xl)), float(corner)


def properties(name, **params: float) -> Properties:
    """Range, symmetry, monotonicity, smoothness, slope and minimum of ``name`` (a name
    or an Activation). Grid points where f, f' or f'' is not finite are skipped; a
    function finite at fewer than 3 of them raises ValueError.

    >>> properties("sigmoid").max_slope, properties("silu").minimum   # 0.25, -0.2785
    """
    name = getattr(name, "name", name)
    resolved = resolve_params(get(name), params)
    s = _sample(name, resolved)
    value_jump, slope_jump = _jumps(s)
    lower, lower_attained = _bound(s, -1.0)
    upper, upper_attained = _bound(s, 1.0)
    zero = _near(s.x, 0.0)
    at_zero = s.x[zero] == 0.0                         # False when f is not finite at 0
    slope_noise = 1e-6 * s.slope_scale
    step_noise = 1e-6 * np.maximum(1.0, np.abs(s.f[1:]))
    rising = bool(np.all(s.d1 >= -slope_noise) and np.all(np.diff(s.f) >= -step_noise))
    falling = bool(np.all(s.d1 <= slope_noise) and np.all(np.diff(s.f) <= step_noise))
    max_slope, max_slope_at = _max_slope(s, slope_jump)
    minimum, argmin = (_minimum(name, resolved, s) if lower_attained else (None, None))
    centring, mean, std = _centring(s)
    if minimum is not None:
        lower = min(lower, minimum)                    # Newton's minimum is below the grid's
    return Properties(
        name=name,
        params=tuple((k, float(v)) for k, v in resolved.items()),
        lower=_tidy(lower), upper=_tidy(upper),
        lower_attained=lower_attained, upper_attained=upper_attained,
        zero_centred=centring in ("odd", "zero_mean"), centring=centring,
        output_mean=_tidy(mean), output_std=std,
        monotonic=rising or falling,
        smooth=not (value_jump.any() or slope_jump.any()),
        max_slope=max_slope, max_slope_at=max_slope_at,
        slope_at_zero=float(s.d1[zero]) if at_zero else float("nan"),
        minimum=_tidy(minimum), argmin=_tidy(argmin),
    )


def _tidy(v: float | None) -> float | None:
    return None if v is None else float(v) + 0.0        # + 0.0 turns -0.0 into 0.0
