"""Lesson presets of the gradient-flow page: each one setting of the stack's
controls that shows one phenomenon. Keys are catalogue keys ``preset.<name>``."""

from __future__ import annotations

import types

_PLAIN = {"params": {}, "bias_std": 0.0, "residual": False, "norm": None}

PRESETS: dict[str, dict] = {
    # sigma_w^2 = 1 (square Xavier layers): chi_1 ~ 0.056, the gradient fades by ~10^-0.6 a layer
    "sigmoid_xavier": _PLAIN | {"activation": "sigmoid", "init": "xavier", "gain": 1.0},
    # He init: sigma_w^2 = 2 exactly offsets ReLU halving the variance, chi_1 = 1
    "relu_he": _PLAIN | {"activation": "relu", "init": "he", "gain": 1.0},
    # the same ReLU with sigma_w^2 = 1: chi_1 = 1/2, half the squared gradient lost per layer
    "relu_unit": _PLAIN | {"activation": "relu", "init": "xavier", "gain": 1.0},
    # tanh with sigma_w^2 = 4: chi_1 ~ 1.36, the gradient grows layer after layer
    "tanh_gain2": _PLAIN | {"activation": "tanh", "init": "xavier", "gain": 2.0},
    # SELU's constants make (mean 0, var 1) a fixed point under LeCun init
    "selu_lecun": _PLAIN | {"activation": "selu", "init": "lecun", "gain": 1.0},
    # the vanishing stack again, with identity shortcuts carrying the gradient past each layer
    "sigmoid_residual": _PLAIN | {"activation": "sigmoid", "init": "xavier", "gain": 1.0,
                                  "residual": True},
}

PRESETS = types.MappingProxyType(PRESETS)
