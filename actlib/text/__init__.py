"""The one catalogue of user-visible text, English and Japanese.

Strings live in per-area modules (``common``, ``explorer``, ``activations``,
``notes``, ``flow``, ``guides``, ``custom``), each a ``STRINGS = {key: {"en": ..., "ja": ...}}``; this module
merges them and looks keys up. Pages never hold inline text.
"""

from __future__ import annotations

from actlib.text import activations, common, custom, explorer, flow, guides, lessons, notes

LANGUAGES: tuple[str, ...] = ("en", "ja")
DEFAULT_LANGUAGE = "en"


def _merge(*modules) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for module in modules:
        clash = merged.keys() & module.STRINGS.keys()
        if clash:
            raise KeyError(f"catalogue keys defined twice: {sorted(clash)}")
        merged.update(module.STRINGS)
    return merged


CATALOGUE = _merge(common, explorer, activations, notes, flow, guides, custom, lessons)


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values) -> str:
    """The text for ``key`` in ``lang`` (English where ``lang`` is unknown), formatted."""
    entry = CATALOGUE[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def has(key: str) -> bool:
    return key in CATALOGUE
