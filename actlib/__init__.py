"""Activation Lab's pure library: activations, their autodiff derivatives, and
the gradient-flow engine. Importable from a notebook; never imports streamlit.

    >>> import actlib
    >>> act = actlib.get("elu")
    >>> act(x, alpha=1.0); actlib.derivative("elu")(x, alpha=1.0)
    >>> from actlib import flow
from actlib.custom import FormulaError, custom
from actlib.custom_examples import CUSTOM_EXAMPLES
    >>> flow.gradient_flow(flow.StackConfig(depth=50, activation="sigmoid")).log10_grad
"""

from actlib import flow
from actlib.custom import FormulaError, custom
from actlib.custom_examples import CUSTOM_EXAMPLES
from actlib.autodiff import curves, derivative, evaluate
from actlib.properties import Properties, properties
from actlib.registry import ACTIVATIONS, GROUPS, Activation, Param, get, names, resolve_params

__all__ = [
    "ACTIVATIONS", "CUSTOM_EXAMPLES", "GROUPS", "Activation", "FormulaError", "Param", "Properties",
    "flow", "custom", "curves", "derivative", "evaluate", "get", "names", "properties", "resolve_params",
]
