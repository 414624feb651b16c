r"""The stack's random draws, made once and kept: a new gain, bias std, activation or
activation parameter reuses them, and so does a depth within the same bucket.

What is drawn, per (seed, width, batch, depth bucket, orthogonal or not): unit
weights U_l (N(0,1) entries, or a Haar orthogonal matrix), unit biases e_l, the
inputs x, the readout r and the toy target. Programs scale them (``W_l = scale U_l``,
``b_l = bias_std e_l``) inside the compiled call, so the cache holds no gain.

A cached entry holds every layer of its bucket (layer l's keys are fold_in(l), so
they do not depend on the depth): any depth in the bucket is a prefix of it.
The cache is an LRU bounded by :data:`CACHE_BYTES` and :data:`CACHE_ENTRIES`;
an entry larger than the byte budget alone (e.g. width 1024 at depth > 96) is not
kept: it is drawn for its depth only, at every call, as before the cache.
"""

from __future__ import annotations

import collections
import functools
import math
import threading
from typing import NamedTuple, Optional

import jax
import jax.numpy as jnp
from jax import lax

from actlib.stack import Params, Static, _put, empty_params

CACHE_BYTES = 384 * 2**20   # bound on the draws kept, all entries together
CACHE_ENTRIES = 8           # and on their number


def _fmix32(x: jax.Array) -> jax.Array:
    """MurmurHash3's 32-bit finaliser: a bijection with full avalanche."""
    x = x ^ (x >> 16)
    x = x * jnp.uint32(0x85EBCA6B)
    x = x ^ (x >> 13)
    x = x * jnp.uint32(0xC2B2AE35)
    return x ^ (x >> 16)


def hash_normal(key: jax.Array, shape: tuple[int, ...]) -> jax.Array:
    r"""iid N(0, 1) float32 from a keyed counter hash: ``fmix(fmix(i + k0) ^ k1)``.

    Why not ``jax.random.normal``: threefry is slow on CPU (200 layers of 256 x 256:
    115 ms, against 54 ms here and 30 ms for the forward matmuls). Init weights need
    independence and the Gaussian law, not cryptographic strength; the keys come
    from threefry, and the second round keeps layers' streams unrelated even
    where their counter windows overlap.
    The top 23 bits give u in (-1, 1), never +-1, and :math:`z = \sqrt2\,\mathrm{erf}^{-1}(u)`.
    """
    k = jax.random.bits(key, (2,), jnp.uint32)
    count = lax.iota(jnp.uint32, math.prod(shape)).reshape(shape)
    bits = _fmix32(_fmix32(count + k[0]) ^ k[1])
    odd = (bits >> 9).astype(jnp.float32) * 2.0 + (1.0 - 2.0 ** 23)  # odd ints, |.| < 2^23: exact
    u = odd * (2.0 ** -23)                                          # so |u| <= 1 - 2^-23 < 1
    return jnp.sqrt(jnp.float32(2.0)) * lax.erf_inv(u)


def _orthogonal(key: jax.Array, n: int) -> jax.Array:
    """Haar-random orthogonal matrix: Q of a Gaussian's QR, column signs fixed by diag R."""
    q, r = jnp.linalg.qr(hash_normal(key, (n, n)))
    return q * jnp.sign(jnp.diagonal(r))


def init_params(st: Static, key: jax.Array, depth: jax.Array, into: Params) -> Params:
    """Unit draws: U_l = N(0,1) (or orthogonal), e_l ~ N(0,1), layers 0..depth-1, into ``into``.
    Layer l's keys are fold_in(l): the draws of a layer never depend on the depth."""
    kw, kb = jax.random.split(key)

    def layer(l, bufs):
        w_key, b_key = jax.random.fold_in(kw, l), jax.random.fold_in(kb, l)
        w = _orthogonal(w_key, st.width) if st.orthogonal else hash_normal(w_key, (st.width,) * 2)
        return Params(_put(bufs.weights, l, w), _put(bufs.biases, l, hash_normal(b_key, (st.width,))))

    return lax.fori_loop(0, depth, layer, into)


class Draw(NamedTuple):
    """One seed's network and data: what every program of :mod:`actlib.flow` shares."""

    params: Params       # unit draws; the stack's W_l = scale U_l, b_l = bias_std e_l
    x: jax.Array         # (batch, width) inputs, N(0, 1)
    readout: jax.Array   # (width,) unit vector r: the output is r . h_depth
    target: jax.Array    # (batch,) toy regression target sin(x . v), v a unit vector


def _unit(v: jax.Array) -> jax.Array:
    return v / jnp.linalg.norm(v)


def draw(st: Static, seed: jax.Array, depth: jax.Array, into: Optional[Params] = None) -> Draw:
    """Everything random, from one traced seed (so a new seed compiles nothing)."""
    k_params, k_x, k_r, k_v = jax.random.split(jax.random.key(seed), 4)
    x = jax.random.normal(k_x, (st.batch, st.width))
    target = jnp.sin(x @ _unit(jax.random.normal(k_v, (st.width,))))
    params = init_params(st, k_params, depth, empty_params(st) if into is None else into)
    return Draw(params, x, _unit(jax.random.normal(k_r, (st.width,))), target)


def _draw_static(st: Static) -> Static:
    """Only what shapes the draws: activation, norm and residual do not."""
    return Static(st.width, st.batch, st.bucket, "", st.orthogonal, None, False)


@functools.lru_cache(maxsize=32)
def _program(dst: Static):
    return jax.jit(functools.partial(draw, dst))


def entry_bytes(st: Static) -> int:
    """Bytes of one cached entry (every layer of the bucket)."""
    w, b, n = st.width, st.batch, st.bucket
    return 4 * (n * w * w + n * w + b * w + w + b)


_cache: "collections.OrderedDict[tuple, Draw]" = collections.OrderedDict()
_sizes: dict[tuple, int] = {}
_lock = threading.Lock()
stats = {"hits": 0, "misses": 0}  # for tests and benches


def draws(st: Static, seed: int, depth: int) -> Draw:
    """The unit draws for a stack of ``st``'s shape, layers 0..depth-1 valid (at least)."""
    key = (int(seed), st.width, st.batch, st.bucket, st.orthogonal)
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            stats["hits"] += 1
            return hit
        stats["misses"] += 1
    size = entry_bytes(st)
    program = _program(_draw_static(st))
    if size > CACHE_BYTES:
        return program(jnp.uint32(seed), jnp.int32(depth))
    fresh = program(jnp.uint32(seed), jnp.int32(st.bucket))
    with _lock:
        _cache[key], _sizes[key] = fresh, size
        while len(_cache) > CACHE_ENTRIES or sum(_sizes.values()) > CACHE_BYTES:
            old, _ = _cache.popitem(last=False)
            del _sizes[old]
    return fresh


def clear() -> None:
    with _lock:
        _cache.clear()
        _sizes.clear()


def cached_bytes() -> int:
    with _lock:
        return sum(_sizes.values())
