"""Lessons: the seeds' story as guided steps, each a live view of one page.

Data, not code: :data:`LESSONS` is a table of :class:`Lesson` (a key and its
steps); a :class:`Step` names its page ("explorer" or "flow"), the query that
puts the page in its state (the same URL fields the pages parse, through
:mod:`actlib.urlstate`), the catalogue keys of its text, and a *claim*: a
predicate over what actlib computes for exactly that state (:meth:`Step.state`),
returning a :class:`Check` with the measured numbers. Tests assert every claim,
so a step cannot say what its picture does not show.

Pure: no streamlit. The page glue is ``ui/lesson_bar.py``.
"""

from __future__ import annotations

import dataclasses
import urllib.parse
from typing import Any, Callable

from actlib import urlstate
from actlib import lesson_claims as c
from actlib.lesson_claims import Check

PAGES = ("explorer", "flow")


@dataclasses.dataclass(frozen=True)
class Step:
    page: str                                  # "explorer" or "flow"
    query: str                                 # URL query of the step's view
    text: str                                  # catalogue prefix: {text}.title/.narrative/.question/.answer
    claim: Callable[[dict[str, Any]], Check]   # over self.state()

    @property
    def title_key(self) -> str:
        return f"{self.text}.title"

    @property
    def narrative_key(self) -> str:
        return f"{self.text}.narrative"

    @property
    def question_key(self) -> str:
        return f"{self.text}.question"

    @property
    def answer_key(self) -> str:
        return f"{self.text}.answer"

    def fields(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(self.query, keep_blank_values=True))

    def state(self) -> dict[str, Any]:
        """Every control of the page in this step (session-state keys)."""
        return c.state(self.page, self.fields())

    def check(self) -> Check:
        return self.claim(self.state())


@dataclasses.dataclass(frozen=True)
class Lesson:
    key: str
    steps: tuple[Step, ...]

    @property
    def title_key(self) -> str:
        return f"lesson.{self.key}.title"

    @property
    def summary_key(self) -> str:
        return f"lesson.{self.key}.summary"


def _step(page: str, query: str, text: str, claim) -> Step:
    return Step(page, query, f"lesson.{text}", claim)


def _slopes(values: dict):
    return c.curve(values, order=1)


def _is(what: str, measure, value: float, tol: float = 1e-4):
    return c.measured(what, measure, value - tol, value + tol)


# Dying ReLU, robust to the seed (tests check 8 seeds): He init at gain 2 (σw² = 8) and a
# learning rate that trains leaky ReLU and ELU well; ReLU loses most of layer 2 in ~10 steps.
DYING = "view=training&width=256&batch=32&depth=2&init=he&gain=2&bias=0.5&steps=100&lr=0.003"
_TRAINS = c.measured("last / first loss", c.loss_ratio, hi=0.1)

LESSONS: tuple[Lesson, ...] = (
    Lesson("activation", (
        _step("explorer", "act=identity&overlay=relu", "activation.identity", c.all_of(
            _is("min f′", lambda v: _slopes(v).min(), 1.0), _is("max f′", lambda v: _slopes(v).max(), 1.0))),
        _step("explorer", "act=step&overlay=sigmoid", "activation.step",
              c.measured("max |f′|", lambda v: abs(_slopes(v)).max(), hi=1e-12)),
        _step("explorer", "act=sigmoid&overlay=step&xmin=-10&xmax=10", "activation.sigmoid", c.all_of(
            c.measured("min f′", lambda v: _slopes(v).min(), lo=0.0),
            _is("f(0)", lambda v: c.curve(v, 0.0)[0], 0.5, 1e-6))),
        _step("explorer", "act=relu&overlay=identity&probe=-1", "activation.relu", c.all_of(
            c.measured("f′(−1)", c.slope_at(-1.0), -1e-12, 1e-12), _is("f′(1)", c.slope_at(1.0), 1.0))),
        _step("flow", "act=identity&init=orthogonal&depth=10", "activation.linear_stack", c.all_of(
            c.measured("log10 first/last", c.exponent, -0.01, 0.01),
            c.measured("max std drift", c.std_drift, hi=0.05))),
    )),
    Lesson("sigmoid_tanh", (
        _step("explorer", "act=sigmoid&xmin=-10&xmax=10&probe=0", "sigmoid_tanh.sigmoid_slope", c.all_of(
            _is("max f′", lambda v: c.props(v).max_slope, 0.25), _is("f′(0)", c.probe_slope, 0.25))),
        _step("explorer", "act=tanh&overlay=sigmoid&probe=0", "sigmoid_tanh.tanh_slope",
              _is("max f′", lambda v: c.props(v).max_slope, 1.0)),
        _step("explorer", "act=sigmoid&xmin=-10&xmax=10&probe=5", "sigmoid_tanh.saturation",
              c.measured("f′(5)", c.probe_slope, hi=0.01)),
        _step("explorer", "act=tanh&overlay=sigmoid&xmin=-4&xmax=4", "sigmoid_tanh.zero_centred", c.all_of(
            c.fact("tanh zero-centred", lambda v: c.props(v).zero_centred, True),
            c.fact("sigmoid zero-centred", lambda v: c.properties("sigmoid").zero_centred, False))),
        _step("flow", "act=tanh&init=he&gain=4&view=forward&layer=10", "sigmoid_tanh.saturated_layer",
              c.measured("saturated share of layer 10", c.saturated_at_layer, lo=0.5)),
        _step("flow", "act=tanh&init=xavier&gain=2&depth=50", "sigmoid_tanh.exploding",
              c.measured("log10 first/last", c.exponent, lo=1.0)),
        _step("flow", "act=tanh&gain=4&view=training&lr=1", "sigmoid_tanh.diverges",
              c.fact("diverged", lambda v: c.trace(v).diverged_at is not None, True)),
    )),
    Lesson("vanishing", (
        _step("flow", "act=sigmoid&init=xavier&depth=5", "vanishing.depth5",
              c.measured("log10 first/last", c.exponent, hi=-2.0)),
        _step("flow", "act=sigmoid&init=xavier&depth=20", "vanishing.depth20",
              c.measured("log10 first/last", c.exponent, hi=-10.0)),
        _step("flow", "act=sigmoid&init=xavier&depth=50", "vanishing.depth50", c.all_of(
            c.measured("log10 first/last", c.exponent, hi=-20.0),
            c.measured("theory vs measured", c.theory_gap, hi=0.05))),
        _step("flow", "act=relu&init=xavier&depth=50", "vanishing.relu_unit",
              c.measured("log10 first/last", c.exponent, hi=-5.0)),
        _step("flow", "act=relu&init=he&depth=50", "vanishing.relu_he",
              c.measured("log10 first/last", c.exponent, -1.0, 1.0)),
        _step("flow", "act=sigmoid&init=xavier&residual=1&depth=50", "vanishing.residual",
              c.measured("log10 first/last", c.exponent, -1.0, 1.0)),
        _step("flow", "act=selu&init=lecun&depth=50", "vanishing.selu",
              c.measured("log10 first/last", c.exponent, -1.0, 1.0)),
        _step("flow", "act=relu&init=xavier&norm=layernorm&depth=50", "vanishing.layernorm",
              c.measured("log10 first/last", c.exponent, -1.0, 1.0)),
    )),
    Lesson("relu_family", (
        _step("explorer", "act=relu&xmin=-4&xmax=4&probe=-1", "relu_family.relu",
              c.measured("max |f′| for x < 0", lambda v: abs(_slopes(v)[c.grid(v) < 0]).max(), hi=1e-12)),
        _step("flow", "act=relu&" + DYING, "relu_family.dying", c.all_of(
            c.measured("dead share, last step", c.dead_at_end, lo=0.4),
            c.measured("dead share, step 0", c.initial_dead, hi=0.05))),
        _step("explorer", "act=leaky_relu&alpha=0.1&overlay=relu&probe=-1", "relu_family.leaky",
              _is("f′(−1)", c.probe_slope, 0.1)),
        _step("flow", "act=leaky_relu&" + DYING, "relu_family.leaky_lives", c.all_of(
            c.measured("dead share, last step", c.dead_at_end, hi=0.05), _TRAINS)),
        _step("explorer", "act=prelu&overlay=leaky_relu&probe=-1", "relu_family.prelu",
              _is("f′(−1)", c.probe_slope, 0.25)),
        _step("flow", "act=elu&" + DYING, "relu_family.elu_lives", c.all_of(
            c.measured("dead share, last step", c.dead_at_end, hi=0.05), _TRAINS)),
        _step("explorer", "act=elu&alpha=1&overlay=relu,leaky_relu&xmin=-4&xmax=2", "relu_family.elu", c.all_of(
            _is("lower bound", lambda v: c.props(v).lower, -1.0), c.fact("smooth", lambda v: c.props(v).smooth, True))),
        _step("explorer", "act=elu&alpha=2", "relu_family.elu_alpha", c.all_of(
            _is("lower bound", lambda v: c.props(v).lower, -2.0), c.fact("smooth", lambda v: c.props(v).smooth, False))),
    )),
    Lesson("smooth", (
        _step("explorer", "act=gelu&overlay=gelu_tanh", "smooth.gelu",
              c.measured("max |GELU − tanh approx.|", c.gap_to("gelu_tanh"), hi=1e-3)),
        _step("explorer", "act=silu&second=1&probe=-1.2785", "smooth.silu", c.all_of(
            _is("min f", lambda v: c.props(v).minimum, -0.2785, 5e-4),
            _is("argmin", lambda v: c.props(v).argmin, -1.2785, 5e-3))),
        _step("explorer", "act=swish&beta=5&overlay=relu", "smooth.swish_beta",
              c.measured("max |swish − ReLU|", c.gap_to("relu"), hi=0.06)),
        _step("explorer", "act=mish&overlay=silu", "smooth.mish", c.all_of(
            c.measured("min f", lambda v: c.props(v).minimum, -0.31, -0.30),
            c.fact("smooth", lambda v: c.props(v).smooth, True))),
        _step("explorer", "act=softmax&classes=2&overlay=sigmoid", "smooth.softmax",
              c.measured("max |softmax₂ − sigmoid|", c.gap_to("sigmoid"), hi=1e-6)),
        _step("explorer", "act=maxout&w1=1&b1=0&w2=0&b2=0&overlay=relu", "smooth.maxout",
              c.measured("max |maxout − ReLU|", c.gap_to("relu"), hi=1e-7)),
        _step("flow", "act=gelu&init=he&depth=50", "smooth.gelu_deep",
              c.measured("log10 first/last", c.exponent, hi=-3.0)),
    )),
)

if tuple(lesson.key for lesson in LESSONS) != urlstate.LESSON_KEYS:
    raise AssertionError("urlstate.LESSON_KEYS must list the lessons' keys, in order")
BY_KEY: dict[str, Lesson] = {lesson.key: lesson for lesson in LESSONS}


def get(key: str) -> Lesson:
    return BY_KEY[key]


def link_query(lesson: Lesson, number: int) -> dict[str, str]:
    """The URL of step ``number`` (1-based) of ``lesson``: its view, the lesson and the step."""
    return lesson.steps[number - 1].fields() | {"lesson": lesson.key, "step": str(number)}


__all__ = ["Check", "Step", "Lesson", "LESSONS", "PAGES", "DYING", "BY_KEY", "get", "link_query"]
