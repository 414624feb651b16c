"""Short explanation cards that belong to no single activation: why depth
multiplies f′ (gradient page), which output activation for which task, and two
claims from popular articles that a teacher should correct. Keys
guide.<topic>.title and guide.<topic>.body; a body is bullet lines joined with
"\\n", like the activation cards (no bullet characters, no placeholders).
Every number here is checked against actlib in tests/test_card_facts.py.
"""

_GUIDES = {
    "depth": (
        ("Why depth multiplies f′", "深さが f′ を掛け合わせる理由"),
        [("Backpropagation applies the chain rule once per layer: ∂L/∂zₗ = f′(zₗ) · Wₗ₊₁ᵀ ∂L/∂zₗ₊₁.",
          "誤差逆伝播法は層ごとに連鎖律を1回使います:∂L/∂zₗ = f′(zₗ) · Wₗ₊₁ᵀ ∂L/∂zₗ₊₁。"),
         ("So the gradient that reaches layer 1 carries one factor f′ per layer above it, "
          "multiplied together with the weights.",
          "そのため第1層に届く勾配には、その上の層の数だけ f′ が重みと一緒に掛け合わされています。"),
         ("Sigmoid has f′ ≤ 1/4: ten sigmoid layers scale the gradient by at most (1/4)¹⁰ ≈ "
          "9.5 × 10⁻⁷ unless the weights make up for it. That is the vanishing gradient.",
          "シグモイドは f′ ≤ 1/4 なので、重みで補わない限り、10層で勾配は最大でも (1/4)¹⁰ ≈ "
          "9.5 × 10⁻⁷ 倍になります。これが勾配消失です。"),
         ("ReLU has f′ = 1 on its active units, so there the product neither shrinks nor grows; "
          "He initialisation keeps the weights' part near 1.",
          "ReLU は活性化しているユニットで f′ = 1 なので、そこでは積が縮みも膨らみもしません。"
          "He の初期化を使うと、重みの部分も1に近く保たれます。"),
         ("Leaky ReLU's negative side multiplies by α = 0.01, less than sigmoid's 1/4: what "
          "rescues a deep stack is f′ near 1 with a matching initialisation, residual connections "
          "or normalisation.",
          "Leaky ReLU の負側で掛かるのは α = 0.01 で、シグモイドの 1/4 より小さい値です。深いネットワークを"
          "救うのは、1に近い f′ と適切な初期化、残差接続、正規化です。")],
    ),
    "output": (
        ("Which activation for the output layer", "出力層の活性化関数の選び方"),
        [("Regression: one unit per target, identity (linear); softplus if the target must be positive.",
          "回帰:目的変数ごとに1ユニット、恒等関数(線形)。正の値でなければならない場合はソフトプラス。"),
         ("Binary classification: one unit, sigmoid, trained with binary cross-entropy "
          "(log-sigmoid inside the loss keeps it stable).",
          "二値分類:1ユニット、シグモイド。二値交差エントロピーで学習します(損失の中では対数シグモイドを"
          "使うと数値的に安定します)。"),
         ("Multi-class classification (one label each): one unit per class, softmax with "
          "cross-entropy; the gradient is p − y.",
          "多クラス分類(ラベルは1つ):クラスごとに1ユニット、ソフトマックスと交差エントロピー。"
          "勾配は p − y になります。"),
         ("Multi-label classification (several labels may be true): one unit per class, each a sigmoid.",
          "マルチラベル分類(複数のラベルが同時に正になりうる):クラスごとに1ユニット、それぞれシグモイド。"),
         ("Hidden layers are a separate choice: ReLU or one of its family for MLPs and CNNs, "
          "tanh and sigmoid inside RNN and LSTM cells.",
          "隠れ層は別の問題です。多層パーセプトロンや CNN では ReLU とその仲間、RNN や LSTM の内部では"
          "tanh とシグモイドが使われます。")],
    ),
    "myths": (
        ("Two common claims to correct", "よく見かける誤った説明"),
        [("“ELU gives sparse activations like ReLU”: no. ELU outputs α(eˣ − 1) < 0 for every "
          "x < 0, so only x = 0 gives exactly 0; ReLU outputs 0 for half of N(0, 1) inputs.",
          "「ELU は ReLU と同じくスパースな活性化になる」:誤りです。ELU は x < 0 でつねに "
          "α(eˣ − 1) < 0 を出力し、ちょうど0になるのは x = 0 だけです。ReLU は N(0, 1) の入力の半分で"
          "0 を出力します。"),
         ("“Leaky ReLU fixes the vanishing gradient”: not in sigmoid-like stacks. It fixes the "
          "Dying ReLU problem (f′ = 0 for x < 0); its negative side still multiplies the gradient "
          "by α = 0.01 per layer.",
          "「Leaky ReLU で勾配消失が解決する」:シグモイドのような関数を重ねた場合には当てはまりません。"
          "Leaky ReLU が解決するのは Dying ReLU問題(x < 0 で f′ = 0)で、負側では層ごとに勾配に "
          "α = 0.01 が掛かります。")],
    ),
}


def _lines(pairs) -> dict[str, str]:
    return {"en": "\n".join(en for en, _ in pairs), "ja": "\n".join(ja for _, ja in pairs)}


STRINGS: dict[str, dict[str, str]] = {}
for _topic, ((_en, _ja), _body) in _GUIDES.items():
    STRINGS[f"guide.{_topic}.title"] = {"en": _en, "ja": _ja}
    STRINGS[f"guide.{_topic}.body"] = _lines(_body)
