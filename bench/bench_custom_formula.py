"""A new typed formula -> its values: parse + compile + first call, in-process.

What the explorer does when a student types a formula it has not seen: ``actlib.custom``
(parse, whitelist, tree), then ``actlib.curves`` on the page's grid (801 points + the
probe: one XLA compile of f, f', f''), and, for the properties table, ``actlib.properties``
(one more compile on its fixed grid, plus the one-point Newton step). Each repetition
uses a formula no earlier one used (a fresh constant), so every one compiles.

Reference, in the same run: a fresh ``jax.jit`` of the registry's ELU f, f', f'' on the
same grid (what any new activation's first draw costs), so the ratio says what the
formula path adds on top of XLA.

    .venv/bin/python bench/bench_custom_formula.py [--reps 40]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import actlib  # noqa: E402
from actlib import functions as F  # noqa: E402

TEMPLATES = ("where(x > 0, x, alpha * expm1(x)) + {c} * x",
             "x * tanh(softplus(x)) + {c}",
             "x * sigmoid(beta * x) - {c} * x**2",
             "min(max(x + 3, 0), 6) / 6 + {c}")
GRID = np.append(np.linspace(-5, 5, 801), 0.0).astype(np.float32)


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def time_formula(text: str, with_properties: bool) -> float:
    start = time.perf_counter()
    act = actlib.custom(text)
    jax.block_until_ready(actlib.curves(act, GRID))
    if with_properties:
        actlib.properties(act)
    return time.perf_counter() - start


def time_reference() -> float:
    def curves(x, alpha):
        fn = lambda z: F.elu(z, alpha)
        d1 = lambda y: jax.jvp(fn, (y,), (jnp.ones_like(y),))[1]
        value, first = jax.jvp(fn, (x,), (jnp.ones_like(x),))
        return value, first, jax.jvp(d1, (x,), (jnp.ones_like(x),))[1]

    start = time.perf_counter()
    jax.block_until_ready(jax.jit(curves)(GRID, np.float32(1.0)))  # a new jit object: compiles
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=40)
    args = parser.parse_args()
    time_formula("x + 0.5", True)          # warm-up: imports, JAX start-up
    time_reference()
    chart, full, reference = [], [], []
    for i in range(args.reps):
        c = f"{0.001 * (i + 1):.3f}"
        chart.append(time_formula(TEMPLATES[i % 4].format(c=c), False))
        full.append(time_formula(TEMPLATES[i % 4].format(c=c + "1"), True))
        reference.append(time_reference())
    ms = lambda v: f"{1000 * v:7.1f} ms"
    print(f"{args.reps} new formulas each; {jax.devices()[0].platform}")
    for label, values in (("formula -> curves (chart)", chart),
                          ("formula -> curves + properties", full),
                          ("reference: fresh jit of ELU", reference)):
        print(f"  {label:32s} median {ms(statistics.median(values))}   p95 {ms(p95(values))}")
    print(f"  ratio chart/reference (median): {statistics.median(chart) / statistics.median(reference):.2f}")
    print(f"  ratio full/reference  (median): {statistics.median(full) / statistics.median(reference):.2f}")


if __name__ == "__main__":
    main()
