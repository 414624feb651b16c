"""explorer strings: {key: {"en": ..., "ja": ...}}."""

STRINGS: dict[str, dict[str, str]] = {}
