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
    "url.notice": {
        "en": "This link's “{param}” was {raw}: {reason}. Using {default} instead.",
        "ja": "リンクの「{param}」の値 {raw} は使えません({reason})。代わりに {default} を使います。"},
    "url.unknown": {
        "en": "This link has a parameter this page does not know, “{param}”; it was ignored.",
        "ja": "リンクにこのページでは使わないパラメータ「{param}」があったため、無視しました。"},
    "url.reason.not_number": {"en": "not a number", "ja": "数値ではありません"},
    "url.reason.not_integer": {"en": "not a whole number", "ja": "整数ではありません"},
    "url.reason.not_bool": {"en": "expected 1 or 0", "ja": "1 か 0 を指定してください"},
    "url.reason.out_of_range": {"en": "outside {allowed}", "ja": "{allowed} の範囲外です"},
    "url.reason.unknown_choice": {"en": "not one of {allowed}", "ja": "{allowed} のいずれでもありません"},
    "url.reason.too_long": {"en": "too long", "ja": "長すぎます"},
    "url.more": {"en": "…and {count} more problems in this link.", "ja": "…ほか {count} 件の問題がありました。"},
    "share.button": {"en": "Link to this view", "ja": "この表示へのリンク"},
    "share.help": {"en": "Copy this link (the icon at its right) to reopen exactly this view.",
                   "ja": "このリンクをコピー(右のアイコン)すると、いまの表示をそのまま開けます。"},
}
