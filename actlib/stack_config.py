"""What a deep stack is: :class:`StackConfig`, validated on construction.

Kept apart from :mod:`actlib.flow` (which computes on it) so the engine's
modules stay small; ``flow.StackConfig`` is this class.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Mapping, Optional

import numpy as np

from actlib.registry import Activation, get, resolve_params
from actlib.stack import NORMS

INITS: tuple[str, ...] = ("xavier", "he", "lecun", "orthogonal")
MAX_DEPTH, MAX_WIDTH, MAX_BATCH = 1000, 1024, 512


def _check_int(name: str, value, lo: int, hi: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
        raise ValueError(f"{name} must be an integer in {lo}..{hi}, got {value!r}")


def _check_float(name: str, value, lo: float = 0.0) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
            or not math.isfinite(value) or value < lo:
        raise ValueError(f"{name} must be a finite number >= {lo}, got {value!r}")


@dataclasses.dataclass(frozen=True)
class StackConfig:
    """A deep stack to analyse. Constructing one validates it (ValueError, with the reason).

    init: "xavier" (var 2/(fan_in + fan_out) = 1/width here), "he" (2/width),
    "lecun" (1/width) or "orthogonal" (a Haar orthogonal matrix); ``gain``
    multiplies the weights' std. Biases ~ N(0, bias_std^2).
    ``activation``: a registry name, ``custom:<formula>``, or an Activation (kept as its name).
    """

    depth: int = 50
    width: int = 128
    activation: str = "tanh"
    params: Mapping[str, float] = dataclasses.field(default_factory=dict)
    init: str = "xavier"
    gain: float = 1.0
    bias_std: float = 0.0
    batch: int = 64
    seed: int = 0
    residual: bool = False
    norm: Optional[str] = None

    def __post_init__(self) -> None:
        if isinstance(self.activation, Activation):  # an entry or a custom formula: keyed by name
            object.__setattr__(self, "activation", self.activation.name)
        _check_int("depth", self.depth, 1, MAX_DEPTH)
        _check_int("width", self.width, 1, MAX_WIDTH)
        _check_int("batch", self.batch, 1, MAX_BATCH)
        _check_int("seed", self.seed, 0, 2**32 - 1)
        if self.init not in INITS:
            raise ValueError(f"unknown init {self.init!r}; valid: {', '.join(INITS)}")
        if self.norm not in NORMS:
            raise ValueError(f"unknown norm {self.norm!r}; valid: None, 'layernorm', 'batchnorm'")
        if not isinstance(self.residual, (bool, np.bool_)):
            raise ValueError(f"residual must be True or False, got {self.residual!r}")
        _check_float("gain", self.gain)
        _check_float("bias_std", self.bias_std)
        if not isinstance(self.params, Mapping):
            raise ValueError(f"params must be a mapping of name to value, got {self.params!r}")
        for name, value in self.params.items():
            _check_float(f"parameter {name!r}", value, -math.inf)
        resolve_params(get(self.activation), dict(self.params))  # unknown activation/params

    def _fields(self) -> tuple:  # params is a dict: its items, sorted, so configs can key caches
        return tuple(tuple(sorted(v.items())) if isinstance(v, Mapping) else v
                     for v in (getattr(self, f.name) for f in dataclasses.fields(self)))

    def __hash__(self) -> int:
        return hash(self._fields())

    def key(self) -> str:
        """Every field as exact text (a float's repr round-trips), the same for equal
        configs: a cache key far cheaper to hash than the dataclass walked field by field."""
        return repr(self._fields())

    @property
    def sigma_w2(self) -> float:
        r""":math:`\sigma_w^2 = \mathrm{gain}^2 \cdot \mathrm{width} \cdot \mathrm{Var}\,W_{ij}`:
        He gives 2, Xavier and LeCun 1, orthogonal 1 (times gain^2)."""
        return self.gain ** 2 * (2.0 if self.init == "he" else 1.0)

    @property
    def weight_scale(self) -> float:
        """What multiplies an N(0,1) matrix (or an orthogonal one, whose entries have var 1/width)."""
        return self.gain if self.init == "orthogonal" else math.sqrt(self.sigma_w2 / self.width)
