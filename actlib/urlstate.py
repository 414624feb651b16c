"""Every control of both pages as a URL field: parse a shared link safely, write one back.

Pure data and functions (no streamlit): a :class:`Field` names the URL key, the
session-state key of the widget it restores, the default and what is allowed.
:func:`parse` never raises: a malformed, out-of-range or unknown value is
replaced by the default and reported as a :class:`Problem` naming the parameter.
Nothing from a URL is ever evaluated; numbers go through ``float``/``int`` only.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Mapping, Sequence

from actlib.custom import FormulaError, custom, is_custom
from actlib.custom_examples import DEFAULT_FORMULA
from actlib.registry import ACTIVATIONS, get, names

MAX_RAW = 200  # longer values are rejected unread: no link needs more


@dataclasses.dataclass(frozen=True)
class Field:
    key: str                 # in the URL
    state_key: str           # the widget's session-state key
    kind: str                # "float", "int", "bool", "choice", "choices"
    default: Any
    lo: float = -math.inf
    hi: float = math.inf
    choices: tuple = ()

    def parse(self, raw: str) -> Any:
        """The value ``raw`` stands for; ValueError with a reason key when it is not allowed."""
        if len(raw) > MAX_RAW:
            raise ValueError("too_long")
        text = raw.strip()
        if self.kind == "bool":
            lowered = text.lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ValueError("not_bool")
        if self.kind in ("float", "int"):
            try:
                number = float(text) if self.kind == "float" else int(text, 10)
            except ValueError:
                raise ValueError("not_number" if self.kind == "float" else "not_integer") from None
            if not math.isfinite(number):
                raise ValueError("not_number")
            if not self.lo <= number <= self.hi:
                raise ValueError("out_of_range")
            return number
        if self.kind == "choice":
            for choice in self.choices:
                if text == encode_value(choice):
                    return choice
            raise ValueError("unknown_choice")
        if self.kind == "formula":  # parsed against the formula whitelist, never evaluated
            try:
                custom(text)
            except FormulaError:
                raise ValueError("bad_formula") from None
            return text
        if self.kind == "choices":
            picked = [part for part in text.split(",") if part] if text else []
            if any(part not in self.choices for part in picked):
                raise PartlyValid(self.keep_valid(text), "unknown_choice")
            return list(dict.fromkeys(picked))  # order kept, duplicates dropped
        raise AssertionError(f"unknown field kind {self.kind!r}")

    def keep_valid(self, text: str) -> list:
        """For a list: the known names in it, in order, once each."""
        return list(dict.fromkeys(p for p in text.strip().split(",") if p in self.choices))

    def encode(self, value: Any) -> str:
        if self.kind == "choices":
            return ",".join(value)
        return encode_value(value)

    def allowed(self) -> str:
        """What the field accepts, for the notice (language-neutral)."""
        if self.kind in ("float", "int"):
            return f"{_short(self.lo)} … {_short(self.hi)}"
        if self.kind == "bool":
            return "0 / 1"
        if self.kind == "formula":
            return "x, pi, + - * / **, where(…)"
        return ", ".join(encode_value(c) for c in self.choices[:12]) + (" …" if len(self.choices) > 12 else "")


class PartlyValid(ValueError):
    """A list with some unknown names: the known ones are kept (``value``), the rest reported."""

    def __init__(self, value: Any, reason: str):
        super().__init__(reason)
        self.value = value


@dataclasses.dataclass(frozen=True)
class Problem:
    key: str        # the URL parameter, as given
    raw: str        # its value, as given (shorten before showing)
    reason: str     # "not_number", "out_of_range", "unknown_choice", "unknown_key", ...
    field: Field | None = None
    used: Any = None  # what the page uses instead: the default, or a list's known names


def encode_value(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if value is None:
        return "none"
    if isinstance(value, float):
        return _short(value)
    return str(value)


def _short(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value)) if abs(value) >= 1e4 else f"{value:g}"
    return f"{value:.10g}" if isinstance(value, float) else str(value)


def parse(query: Mapping[str, str], fields: Sequence[Field]) -> tuple[dict[str, Any], list[Problem]]:
    """Values for the fields present in ``query`` (by state key), and the problems found.

    Absent fields are left out (the page keeps what it has); a bad value yields
    the field's default plus a Problem; keys no field knows are Problems too.
    """
    by_key = {f.key: f for f in fields}
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    query = dict(query)
    for old, (new, on, off) in LEGACY_FLAGS.items():
        if old in query and new in by_key and old not in by_key:
            raw = query.pop(old)
            try:
                flag = Field(old, "", "bool", False).parse(str(raw))
            except ValueError as err:
                values[by_key[new].state_key] = by_key[new].default
                problems.append(Problem(old, str(raw), str(err), by_key[new], by_key[new].default))
                continue
            query.setdefault(new, on if flag else off)  # an explicit new key wins
    for key, raw in query.items():
        field = by_key.get(key)
        if field is None:
            problems.append(Problem(str(key), str(raw), "unknown_key"))
            continue
        try:
            values[field.state_key] = field.parse(str(raw))
        except ValueError as err:
            used = err.value if isinstance(err, PartlyValid) else field.default
            values[field.state_key] = used
            problems.append(Problem(key, str(raw), str(err), field, used))
    return values, problems


def encode(values: Mapping[str, Any], fields: Sequence[Field]) -> dict[str, str]:
    """The query for ``values`` (by state key): every field, in field order."""
    return {f.key: f.encode(values[f.state_key]) for f in fields if f.state_key in values}


# --- the pages' fields -------------------------------------------------------

def param_fields(prefix: str, activation: str, taken: frozenset = frozenset()) -> list[Field]:
    """One field per parameter of ``activation``: URL key = the parameter's name, or
    ``p.<name>`` where a typed formula's parameter shares a page field's key (depth, lr...)."""
    return [Field(f"p.{p.name}" if p.name in taken else p.name, f"{prefix}{activation}.{p.name}",
                  "float", p.default, p.min, p.max)
            for p in get(activation).params]


# The lessons' keys (actlib.lessons.LESSONS, which checks it matches): a whitelist here,
# so that parsing a link needs no lesson content and urlstate imports nothing above it.
LESSON_KEYS: tuple[str, ...] = ("activation", "sigmoid_tanh", "vanishing", "relu_family", "smooth")
MAX_LESSON_STEPS = 8
LESSON_FIELDS: tuple[Field, ...] = (  # not widgets: the lesson bar's state, kept in every link
    Field("lesson", "lesson.key", "choice", None, choices=(None, *LESSON_KEYS)),  # none: no lesson
    Field("step", "lesson.step", "int", 1, 1, MAX_LESSON_STEPS),
)
SHARED_FIELDS: tuple[Field, ...] = (
    Field("lang", "lang", "choice", "en", choices=("en", "ja")),
    Field("presenter", "presenter", "bool", False),
    *LESSON_FIELDS,
)

CUSTOM = "custom"  # the pickers' "Your own…" entry: the formula is in ``f``


def formula_field(page: str) -> Field:
    """``f``: the drawn formula (the box's last good one), as typed."""
    prefix = "explorer" if page == "explorer" else "flow"
    return Field("f", f"{prefix}.formula_drawn", "formula", DEFAULT_FORMULA)


X_LIMIT = 20.0
EXPLORER_FIELDS: tuple[Field, ...] = (
    Field("act", "explorer.activation", "choice", "elu", choices=(*names(), CUSTOM)),
    Field("xmin", "explorer.x_min", "float", -5.0, -X_LIMIT, X_LIMIT),
    Field("xmax", "explorer.x_max", "float", 5.0, -X_LIMIT, X_LIMIT),
    Field("second", "explorer.show_second", "bool", False),
    Field("overlay", "explorer.overlays", "choices", [], choices=names()),
    Field("probe", "explorer.probe_x", "float", 0.0, -1e4, 1e4),
)

WIDTHS = (16, 32, 64, 128, 256, 512, 1024)
BATCHES = (8, 16, 32, 64, 128, 256, 512)
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.3, 1.0)
NORM_CHOICES = ("none", "layernorm", "batchnorm")  # flow.StackConfig.norm, with None as "none"
# links from before the norm choice: ``layernorm=1`` means ``norm=layernorm``
LEGACY_FLAGS = {"layernorm": ("norm", "layernorm", "none")}  # old bool: (new key, if on, if off)
FLOW_FIELDS: tuple[Field, ...] = (
    Field("depth", "flow.depth", "int", 50, 1, 1000),
    Field("width", "flow.width", "choice", 128, choices=WIDTHS),
    Field("act", "flow.activation", "choice", "sigmoid", choices=(*names(), CUSTOM)),  # opens on vanishing
    Field("init", "flow.init", "choice", "xavier", choices=("xavier", "he", "lecun", "orthogonal")),
    Field("gain", "flow.gain", "float", 1.0, 0.1, 4.0),
    Field("bias", "flow.bias", "float", 0.0, 0.0, 1.0),
    Field("batch", "flow.batch", "choice", 64, choices=BATCHES),
    Field("seed", "flow.seed", "int", 0, 0, 1_000_000),
    Field("residual", "flow.residual", "bool", False),
    Field("norm", "flow.norm", "choice", "none", choices=NORM_CHOICES),
    Field("view", "flow.view", "choice", "backward", choices=("backward", "forward", "training")),
    Field("layer", "flow.layer", "int", 1, 1, 1000),
    Field("steps", "flow.steps", "int", 60, 10, 200),
    Field("lr", "flow.learning_rate", "choice", 0.05, choices=LEARNING_RATES),
)

ALL_PARAM_NAMES = tuple(sorted({p.name for a in ACTIVATIONS for p in a.params}))


def page_fields(page: str, query_activation: str | None, formula: str | None = None) -> list[Field]:
    """Every field of ``page`` ("explorer" or "flow") for the activation the link names
    (or the page default): the shared ones, the page's own, and its activation's parameters.

    A typed formula: ``query_activation`` "custom" with the link's ``formula`` (a bad or
    missing one: the default formula's fields, as the page then draws it), or the page's
    own ``custom:<formula>`` name; both add the ``f`` field."""
    own = EXPLORER_FIELDS if page == "explorer" else FLOW_FIELDS
    act_field = own[0] if page == "explorer" else own[2]
    activation = query_activation if query_activation in names() else act_field.default
    extra = []
    if query_activation == CUSTOM or is_custom(query_activation):
        text = formula if query_activation == CUSTOM else query_activation[len("custom:"):]
        try:
            activation = custom(text if isinstance(text, str) else DEFAULT_FORMULA).name
        except FormulaError:
            activation = (custom(DEFAULT_FORMULA).name if query_activation == CUSTOM
                          else act_field.default)
        if is_custom(activation):
            extra = [formula_field(page)]
    prefix = "param." if page == "explorer" else "flow.param."
    if page == "explorer":  # the overlays offered are the other activations
        others = tuple(n for n in names() if n != activation)
        own = tuple(dataclasses.replace(f, choices=others) if f.key == "overlay" else f for f in own)
    taken = frozenset(f.key for f in (*SHARED_FIELDS, *own, *extra))
    return [*SHARED_FIELDS, *own, *extra, *param_fields(prefix, activation, taken)]
