"""CSV exports: exactly the numbers each chart shows, one column per curve."""

from __future__ import annotations

import csv
import io
from typing import Sequence

import numpy as np


def table_csv(columns: dict[str, Sequence[float]]) -> str:
    """Columns of equal length as CSV (header row, then values; empty for non-finite)."""
    names = list(columns)
    arrays = [np.asarray(columns[n], dtype=float) for n in names]
    if len({a.size for a in arrays}) > 1:
        raise ValueError("all columns must have the same length")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for row in zip(*arrays):
        writer.writerow(["" if not np.isfinite(v) else repr(float(v)) for v in row])
    return out.getvalue()


def explorer_csv(x, value, first, second=None, overlays=()) -> str:
    """x, f, f′ (and f″ when shown), then each overlay's f: the explorer chart's curves."""
    columns = {"x": x, "f": value, "f_prime": first}
    if second is not None:
        columns["f_second"] = second
    for label, values in overlays:
        columns[f"overlay_{label}"] = values
    return table_csv(columns)


def flow_csv(result, theory=None) -> str:
    """Per layer (1 = next to the input): the measured log10 gradient, the theory line when
    drawn, and the rest of what the page reports about that layer."""
    depth = len(result.log10_grad)
    columns = {"layer": np.arange(1, depth + 1), "log10_grad": result.log10_grad}
    if theory is not None:
        columns["log10_grad_theory"] = theory
    columns |= {"log10_weight_grad": result.log10_weight_grad, "act_mean": result.act_mean,
                "act_std": result.act_std, "saturated_fraction": result.saturated_fraction,
                "dead_fraction": result.dead_fraction}
    return table_csv(columns)


def histogram_csv(edges, shares) -> str:
    """Per bin: its edges, the share of units in it, and the bar's height (share / width)."""
    edges = np.asarray(edges, dtype=float)
    shares = np.asarray(shares, dtype=float)
    return table_csv({"bin_from": edges[:-1], "bin_to": edges[1:], "share": shares,
                      "density": shares / np.diff(edges)})


def training_csv(log10_grad) -> str:
    """One row per training step, one column per layer."""
    grid = np.asarray(log10_grad, dtype=float)
    columns = {"step": np.arange(grid.shape[0])}
    columns |= {f"layer_{l + 1}": grid[:, l] for l in range(grid.shape[1])}
    return table_csv(columns)
