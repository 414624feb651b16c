"""Strings of the formula box ("Your own…") and the messages of actlib.custom's FormulaError."""

STRINGS: dict[str, dict[str, str]] = {
    "param.custom_help": {"en": "{name}: a parameter of your formula (any name other than x and pi).",
                          "ja": "{name}: 式のパラメータです(x と pi 以外の名前はすべてパラメータになります)。"},
    "group.custom": {"en": "Your own", "ja": "自作"},
    "custom.entry": {"en": "Your own…", "ja": "自分で式を書く…"},
    "custom.title": {"en": "Your own function", "ja": "自作の関数"},
    "formula.label": {"en": "f(x) =", "ja": "f(x) ="},
    "formula.help": {
        "en": "Type a formula in x. Any other name (alpha, beta, w1…) becomes a parameter with a "
              "slider. Allowed: numbers, + − * / ** (power), comparisons, parentheses, "
              "where(condition, a, b), pi and the functions {functions}. "
              "At most 200 characters.",
        "ja": "x の式を入力してください。x 以外の名前(alpha, beta, w1 など)はパラメータになり、"
              "スライダーで動かせます。使えるもの: 数値、+ − * / **(累乗)、比較、かっこ、"
              "where(条件, a, b)、pi、関数 {functions}。200 文字まで。"},
    "formula.examples": {"en": "Start from a built-in", "ja": "組み込みの関数から始める"},
    "formula.examples_help": {
        "en": "Each built-in activation written as a formula: pick one, then edit it.",
        "ja": "組み込みの活性化関数を式で書いたものです。選んでから自由に書き換えられます。"},
    "formula.pick": {"en": "(pick one)", "ja": "(選択)"},
    "formula.autodiff": {
        "en": "f′ and f″ are computed from this expression by JAX autodiff, not written out "
              "symbolically. At a where(…), the derivative is that of the branch taken.",
        "ja": "f′ と f″ はこの式から JAX の自動微分で計算しています(記号的に式を導いてはいません)。"
              "where(…) の境目では、選ばれた側の枝の導関数になります。"},
    "formula.error": {"en": "Not drawn: {message}", "ja": "描けません: {message}"},
    "formula.kept": {"en": "Still showing the last formula that worked: {formula}",
                     "ja": "最後に正しく描けた式を表示しています: {formula}"},
    "formula.nonfinite": {
        "en": "f, f′ or f″ is not a finite number (NaN or ∞) for x in {intervals}; the chart "
              "leaves a gap there and the properties skip those points.",
        "ja": "x が {intervals} のとき、f, f′, f″ のいずれかが有限の数になりません(NaN または ∞)。"
              "グラフはその部分を空けて描き、性質の計算からも除いています。"},
    "formula.no_properties": {
        "en": "No properties: f is not a finite number anywhere on the sampled grid.",
        "ja": "性質は計算できません: 調べた範囲のどこでも f が有限の数になりません。"},
    "url.reason.bad_formula": {"en": "not a formula this page can draw",
                               "ja": "このページで描ける式ではありません"},
    # FormulaError messages: formula.error.<code>
    "formula.error.not_text": {"en": "a formula must be text", "ja": "式は文字列で入力してください"},
    "formula.error.empty": {"en": "the formula is empty", "ja": "式が空です"},
    "formula.error.too_long": {
        "en": "the formula has {length} characters; at most {limit} are allowed",
        "ja": "式が {length} 文字あります。{limit} 文字までにしてください"},
    "formula.error.too_many_nodes": {
        "en": "the formula has {count} parts (numbers, names, operations); at most {limit} are allowed",
        "ja": "式の要素(数値・名前・演算)が {count} 個あります。{limit} 個までにしてください"},
    "formula.error.bad_char": {"en": "the character “{char}” cannot be used in a formula",
                               "ja": "「{char}」という文字は式に使えません"},
    "formula.error.syntax": {
        "en": "the formula cannot be read from here (a missing number, name or operator?)",
        "ja": "ここから式を読み取れません(数値・名前・演算子が抜けていませんか?)"},
    "formula.error.unclosed": {"en": "this parenthesis is never closed",
                               "ja": "このかっこが閉じられていません"},
    "formula.error.unmatched_close": {"en": "this closing parenthesis has no opening one",
                                      "ja": "この閉じかっこに対応する開きかっこがありません"},
    "formula.error.string": {"en": "text in quotes (strings) is not part of a formula",
                             "ja": "引用符で囲んだ文字列は式に使えません"},
    "formula.error.fstring": {"en": "f-strings are not part of a formula",
                              "ja": "f 文字列は式に使えません"},
    "formula.error.attribute": {"en": "attribute access (a dot after a name) is not allowed",
                                "ja": "名前の後ろのドット(属性の参照)は使えません"},
    "formula.error.subscript": {"en": "square brackets (lists, indexing) are not allowed; use ( )",
                                "ja": "角かっこ(リストや添字)は使えません。( ) を使ってください"},
    "formula.error.container": {"en": "lists, tuples, sets and dictionaries are not allowed",
                                "ja": "リスト・タプル・集合・辞書は使えません"},
    "formula.error.lambda": {"en": "lambda is not allowed: write the formula itself",
                             "ja": "lambda は使えません。式そのものを書いてください"},
    "formula.error.comprehension": {"en": "comprehensions (for … in …) are not allowed",
                                    "ja": "内包表記(for … in …)は使えません"},
    "formula.error.starred": {"en": "starred arguments (*args) are not allowed",
                              "ja": "* を付けた引数は使えません"},
    "formula.error.keyword": {"en": "keyword arguments (name=…) are not allowed",
                              "ja": "キーワード引数(name=…)は使えません"},
    "formula.error.ifexp": {"en": "“a if c else b” is not available: write where(c, a, b)",
                            "ja": "「a if c else b」は使えません。where(c, a, b) と書いてください"},
    "formula.error.boolop": {
        "en": "and / or / not are not available: use a chain such as 0 < x < 6, or nested where(…)",
        "ja": "and / or / not は使えません。0 < x < 6 のような比較の連鎖か、where(…) の入れ子を使ってください"},
    "formula.error.walrus": {"en": "assignments (:=) are not allowed", "ja": "代入(:=)は使えません"},
    "formula.error.underscore": {"en": "names starting with “_” are not allowed ({name})",
                                 "ja": "「_」で始まる名前は使えません({name})"},
    "formula.error.caret": {"en": "^ is not a power here: write x**2",
                            "ja": "^ は累乗ではありません。x**2 のように書いてください"},
    "formula.error.operator": {"en": "the operator {op} is not available (+ - * / ** and comparisons are)",
                               "ja": "演算子 {op} は使えません(使えるのは + - * / ** と比較です)"},
    "formula.error.unsupported": {"en": "{what} is not part of the formula language",
                                  "ja": "{what} は式の中では使えません"},
    "formula.error.bad_constant": {"en": "{value} is not a real number", "ja": "{value} は実数ではありません"},
    "formula.error.overflow": {"en": "the number {value} is too large for float32 (at most about 3.4e38)",
                               "ja": "数値 {value} は float32 には大きすぎます(約 3.4e38 まで)"},
    "formula.error.function_as_value": {"en": "{name} is a function: write {name}(…)",
                                        "ja": "{name} は関数です。{name}(…) と書いてください"},
    "formula.error.not_callable": {"en": "only functions can be called; {name}(…) is not one",
                                   "ja": "呼び出せるのは関数だけです。{name}(…) は関数ではありません"},
    "formula.error.unknown_function": {"en": "there is no function {name}; the functions are: {valid}",
                                       "ja": "関数 {name} はありません。使える関数: {valid}"},
    "formula.error.arity": {"en": "{name} takes {expected} argument(s), not {got}",
                            "ja": "{name} の引数は {expected} 個です({got} 個ではありません)"},
    "formula.error.where_condition": {
        "en": "the first argument of where must be a comparison, such as x > 0",
        "ja": "where の最初の引数は x > 0 のような比較にしてください"},
}
