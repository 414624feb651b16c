"""The text catalogue: complete, bilingual, and consistent between languages."""

from __future__ import annotations

import re
import string

import pytest

from actlib import registry, text
from actlib.text import CATALOGUE, t

CARD_PARTS = ("title", "purpose", "pros", "cons")
OPTIONAL_PARTS = ("libraries", "kink")
BULLET_PARTS = ("pros", "cons")

# Hiragana, katakana (incl. the long-vowel mark), CJK ideographs, half-width katakana.
JAPANESE = re.compile(r"[\u3040-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")

# Proper names that are written the same way in Japanese text. Each must be
# identical in both languages; anything else in Japanese needs Japanese script.
ASCII_JA_ALLOWED = {
    "lang.en",  # the language's own name, "English"
    *(f"act.{name}.title" for name in
      ("relu", "leaky_relu", "prelu", "elu", "selu", "celu", "relu6", "silu", "swish", "mish")),
}

BULLET_CHARS = ("-", "*", "•", "・", "–", "—", "‐", "●", "○", "■")


def _fields(s: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(s) if field is not None}


def _is_notation(s: str) -> bool:
    """Symbols, numbers and placeholders only (e.g. "f′(x)"): no word to translate."""
    bare = re.sub(r"\{[^{}]*\}", "", s)
    return re.search(r"[A-Za-z]{2,}", bare) is None


# --- every registry entry has its explanation card ---------------------------

@pytest.mark.parametrize("name", registry.names())
@pytest.mark.parametrize("part", CARD_PARTS)
def test_card_part_present_in_both_languages(name, part):
    key = f"act.{name}.{part}"
    assert key in registry.get(name).explanation_keys
    assert text.has(key), f"missing {key}"
    for lang in text.LANGUAGES:
        assert CATALOGUE[key][lang].strip(), f"{key} [{lang}] is empty"


def test_every_activation_key_belongs_to_a_registry_entry():
    names = set(registry.names())
    parts = set(CARD_PARTS) | set(OPTIONAL_PARTS)
    for key in CATALOGUE:
        if key.startswith("act."):
            _, name, part = key.split(".")
            assert name in names, f"{key}: no registry entry {name!r}"
            assert part in parts, f"{key}: unknown part {part!r}"


@pytest.mark.parametrize("name", ["gelu", "gelu_tanh", "leaky_relu", "prelu", "softplus", "selu",
                                  "hard_sigmoid", "silu", "swish", "softmax"])
def test_library_notes_where_libraries_differ(name):
    assert text.has(f"act.{name}.libraries")


def test_no_library_note_where_libraries_agree():
    for name in ("relu", "tanh", "sigmoid", "elu"):
        assert not text.has(f"act.{name}.libraries")


@pytest.mark.parametrize("name", registry.names())
@pytest.mark.parametrize("part", BULLET_PARTS)
def test_pros_and_cons_are_short_bullet_lines(name, part):
    key = f"act.{name}.{part}"
    counts = {}
    for lang in text.LANGUAGES:
        lines = CATALOGUE[key][lang].split("\n")
        counts[lang] = len(lines)
        assert 1 <= len(lines) <= 3, f"{key} [{lang}]: {len(lines)} points"
        for line in lines:
            assert line.strip() and line == line.strip(), f"{key} [{lang}]: blank or padded line"
            assert not line.startswith(BULLET_CHARS), f"{key} [{lang}]: leading bullet in {line!r}"
    assert counts["en"] == counts["ja"], f"{key}: {counts} points"


def test_purpose_is_a_single_paragraph():
    for name in registry.names():
        for lang in text.LANGUAGES:
            assert "\n" not in CATALOGUE[f"act.{name}.purpose"][lang]


# --- the whole catalogue -----------------------------------------------------

def test_languages():
    assert text.LANGUAGES == ("en", "ja")
    assert text.DEFAULT_LANGUAGE == "en"


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_entry_has_exactly_en_and_ja_non_empty(key):
    entry = CATALOGUE[key]
    assert set(entry) == {"en", "ja"}, f"{key}: languages {sorted(entry)}"
    for lang, s in entry.items():
        assert isinstance(s, str) and s.strip(), f"{key} [{lang}] is empty"


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_japanese_is_written_in_japanese(key):
    ja = CATALOGUE[key]["ja"]
    if key in ASCII_JA_ALLOWED:
        assert ja == CATALOGUE[key]["en"], f"{key}: allow-listed proper name differs from English"
    elif not JAPANESE.search(ja):
        assert _is_notation(ja), f"{key}: Japanese text has no kana/kanji: {ja!r}"


def test_ascii_allowlist_is_not_stale():
    assert ASCII_JA_ALLOWED <= CATALOGUE.keys()


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_placeholders_match_between_languages(key):
    en, ja = CATALOGUE[key]["en"], CATALOGUE[key]["ja"]
    assert _fields(en) == _fields(ja), f"{key}: en {_fields(en)} vs ja {_fields(ja)}"


def test_activation_cards_have_no_placeholders():
    for key, entry in CATALOGUE.items():
        if key.startswith("act."):
            for lang, s in entry.items():
                assert not _fields(s), f"{key} [{lang}] has placeholders {_fields(s)}"


# --- no English prose left in Japanese -----------------------------------------

# Words that stay in Latin letters in Japanese technical writing: proper names, model and
# library names, abbreviations, and the seeds' own term "Dying ReLU". Identifiers with a
# "." or "_" (jax.nn.gelu, fan_in) and tokens with a digit (float32, GPT-2) are code.
JA_LATIN_WORDS = {
    # people
    "Barron", "Clevert", "Glorot", "Goodfellow", "He", "Kaiming", "Klambauer", "LeCun", "Misra",
    "Ramachandran", "Xavier",
    # models, libraries, hardware, file formats
    "Activation", "Lab", "AlexNet", "BERT", "DCGAN", "EfficientNet", "GAN", "GPT", "LLaMA", "MobileNet",
    "SwiGLU", "Transformer", "ViT", "JAX", "Keras", "PyTorch", "TensorFlow", "CNN", "RNN", "LSTM", "GRU",
    "CPU", "CSV", "PNG", "XOR", "NaN", "SE", "Squeeze", "and", "Excitation",
    # activation names as written in Japanese text, and the seeds' "Dying ReLU問題"
    "ReLU", "Leaky", "PReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Swish", "Mish", "Maxout", "Dying",
    # code: function and argument names quoted as code
    "relu", "selu", "silu", "swish", "softplus", "tanh", "erf", "exp", "log", "max", "argmax", "clip",
    "alpha", "beta", "scale", "classes", "dim", "axis", "approximate", "threshold", "True", "dropout",
    "sigmoid", "where", "pi", "Wh",
    # the formula language's Python words, quoted in its error messages
    "or", "not", "for", "in", "if", "else", "lambda", "name",
    # more names: an author, a model, this project's library
    "Yang", "ResNet", "actlib",
}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*")


def latin_prose(ja: str) -> list[str]:
    """Latin-letter words in Japanese text that are neither allowed names nor code."""
    bare = re.sub(r"\{[^{}]*\}", "", ja)
    words = []
    for token in LATIN_WORD.findall(bare):
        token = token.rstrip(".-")
        if len(token) < 2 or re.search(r"[._\d]", token):
            continue                                      # a symbol (x, f, K) or code
        words += [w for w in token.split("-") if len(w) > 1 and w not in JA_LATIN_WORDS]
    return words


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_japanese_has_no_english_prose(key):
    if key in ASCII_JA_ALLOWED:
        return
    assert latin_prose(CATALOGUE[key]["ja"]) == [], f"{key}: English left in Japanese"


def test_the_prose_check_catches_what_it_should():
    # the registry's old kink note, shown untranslated in Japanese mode
    assert latin_prose("折れ点での値: ties go to the second piece") == ["ties", "go", "to", "the",
                                                                      "second", "piece"]
    assert latin_prose("既定では Choose options と表示") == ["Choose", "options"]
    assert latin_prose("jax.nn.gelu と float32、x = 0 の Dying ReLU問題、{value} 倍") == []


# --- slider labels, guides, legends ------------------------------------------

@pytest.mark.parametrize("name", registry.names())
def test_every_parameter_has_a_symbol_label_and_help(name):
    from actlib import readouts
    for p in registry.get(name).params:
        for lang in text.LANGUAGES:
            label = readouts.param_label(name, p.name, lang)
            assert p.name in label and label.startswith(readouts.param_symbol(name, p.name)), label
            assert "\\" not in label and "_" not in label.replace(p.name, ""), label   # no raw LaTeX
            assert readouts.param_help(name, p.name, lang).strip()
    assert {key.split(".")[2] for key in CATALOGUE if key.startswith(f"param.{name}.")} == \
        set(registry.get(name).param_names)


def test_symbols_are_the_ones_the_cards_use():
    from actlib import readouts
    assert readouts.param_label("elu", "alpha", "en") == "α (alpha)"
    assert readouts.param_label("selu", "scale", "ja") == "λ(scale)"
    assert [readouts.param_symbol("softmax", p) for p in ("classes", "other_logit")] == ["K", "c"]
    assert [readouts.param_symbol("maxout", p) for p in ("w1", "b1", "w2", "b2")] == ["w₁", "b₁", "w₂", "b₂"]
    assert "K − 1" in t("act.softmax.purpose", "en") and "c" in t("act.softmax.purpose", "en")


@pytest.mark.parametrize("topic", ["depth", "output", "myths"])
def test_guides_are_bilingual_bullet_cards(topic):
    for lang in text.LANGUAGES:
        title, body = t(f"guide.{topic}.title", lang), t(f"guide.{topic}.body", lang)
        assert title.strip() and "\n" not in title
        lines = body.split("\n")
        assert len(lines) >= 2 and all(line == line.strip() and line for line in lines)
        assert not any(line.startswith(BULLET_CHARS) for line in lines)
    assert len(t(f"guide.{topic}.body", "en").split("\n")) == len(t(f"guide.{topic}.body", "ja").split("\n"))


def test_guide_markdown_is_a_title_and_one_bullet_per_line():
    from actlib import readouts
    for lang in text.LANGUAGES:
        md = readouts.guide_markdown("depth", lang).split("\n")
        assert md[0] == f"**{t('guide.depth.title', lang)}**" and md[1] == ""
        assert md[2:] == [f"- {line}" for line in t("guide.depth.body", lang).split("\n")]
        assert readouts.guide_markdown("depth", lang, with_title=False).split("\n") == md[2:]


def test_output_guide_covers_the_four_tasks_of_seed_004():
    body = t("guide.output.body", "ja")
    for task in ("回帰", "二値分類", "多クラス分類", "マルチラベル分類"):
        assert task in body
    en = t("guide.output.body", "en").split("\n")
    assert "identity" in en[0] and "sigmoid" in en[1] and "softmax" in en[2] and "sigmoid" in en[3]


def test_multiselect_placeholder_is_translated():
    assert t("explorer.overlay_placeholder", "en") != t("explorer.overlay_placeholder", "ja")
    assert JAPANESE.search(t("explorer.overlay_placeholder", "ja"))


def test_seed_terms_in_japanese():
    ja = "\n".join(entry["ja"] for entry in CATALOGUE.values())
    assert "死んだReLU" not in ja and "前活性化" not in ja     # the seeds say "Dying ReLU問題"
    assert "Dying ReLU問題" in t("act.relu.cons", "ja")
    for group in ("classic", "smooth"):                        # a noun, not a bare adjective
        assert t(f"group.{group}", "ja").endswith("関数")


# --- lookup ------------------------------------------------------------------

def test_t_returns_japanese():
    ja = t("act.relu.purpose", "ja")
    assert ja == CATALOGUE["act.relu.purpose"]["ja"]
    assert JAPANESE.search(ja)


def test_t_defaults_to_english():
    assert t("act.sigmoid.cons") == CATALOGUE["act.sigmoid.cons"]["en"]


@pytest.mark.parametrize("lang", ["fr", "", "JA", "zh"])
def test_unknown_language_falls_back_to_english(lang):
    assert t("act.softmax.purpose", lang) == CATALOGUE["act.softmax.purpose"]["en"]


def test_t_formats_placeholders_in_both_languages():
    keyed = [key for key, entry in CATALOGUE.items() if _fields(entry["en"])]
    if not keyed:
        pytest.skip("no catalogue entry has placeholders")
    for key in keyed:
        values = {field: f"<{field}>" for field in _fields(CATALOGUE[key]["en"])}
        for lang in text.LANGUAGES:
            out = t(key, lang, **values)
            assert all(v in out for v in values.values()), f"{key} [{lang}]: {out!r}"


def test_unknown_key_raises():
    with pytest.raises(KeyError):
        t("act.no_such_thing.title", "en")
