"""The lessons as data: shape, text, and every step's claim on its exact state.

Claims are computed through actlib for the state the step's query gives the page
(:meth:`Step.state`, urlstate's parse over the page's defaults); a claim the picture
does not back fails here. The dying-ReLU setting is checked over several seeds, and
the engine's dead-unit count against an independent numpy training run.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import numpy as np
import pytest

from actlib import flow, lessons, urlstate
from actlib import lesson_claims as c
from actlib.text import CATALOGUE, LANGUAGES

STEPS = [(lesson.key, number, step) for lesson in lessons.LESSONS
         for number, step in enumerate(lesson.steps, start=1)]
IDS = [f"{key}-{number}" for key, number, _ in STEPS]
README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_table_tells_five_stories_of_five_to_eight_steps():
    assert len(lessons.LESSONS) >= 5
    assert all(5 <= len(lesson.steps) <= 8 for lesson in lessons.LESSONS)
    assert tuple(lesson.key for lesson in lessons.LESSONS) == urlstate.LESSON_KEYS
    assert max(len(lesson.steps) for lesson in lessons.LESSONS) <= urlstate.MAX_LESSON_STEPS
    assert {step.page for _, _, step in STEPS} == set(lessons.PAGES)


@pytest.mark.parametrize("key,number,step", STEPS, ids=IDS)
def test_every_step_has_its_text_in_both_languages(key, number, step):
    for text_key in (step.title_key, step.narrative_key, step.question_key, step.answer_key):
        assert all(CATALOGUE[text_key].get(lang, "").strip() for lang in LANGUAGES), text_key
    lesson = lessons.get(key)
    assert all(CATALOGUE[k][lang] for k in (lesson.title_key, lesson.summary_key) for lang in LANGUAGES)


@pytest.mark.parametrize("key,number,step", STEPS, ids=IDS)
def test_the_step_query_is_a_clean_link(key, number, step):
    """Every key of the query is a field of its page, with an allowed value."""
    fields = urlstate.page_fields(step.page, step.fields().get("act"))
    _, problems = urlstate.parse(step.fields(), fields)
    assert problems == []
    state = step.state()  # the page's defaults for everything the query leaves out
    assert set(state) == {f.state_key for f in fields if f not in urlstate.SHARED_FIELDS}


@pytest.mark.parametrize("key,number,step", STEPS, ids=IDS)
def test_the_claim_holds_on_the_steps_exact_state(key, number, step):
    check = step.check()
    assert check.holds, f"{key} step {number}: {check.detail}"


def test_claims_can_fail():
    """The same claims on a state that contradicts them: a claim is not a constant."""
    vanish = lessons.get("vanishing").steps[2]  # "< -20 at depth 50"
    assert not vanish.claim(vanish.state() | {"flow.activation": "relu", "flow.init": "he"}).holds
    sigmoid = lessons.get("sigmoid_tanh").steps[0]  # "max f′ = 1/4"
    assert not sigmoid.claim(sigmoid.state() | {"explorer.activation": "tanh"}).holds
    dying = lessons.get("relu_family").steps[1]
    assert not dying.claim(dying.state() | {"flow.activation": "elu"}).holds


def test_link_query_names_the_lesson_and_step():
    lesson = lessons.get("vanishing")
    query = lessons.link_query(lesson, 3)
    assert query == {"act": "sigmoid", "init": "xavier", "depth": "50", "lesson": "vanishing", "step": "3"}


# --- the README's lesson links -----------------------------------------------------------------

README_LINKS = re.findall(r"`(http://localhost:8501/[^`]*)`", README.read_text(encoding="utf-8"))


def _page_and_query(link: str) -> tuple[str, dict[str, str]]:
    parts = urllib.parse.urlsplit(link)
    page = "flow" if parts.path.strip("/") == "gradient_flow" else "explorer"
    return page, dict(urllib.parse.parse_qsl(parts.query))


@pytest.mark.parametrize("link", README_LINKS)
def test_every_readme_link_is_a_lesson_step(link):
    """A view link is exactly some step's view (so its claim is checked above); a lesson
    link names an existing step, on the page that step runs on."""
    page, query = _page_and_query(link)
    if "lesson" in query:
        lesson = lessons.get(query.pop("lesson"))
        number = int(query.pop("step"))
        assert query == {} and lesson.steps[number - 1].page == page
        return
    assert any(step.page == page and step.fields() == query for _, _, step in STEPS), link


# --- dying ReLU, robust to the seed ------------------------------------------------------------

SEEDS = range(8)


def _dying(act: str, seed: int) -> flow.TrainingTrace:
    step = lessons.get("relu_family").steps[1]
    return c.trace(step.state() | {"flow.activation": act, "flow.seed": seed})


@pytest.mark.parametrize("seed", SEEDS)
def test_relu_dies_and_leaky_relu_and_elu_do_not(seed):
    relu = _dying("relu", seed)
    assert relu.diverged_at is None
    assert relu.dead_fraction[0].max() < 0.05 and relu.dead_fraction[-1].max() > 0.4
    verdict = relu.dead_verdict()
    assert verdict.step == 99 and verdict.fraction > 0.4 and verdict.initial < 0.05
    assert verdict.fraction == relu.dead_fraction[-1, verdict.layer - 1]
    for act in ("leaky_relu", "elu"):
        other = _dying(act, seed)
        assert other.diverged_at is None, act
        assert other.dead_fraction.max() < 0.05, act
        assert other.loss[-1] < 0.1 * other.loss[0], act  # and it does learn
        assert other.dead_verdict() is None or other.dead_verdict().fraction < 0.05


def _numpy_dead_fractions(cfg: flow.StackConfig, steps: int, lr: float) -> np.ndarray:
    """A second implementation: float64 numpy gradient descent on the same weights, data
    and target, counting per step the units with z <= 0 (ReLU's f′ = 0) on every example."""
    weights, biases, x, readout = (np.asarray(a, dtype=np.float64) for a in flow.network(cfg))
    drawn, *_ = flow._traced(cfg)   # the engine's draws: the same x, readout and target
    target = np.asarray(drawn.target, dtype=np.float64)
    weights, biases = weights.copy(), biases.copy()
    dead = np.zeros((steps, cfg.depth))
    for k in range(steps):
        hs, zs = [x], []
        for w, b in zip(weights, biases):
            zs.append(hs[-1] @ w + b)
            hs.append(np.maximum(zs[-1], 0.0))
        dead[k] = [np.mean(np.all(z <= 0, axis=0)) for z in zs]
        err = hs[-1] @ readout - target
        dh = (err / cfg.batch)[:, None] * readout[None, :]
        grad_r = hs[-1].T @ err / cfg.batch
        for l in reversed(range(cfg.depth)):
            g = dh * (zs[l] > 0)
            dh = g @ weights[l].T
            weights[l] -= lr * (hs[l].T @ g)
            biases[l] -= lr * g.sum(axis=0)
        readout = readout - lr * grad_r
    return dead


def test_dead_fraction_matches_an_independent_numpy_count():
    cfg = flow.StackConfig(depth=3, width=16, activation="relu", init="he", gain=2.0, bias_std=0.5,
                           batch=8, seed=3)
    steps, lr = 12, 0.003
    run = flow.training_trace(cfg, steps=steps, learning_rate=lr)
    assert run.diverged_at is None
    engine = run.dead_fraction
    reference = _numpy_dead_fractions(cfg, steps, lr)
    assert reference.max() > 0 and len(np.unique(reference)) > 2  # something to count
    np.testing.assert_array_equal(engine[0], reference[0])  # the initial weights: exactly
    # later steps: float32 against float64 trajectories; a unit on the edge may flip
    assert np.abs(engine - reference).max() <= 1 / cfg.width + 1e-12
    assert np.mean(engine == reference) > 0.9


def test_dead_units_figure_draws_the_trace():
    from actlib import flow_figures

    labels = {"step_axis": "step", "dead_share": "dead", "layer_n": "layer {layer}"}
    grid = np.linspace(0, 1, 30 * 3).reshape(30, 3)
    fig = flow_figures.dead_units_over_steps(grid, labels=labels)
    assert [tr["name"] for tr in fig["data"]] == ["layer 1", "layer 2", "layer 3"]
    for layer, tr in enumerate(fig["data"]):
        np.testing.assert_allclose(tr["y"], grid[:, layer], atol=5e-5)
        assert tr["x"] == list(range(30))
    deep = np.zeros((5, 40))
    deep[-1, 17] = 0.9  # the deadest layer is always among those drawn
    shown = flow_figures.dead_layers_shown(deep)
    assert 17 in shown and 0 in shown and 39 in shown and len(shown) <= flow_figures.MAX_DEAD_LINES
    names = [tr["name"] for tr in flow_figures.dead_units_over_steps(deep, labels=labels)["data"]]
    assert "layer 18" in names
