"""Strings shared by the entry file and both pages."""

STRINGS: dict[str, dict[str, str]] = {
    "app.title": {"en": "Activation Lab", "ja": "Activation Lab(活性化関数ラボ)"},
    "app.language": {"en": "Language", "ja": "言語"},
    "app.presenter": {"en": "Presenter mode", "ja": "プレゼンターモード"},
    "app.presenter_help": {"en": "Large type and thick lines for a projector.",
                           "ja": "プロジェクター向けに文字と線を大きくします。"},
    "nav.explorer": {"en": "Activation explorer", "ja": "活性化関数エクスプローラー"},
    "nav.gradient_flow": {"en": "Gradient flow", "ja": "勾配の流れ"},
    "lang.en": {"en": "English", "ja": "English"},
    "lang.ja": {"en": "日本語", "ja": "日本語"},
    "group.classic": {"en": "Classic", "ja": "古典的"},
    "group.relu_family": {"en": "ReLU family", "ja": "ReLU系"},
    "group.smooth": {"en": "Smooth", "ja": "滑らか"},
    "group.hard": {"en": "Hard (mobile)", "ja": "ハード近似(モバイル向け)"},
    "group.output": {"en": "Output layer", "ja": "出力層"},
}
