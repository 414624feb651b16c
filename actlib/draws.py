r"""The stack's random draws, made once and kept: a new gain, bias std, activation or
activation parameter reuses them, and so does a depth within the same bucket.

What is drawn: per (seed, width, depth bucket, orthogonal or not), unit weights
U_l (N(0,1) entries, or a Haar orthogonal matrix) and unit biases e_l; per (seed,
width, batch), the inputs x, the readout r and the toy target. So a batch change
redraws only x. Programs scale them (``W_l = scale U_l``,
``b_l = bias_std e_l``) inside the compiled call, so the cache holds no gain.

A cached entry holds every layer of its bucket (layer l's keys are fold_in(l), so
they do not depend on the depth): any depth in the bucket is a prefix of it.
The weights cache is an LRU bounded by :data:`CACHE_BYTES` and :data:`CACHE_ENTRIES`
(the data's, by :data:`DATA_ENTRIES`: at most 32 MB);
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


def _keys(seed: jax.Array) -> tuple:
    return jax.random.split(jax.random.key(seed), 4)  # params, x, readout, target direction


def draw_weights(st: Static, seed: jax.Array, depth: jax.Array,
                 into: Optional[Params] = None) -> Params:
    """The unit weights and biases of layers 0..depth-1 (they do not depend on the batch)."""
    return init_params(st, _keys(seed)[0], depth, empty_params(st) if into is None else into)


def draw_data(st: Static, seed: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
    """(x, readout, target): the inputs and the loss's vectors (they do not depend on depth)."""
    _, k_x, k_r, k_v = _keys(seed)
    x = jax.random.normal(k_x, (st.batch, st.width))
    target = jnp.sin(x @ _unit(jax.random.normal(k_v, (st.width,))))
    return x, _unit(jax.random.normal(k_r, (st.width,))), target


def draw(st: Static, seed: jax.Array, depth: jax.Array, into: Optional[Params] = None) -> Draw:
    """Everything random, from one traced seed (so a new seed compiles nothing)."""
    return Draw(draw_weights(st, seed, depth, into), *draw_data(st, seed))


@functools.lru_cache(maxsize=32)
def _weights_program(width: int, bucket: int, orthogonal: bool):
    return jax.jit(functools.partial(draw_weights, Static(width, 0, bucket, "", orthogonal, None, False)))


@functools.lru_cache(maxsize=32)
def _data_program(width: int, batch: int):
    return jax.jit(functools.partial(draw_data, Static(width, batch, 0, "", False, None, False)))


def entry_bytes(st: Static) -> int:
    """Bytes of one cached weights entry (every layer of the bucket)."""
    return 4 * st.bucket * (st.width * st.width + st.width)


DATA_ENTRIES = 16  # (x, readout, target) per (seed, width, batch): at most 2 MB each, 32 MB in all
_cache: "collections.OrderedDict[tuple, Params]" = collections.OrderedDict()
_sizes: dict[tuple, int] = {}
_data: "collections.OrderedDict[tuple, tuple]" = collections.OrderedDict()
_lock = threading.Lock()
stats = {"hits": 0, "misses": 0, "data_hits": 0, "data_misses": 0}  # for tests and benches


def _weights(st: Static, seed: int, depth: int) -> Params:
    key = (int(seed), st.width, st.bucket, st.orthogonal)
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            stats["hits"] += 1
            return hit
        stats["misses"] += 1
    program, size = _weights_program(st.width, st.bucket, st.orthogonal), entry_bytes(st)
    if size > CACHE_BYTES:
        return program(jnp.uint32(seed), jnp.int32(depth))
    fresh = program(jnp.uint32(seed), jnp.int32(st.bucket))
    with _lock:
        _cache[key], _sizes[key] = fresh, size
        while len(_cache) > CACHE_ENTRIES or sum(_sizes.values()) > CACHE_BYTES:
            old, _ = _cache.popitem(last=False)
            del _sizes[old]
    return fresh


def _inputs(st: Static, seed: int) -> tuple:
    key = (int(seed), st.width, st.batch)
    with _lock:
        hit = _data.get(key)
        if hit is not None:
            _data.move_to_end(key)
            stats["data_hits"] += 1
            return hit
        stats["data_misses"] += 1
    fresh = _data_program(st.width, st.batch)(jnp.uint32(seed))
    with _lock:
        _data[key] = fresh
        while len(_data) > DATA_ENTRIES:
            _data.popitem(last=False)
    return fresh


def draws(st: Static, seed: int, depth: int) -> Draw:
    """The unit draws for a stack of ``st``'s shape, layers 0..depth-1 valid (at least):
    weights cached per (seed, width, bucket, orthogonal), data per (seed, width, batch)."""
    return Draw(_weights(st, seed, depth), *_inputs(st, seed))


def clear() -> None:
    with _lock:
        _cache.clear()
        _sizes.clear()
        _data.clear()


def cached_bytes() -> int:
    """Bytes of the weights held (the data entries add at most 32 MB)."""
    with _lock:
        return sum(_sizes.values())
