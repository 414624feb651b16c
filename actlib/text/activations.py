"""Per-activation text: display title, and the explanation card for each
registry entry. Keys: act.<name>.<part>, parts title, purpose, pros, cons,
libraries (only where major libraries disagree) and kink (what autodiff reports
for f′ where the pieces meet, only where f has a kink).

pros and cons are bullet lines: one (en, ja) pair per point, joined with
"\\n" so the page renders one line per point (no bullet characters here).
Card strings are plain text, no format placeholders, so no braces.
"""

_TITLES = {
    "identity": ("Identity (linear)", "恒等関数(線形)"),
    "step": ("Step (Heaviside)", "ステップ関数(ヘヴィサイド)"),
    "sigmoid": ("Sigmoid", "シグモイド"),
    "tanh": ("Tanh", "tanh(双曲線正接)"),
    "relu": ("ReLU", "ReLU"),
    "leaky_relu": ("Leaky ReLU", "Leaky ReLU"),
    "prelu": ("PReLU", "PReLU"),
    "elu": ("ELU", "ELU"),
    "selu": ("SELU", "SELU"),
    "celu": ("CELU", "CELU"),
    "relu6": ("ReLU6", "ReLU6"),
    "maxout": ("Maxout (2 pieces)", "Maxout(2つの一次関数)"),
    "gelu": ("GELU (exact, erf)", "GELU(厳密形、erf)"),
    "gelu_tanh": ("GELU (tanh approximation)", "GELU(tanh近似)"),
    "silu": ("SiLU", "SiLU"),
    "swish": ("Swish", "Swish"),
    "mish": ("Mish", "Mish"),
    "softplus": ("Softplus", "ソフトプラス"),
    "softsign": ("Softsign", "ソフトサイン"),
    "hard_sigmoid": ("Hard sigmoid", "ハードシグモイド"),
    "hard_swish": ("Hard swish", "ハードスウィッシュ"),
    "log_sigmoid": ("Log-sigmoid", "対数シグモイド"),
    "softmax": ("Softmax (one class)", "ソフトマックス(1クラスの確率)"),
}

# Largest |GELU_exact - GELU_tanh| over the reals, measured in float64 with
# scipy.special.erf: 4.732e-4 at x = ±2.699 (second bump 2.34e-4 at ±1.364).
GELU_GAP = "4.7 × 10⁻⁴"

_CARDS = {
    # ---- classic -------------------------------------------------------------
    "identity": dict(
        purpose=("Passes the input through unchanged. Used in the output layer for regression "
                 "and in skip (residual) connections.",
                 "入力をそのまま出力します。回帰問題の出力層や、残差接続(スキップ接続)で使われます。"),
        pros=[("No saturation: the gradient is always 1", "飽和せず、勾配は常に1です。"),
              ("Costs nothing to compute", "計算コストがかかりません。"),
              ("Output covers all real numbers, as regression needs",
               "出力が実数全体をとるため、回帰の出力に向いています。")],
        cons=[("No nonlinearity: any stack of linear layers collapses into one linear map",
               "非線形性がないため、何層重ねても1つの線形変換にまとまってしまいます。"),
              ("In hidden layers it cannot learn curved boundaries such as XOR",
               "隠れ層に使うと、XOR のような非線形な境界を学習できません。")],
    ),
    "step": dict(
        purpose=("The on/off threshold unit of the original perceptron (Rosenblatt, 1958); "
                 "today it is shown mainly for history and contrast.",
                 "初期のパーセプトロン(ローゼンブラット、1958年)で使われた、オンとオフを切り替える"
                 "しきい値関数です。現在は主に歴史的な比較のために紹介されます。"),
        pros=[("Clear yes/no decision: the output is exactly 0 or 1",
               "出力が0か1のどちらかで、判定が明確です。"),
              ("Trivially cheap, easy to build in hardware",
               "計算がきわめて簡単で、ハードウェアでも実現しやすいです。")],
        cons=[("Derivative is 0 almost everywhere (undefined at 0): gradient descent gets no "
               "signal and cannot learn",
               "導関数がほぼ至るところで0(x = 0 では定義されない)のため、勾配降下法では学習できません。"),
              ("Jumps abruptly; cannot express how confident a decision is",
               "出力が急に切り替わり、確信度のような中間の情報を表せません。")],
    ),
    "sigmoid": dict(
        purpose=("Squashes any input into (0, 1), so the output reads as a probability: the output "
                 "layer of binary and multi-label classifiers, and the gates of LSTM and GRU.",
                 "任意の入力を0から1の間に押し込むため、出力を確率として解釈できます。二値分類や"
                 "マルチラベル分類の出力層、LSTM・GRU のゲートで使われます。"),
        pros=[("Output in (0, 1) can be read as a probability",
               "出力(0〜1)を確率として解釈できます。"),
              ("Smooth and monotonic, with a simple derivative σ(1 − σ)",
               "滑らかで単調増加し、導関数も σ(1 − σ) と簡単です。")],
        cons=[("Saturates for large |x|, so gradients vanish",
               "|x| が大きいと飽和し、勾配消失が起こります。"),
              ("σ′ ≤ 1/4: in a deep stack the gradient shrinks layer after layer",
               "σ′ ≤ 1/4 のため、深いネットワークでは層を重ねるごとに勾配が小さくなります。"),
              ("Not zero-centred (always positive), which slows learning",
               "出力が常に正でゼロ中心ではないため、学習が遅くなりがちです。")],
    ),
    "tanh": dict(
        purpose=("An S-curve with outputs in (−1, 1). Used for RNN and LSTM hidden states; it was "
                 "the usual hidden-layer choice before ReLU.",
                 "出力が −1 から 1 の間をとるS字型の関数です。RNN や LSTM の隠れ状態で使われ、"
                 "ReLU 以前は隠れ層の標準的な選択でした。"),
        pros=[("Zero-centred output, so it usually trains faster than sigmoid",
               "出力がゼロ中心なので、シグモイドより学習が速く進みやすいです。"),
              ("Steeper: tanh′(0) = 1, four times the sigmoid's largest slope",
               "傾きが大きく、tanh′(0) = 1 はシグモイドの最大の傾きの4倍です。"),
              ("Smooth; a rescaled sigmoid: tanh(x) = 2σ(2x) − 1",
               "滑らかで、tanh(x) = 2σ(2x) − 1 とシグモイドを変形した形です。")],
        cons=[("Still saturates for large |x|: vanishing gradients in deep networks",
               "|x| が大きいと飽和するため、深いネットワークでは勾配消失が起こります。"),
              ("Exponentials make it costlier than ReLU",
               "指数関数を使うため、ReLU より計算コストが高いです。")],
    ),
    # ---- ReLU family ---------------------------------------------------------
    "relu": dict(
        purpose=("max(0, x): the default for hidden layers of CNNs and MLPs since about 2012 (AlexNet).",
                 "max(0, x) で表され、2012年ごろ(AlexNet)から CNN や多層パーセプトロンの隠れ層の"
                 "標準になっている活性化関数です。"),
        pros=[("Very cheap: one comparison, no exponential",
               "比較1回だけで計算でき、指数関数も不要です。"),
              ("Gradient is exactly 1 for x > 0: no saturation, little vanishing gradient",
               "x > 0 では勾配がちょうど1で飽和せず、勾配消失が起きにくいです。"),
              ("Sparse activations: many units output exactly 0",
               "多くのユニットがちょうど0を出力する、スパースな活性化になります。")],
        cons=[("Dying ReLU: a unit whose input stays negative gets zero gradient and may never recover",
               "Dying ReLU問題:入力が負のままのユニットは勾配が0になり、二度と学習しなくなることがあります。"),
              ("Not zero-centred: for N(0, 1) input the mean output is 0.399; a kink at 0, where it "
               "is not differentiable",
               "ゼロ中心ではなく、N(0, 1) の入力に対する出力の平均は 0.399 です。また x = 0 で折れ曲がって"
               "いて微分できません。")],
    ),
    "leaky_relu": dict(
        purpose=("ReLU with a small slope α for negative inputs. This page starts at α = 0.01, as "
                 "PyTorch and JAX do; Keras uses 0.2 or 0.3, and GAN discriminators such as DCGAN's "
                 "use 0.2.",
                 "負の入力に小さな傾き α を持たせた ReLU です。このページの初期値は PyTorch や JAX と同じ "
                 "α = 0.01 ですが、Keras では 0.2 や 0.3 で、DCGAN などの GAN の識別器では 0.2 がよく"
                 "使われます。"),
        pros=[("Negative inputs keep gradient α, never exactly 0, so the Dying ReLU problem is avoided",
               "負の入力にも勾配 α が残って0にならないため、Dying ReLU問題を避けられます。"),
              ("As cheap as ReLU", "ReLU と同じくらい計算が軽いです。")],
        cons=[("Barely closer to zero-centred than ReLU: for N(0, 1) input the mean output is 0.395 "
               "(ReLU: 0.399)",
               "ゼロ中心にはほとんど近づきません。N(0, 1) の入力に対する出力の平均は 0.395 で、ReLU の "
               "0.399 とほぼ同じです。"),
              ("It does not cure vanishing gradients in sigmoid-like stacks: its negative side "
               "multiplies the gradient by α = 0.01, less than sigmoid's best 1/4",
               "シグモイドのような関数を重ねたネットワークの勾配消失は解決しません。負側では勾配に "
               "α = 0.01 が掛かり、シグモイドの最大の傾き 1/4 よりも小さいからです。"),
              ("α is one more hyperparameter, and gains over ReLU are often small",
               "α という選ぶべきハイパーパラメータが増え、ReLU からの改善も小さいことが多いです。")],
    ),
    "prelu": dict(
        purpose=("Leaky ReLU whose slope α is learned with the weights, often one α per channel "
                 "(He et al., 2015). The slider stands for the learned value.",
                 "負側の傾き α を重みと一緒に学習する Leaky ReLU です(He ら、2015年)。チャネルごとに"
                 "α を持たせることが多く、スライダーは学習後の値を表します。"),
        pros=[("The network picks its own negative slope: no hand tuning",
               "負側の傾きをネットワーク自身が決めるので、手で調整する必要がありません。"),
              ("Avoids the Dying ReLU problem while α > 0, for very few extra parameters",
               "α > 0 である限り、わずかなパラメータの追加で Dying ReLU問題を避けられます。")],
        cons=[("Can overfit on small data sets", "データが少ないと過学習しやすくなります。"),
              ("Weight decay pulls α toward 0 (plain ReLU), so α is usually excluded from it",
               "重み減衰をかけると α が0(ただの ReLU)に引き寄せられるため、通常は対象から外します。")],
    ),
    "elu": dict(
        purpose=("x for x > 0 and α(eˣ − 1) for x ≤ 0, levelling off smoothly at −α. Proposed "
                 "(Clevert et al., 2015) as a faster-learning alternative to ReLU.",
                 "x > 0 では x、x ≤ 0 では α(eˣ − 1) をとり、負側はなめらかに −α に近づきます。"
                 "ReLU より速く学習できる代替として提案されました(Clevert ら、2015年)。"),
        pros=[("Negative outputs pull the mean closer to zero than ReLU's: 0.161 for N(0, 1) input "
               "(ReLU: 0.399), which the original paper links to faster learning",
               "負の値を出力するため、N(0, 1) の入力に対する出力の平均は 0.161 と ReLU(0.399)より"
               "ゼロに近くなります。元の論文はこれが学習を速くすると説明しています。"),
              ("f′ = αeˣ > 0 for x < 0, so the Dying ReLU problem is less likely",
               "x < 0 でも f′ = αeˣ > 0 なので、Dying ReLU問題が起きにくくなります。"),
              ("A cheap derivative: for x ≤ 0, f′(x) = αeˣ = f(x) + α, reusing the forward value",
               "導関数の計算が軽く、x ≤ 0 では f′(x) = αeˣ = f(x) + α と順伝播の値をそのまま使えます。")],
        cons=[("It saturates at −α for very negative x: f′ is only 4.5 × 10⁻⁵ at x = −10, so a unit "
               "stuck there learns almost nothing",
               "大きな負の x では −α に飽和します。x = −10 での f′ は 4.5 × 10⁻⁵ しかなく、そこに"
               "とどまったユニットはほとんど学習しません。"),
              ("Not sparse: negative inputs give negative outputs, not exactly 0 as in ReLU (some "
               "articles say otherwise)",
               "スパースではありません。負の入力には ReLU のような0ではなく負の値を出力します"
               "(スパースだとする解説もありますが誤りです)。"),
              ("An exponential makes it slower than ReLU; unless α = 1 the slope jumps at 0 "
               "(α on the left, 1 on the right)",
               "指数関数が必要で ReLU より遅く、α = 1 以外では x = 0 で傾きが不連続になります"
               "(左側 α、右側 1)。")],
    ),
    "selu": dict(
        purpose=("ELU scaled by λ ≈ 1.0507 with α ≈ 1.6733. With LeCun-normal initialisation these "
                 "constants make a deep fully connected network self-normalising (Klambauer et al., 2017).",
                 "ELU を λ ≈ 1.0507 倍し、α ≈ 1.6733 としたものです。LeCun の正規分布による初期化と"
                 "組み合わせると、深い全結合ネットワークが自己正規化します(Klambauer ら、2017年)。"),
        pros=[("Self-normalising: activations keep mean ≈ 0 and variance ≈ 1 layer after layer, "
               "without batch normalisation",
               "自己正規化:層を重ねても平均 ≈ 0、分散 ≈ 1 が保たれ、バッチ正規化が不要になります。"),
              ("Makes very deep plain MLPs trainable",
               "非常に深い全結合ネットワークも学習できるようになります。")],
        cons=[("Works as designed only with LeCun-normal init and standardised inputs; with dropout, "
               "use alpha dropout, since plain dropout breaks the normalisation",
               "LeCun の正規分布による初期化と標準化した入力がそろって初めて設計どおりに働きます。"
               "ドロップアウトを使う場合は、通常のドロップアウトでは正規化が崩れるため alpha dropout を使います。"),
              ("Changing α or λ (try the sliders) breaks the self-normalising property",
               "α や λ を変えると(スライダーで試せます)、自己正規化の性質が崩れます。"),
              ("Designed for fully connected nets; rare in CNNs and Transformers",
               "全結合ネットワーク向けの設計で、CNN や Transformer ではあまり使われません。")],
    ),
    "celu": dict(
        purpose=("Continuously differentiable ELU (Barron, 2017): α(exp(x/α) − 1) for x ≤ 0, so "
                 "the slope at 0 is 1 for every α.",
                 "連続微分可能な ELU です(Barron、2017年)。x ≤ 0 で α(exp(x/α) − 1) とすることで、"
                 "どの α でも x = 0 での傾きが1になります。"),
        pros=[("Smooth: the derivative is continuous at 0 for any α",
               "どの α でも x = 0 で導関数が連続で、滑らかです。"),
              ("Keeps ELU's strengths: a mean closer to zero than ReLU's (0.161 at α = 1, where it "
               "equals ELU) and the Dying ReLU problem less likely",
               "ELU の長所をそのまま持ちます。平均は ReLU よりゼロに近く(ELU と一致する α = 1 で "
               "0.161)、Dying ReLU問題も起きにくいです。"),
              ("α sets the floor −α; as α → 0 it approaches ReLU",
               "α で負側の下限 −α を調整でき、α → 0 で ReLU に近づきます。")],
        cons=[("Exponential cost, like ELU", "ELU と同じく指数関数の計算コストがかかります。"),
              ("Rarely used in practice, so there are few reference results",
               "実際に使われることは少なく、参考になる実績があまりありません。")],
    ),
    "relu6": dict(
        purpose=("ReLU capped at 6, used in MobileNet v1/v2. The bounded range suits low-precision "
                 "(int8, fixed-point) inference on mobile devices.",
                 "上限を6で打ち切った ReLU で、MobileNet v1/v2 で使われています。出力範囲が限られるため、"
                 "モバイル端末での低精度(int8・固定小数点)推論に向いています。"),
        pros=[("Output stays in [0, 6], which keeps quantisation error small",
               "出力が [0, 6] に収まるので、量子化しても精度が落ちにくいです。"),
              ("As cheap as ReLU", "ReLU と同じくらい計算が軽いです。")],
        cons=[("Gradient is 0 below 0 and above 6: more regions where learning stops",
               "0 未満だけでなく 6 を超えても勾配が0になり、学習が止まる領域が増えます。"),
              ("The cap 6 is a convention, not derived from theory",
               "上限の6は慣習的な値で、理論的な根拠はありません。")],
    ),
    "maxout": dict(
        purpose=("The maximum of several learned linear functions (Goodfellow et al., 2013); here "
                 "max(w₁x + b₁, w₂x + b₂). The defaults give ReLU, w₂ = 0.01 gives leaky ReLU, "
                 "w₂ = −1 gives |x|.",
                 "学習する複数の一次関数のうち最大のものを出力します(Goodfellow ら、2013年)。ここでは "
                 "max(w₁x + b₁, w₂x + b₂) で、既定値では ReLU、w₂ = 0.01 で Leaky ReLU、w₂ = −1 で |x| "
                 "になります。"),
        pros=[("Learns its own piecewise-linear shape; ReLU, leaky ReLU and |x| are special cases",
               "区分線形な形そのものを学習し、ReLU・Leaky ReLU・|x| を特殊な場合として含みます。"),
              ("The winning piece passes its slope w as the gradient, so a unit dies only where that "
               "piece is flat; with the defaults (w₂ = 0) f′ = 0 for x < 0, as in ReLU",
               "勾配は最大となる一次関数の傾き w なので、ユニットが死ぬのはその傾きが0のときだけです。"
               "ただし既定値(w₂ = 0)では ReLU と同じく x < 0 で f′ = 0 になります。"),
              ("Designed to work well with dropout",
               "ドロップアウトと組み合わせるために提案され、相性が良いです。")],
        cons=[("k pieces cost k times the parameters and compute (2× here)",
               "k 個の一次関数を使うと、パラメータ数と計算量が k 倍になります(ここでは2倍)。"),
              ("Not smooth: kinks where the pieces cross",
               "一次関数が交わる点で折れ曲がり、滑らかではありません。")],
    ),
    # ---- smooth --------------------------------------------------------------
    "gelu": dict(
        purpose=("x·Φ(x): the input weighted by the probability that a standard normal value lies "
                 "below it. The standard choice in Transformers such as BERT, GPT and ViT.",
                 "x·Φ(x)、つまり入力を「標準正規分布に従う値がそれ以下になる確率」で重み付けした関数です。"
                 "BERT・GPT・ViT などの Transformer で標準的に使われています。"),
        pros=[("Smooth everywhere, with a small dip (minimum ≈ −0.17 at x ≈ −0.75)",
               "どこでも滑らかで、負側に小さなくぼみ(x ≈ −0.75 で最小値 ≈ −0.17)があります。"),
              ("Small negative inputs keep some gradient, so the Dying ReLU problem is less likely; "
               "for very negative x it still saturates at 0",
               "小さな負の入力にも勾配が残るため Dying ReLU問題は起きにくいですが、大きな負の x では"
               "0 に飽和します。"),
              ("Strong results in language and vision Transformers",
               "言語や画像の Transformer で良い性能が報告されています。")],
        cons=[("Costlier than ReLU (erf or tanh)",
               "erf や tanh を使うため、ReLU より計算コストが高いです。"),
              ("Exact and tanh forms coexist, so values differ slightly between libraries",
               "厳密形と tanh 近似の2種類があり、ライブラリによって値がわずかに異なります。")],
    ),
    "gelu_tanh": dict(
        purpose=("The tanh approximation of GELU from the original paper, for hardware where erf "
                 "is slow. Used in the original BERT and GPT-2 code.",
                 "GELU の論文で示された tanh による近似式で、erf の計算が遅い環境向けです。"
                 "オリジナルの BERT や GPT-2 のコードで使われています。"),
        pros=[(f"Never more than {GELU_GAP} from exact GELU (largest near x ≈ ±2.7)",
               f"厳密な GELU との差は最大でも {GELU_GAP} です(x ≈ ±2.7 付近)。"),
              ("Only tanh and a cubic: fast on most hardware",
               "tanh と3次式だけで計算でき、多くのハードウェアで高速です。"),
              ("Smooth, with the same shape as GELU", "GELU と同じ形で、滑らかです。")],
        cons=[("An approximation: a model trained with one form gives slightly different outputs "
               "when run with the other (exact-GELU weights run with the tanh form, or the reverse)",
               "近似なので、一方の形で学習したモデルをもう一方で動かすと、出力がわずかに変わります"
               "(厳密形で学習した重みを tanh 近似で使う場合も、その逆も同じです)。"),
              ("Still costlier than ReLU", "ReLU よりは計算コストが高いです。")],
    ),
    "silu": dict(
        purpose=("x·σ(x), the sigmoid-weighted linear unit: swish with β = 1. Used in EfficientNet, "
                 "YOLOv5 and later, and inside the SwiGLU blocks of LLaMA-style language models.",
                 "x·σ(x) で表され、β = 1 の Swish と同じ関数です。EfficientNet、YOLOv5 以降、"
                 "LLaMA 系の言語モデルの SwiGLU ブロックなどで使われています。"),
        pros=[("Smooth and non-monotonic (minimum ≈ −0.28 at x ≈ −1.28)",
               "滑らかで単調ではなく、x ≈ −1.28 で最小値 ≈ −0.28 をとります。"),
              ("Like ReLU for large |x|, but small negative inputs keep gradient",
               "|x| が大きいところでは ReLU に近く、小さな負の入力にも勾配が残ります。"),
              ("Often beats ReLU in deep image models",
               "深い画像認識モデルで ReLU を上回ることが多いと報告されています。")],
        cons=[("The sigmoid makes it costlier than ReLU",
               "シグモイドを含むため、ReLU より計算コストが高いです。"),
              ("Several names (SiLU, swish, swish-1) for one function cause confusion",
               "SiLU・Swish・Swish-1 と呼び名が複数あり、混乱しやすいです。")],
    ),
    "swish": dict(
        purpose=("x·σ(βx), found by automated search (Ramachandran et al., 2017). β = 1 gives SiLU, "
                 "large β approaches ReLU, β = 0 gives the straight line x/2.",
                 "x·σ(βx) で表され、自動探索で見つかった活性化関数です(Ramachandran ら、2017年)。"
                 "β = 1 で SiLU、β を大きくすると ReLU に近づき、β = 0 では直線 x/2 になります。"),
        pros=[("β slides between a linear function and ReLU, and can be learned",
               "β によって線形関数と ReLU の間を連続的に変えられ、β を学習させることもできます。"),
              ("Smooth and non-monotonic, like SiLU", "SiLU と同じく滑らかで、単調ではありません。")],
        cons=[("Costlier than ReLU; a learned β adds parameters",
               "ReLU より計算コストが高く、β を学習させるとパラメータも増えます。"),
              ("Gains over ReLU vary from task to task",
               "ReLU に対する改善の度合いはタスクによって異なります。")],
    ),
    "mish": dict(
        purpose=("x·tanh(softplus(x)) (Misra, 2019), best known from the YOLOv4 backbone.",
                 "x·tanh(softplus(x)) で表され(Misra、2019年)、YOLOv4 のバックボーンで使われたことで"
                 "知られています。"),
        pros=[("Smooth, non-monotonic, bounded below (≈ −0.31), unbounded above",
               "滑らかで単調ではなく、下に有界(最小値 ≈ −0.31)、上には有界ではありません。"),
              ("Small negative inputs keep gradient, so the Dying ReLU problem is less likely; for "
               "very negative x it still saturates at 0",
               "小さな負の入力にも勾配が残るため Dying ReLU問題は起きにくいですが、大きな負の x では"
               "0 に飽和します。")],
        cons=[("Among the most expensive here: exp, log and tanh",
               "exp・log・tanh を組み合わせるため、ここで扱う中でも特に計算コストが高い関数です。"),
              ("Gains over SiLU/swish are small and task-dependent",
               "SiLU や Swish に対する改善は小さく、タスクによって異なります。")],
    ),
    "softplus": dict(
        purpose=("(1/β)·log(1 + e^(βx)), a smooth ReLU. Mostly used to make an output strictly "
                 "positive, such as a variance or a scale.",
                 "(1/β)·log(1 + e^(βx)) で表される、ReLU を滑らかにした関数です。主に分散やスケールなど、"
                 "正でなければならない出力に使われます。"),
        pros=[("Smooth everywhere; its derivative is the sigmoid σ(βx)",
               "どこでも滑らかで、導関数はシグモイド σ(βx) です。"),
              ("Output is always positive", "出力が常に正になります。"),
              ("β sets the sharpness: large β approaches ReLU",
               "β で曲がり具合を調整でき、β を大きくすると ReLU に近づきます。")],
        cons=[("Never exactly 0: no sparse activations",
               "出力がちょうど0にならないため、スパースな活性化になりません。"),
              ("exp and log make it costlier than ReLU; gradient vanishes for very negative x",
               "exp と log が必要で ReLU より重く、大きな負の入力では勾配が消えます。")],
    ),
    "softsign": dict(
        purpose=("x / (1 + |x|): a tanh-like S-curve with outputs in (−1, 1), built without exponentials.",
                 "x / (1 + |x|) で表される、tanh に似たS字型の関数です。出力は −1 から 1 の間で、"
                 "指数関数を使わずに計算できます。"),
        pros=[("Zero-centred, like tanh", "tanh と同じくゼロ中心です。"),
              ("Approaches ±1 only polynomially: saturates more gently than tanh",
               "±1 への近づき方が多項式的で、tanh よりゆっくり飽和します。"),
              ("No exponential: cheap", "指数関数が不要で、計算が軽いです。")],
        cons=[("Still saturates: the gradient 1/(1 + |x|)² vanishes for large |x|",
               "それでも飽和し、|x| が大きいと勾配 1/(1 + |x|)² が消えていきます。"),
              ("Rarely used today, so there are few reference results",
               "現在はあまり使われず、参考になる実績が少ないです。")],
    ),
    # ---- hard (mobile) approximations ---------------------------------------
    "hard_sigmoid": dict(
        purpose=("relu6(x + 3)/6, a piecewise-linear stand-in for the sigmoid where exp is expensive, "
                 "e.g. the squeeze-and-excitation gates of MobileNetV3.",
                 "relu6(x + 3)/6 で表される、シグモイドの区分線形近似です。MobileNetV3 の SE"
                 "(Squeeze-and-Excitation)モジュールのゲートなど、指数関数が重い場面で使われます。"),
        pros=[("Only add, clip and multiply: very cheap",
               "加算・クリップ・乗算だけで計算でき、非常に軽いです。"),
              ("Quantisation-friendly; output still in [0, 1]",
               "量子化と相性が良く、出力も [0, 1] に収まります。")],
        cons=[("f′ = 0 outside (−3, 3): flat parts that pass no gradient, a dead region like "
               "ReLU's negative half",
               "(−3, 3) の外では f′ = 0 で、勾配がまったく流れない平らな部分(ReLU の負側と同じ"
               "死んだ領域)になります。"),
              ("Kinks at ±3; only a rough copy of the sigmoid",
               "±3 で折れ曲がり、シグモイドの近似としては粗いです。")],
    ),
    "hard_swish": dict(
        purpose=("x·relu6(x + 3)/6, the cheap swish approximation introduced with MobileNetV3 for "
                 "mobile CPUs.",
                 "x·relu6(x + 3)/6 で表される Swish の軽量な近似で、モバイル CPU 向けに MobileNetV3 で"
                 "導入されました。"),
        pros=[("Close to swish in shape and accuracy, without exp",
               "指数関数を使わずに、Swish に近い形と精度が得られます。"),
              ("Quantisation-friendly: exactly x for x ≥ 3 and 0 for x ≤ −3",
               "量子化と相性が良く、x ≥ 3 ではちょうど x、x ≤ −3 では0になります。")],
        cons=[("Not smooth: the derivative jumps at x = ±3",
               "滑らかではなく、x = ±3 で導関数が不連続になります。"),
              ("Gradient is 0 for x ≤ −3: a small dead region",
               "x ≤ −3 では勾配が0になり、学習が止まる領域が少しあります。")],
    ),
    # ---- output layers -------------------------------------------------------
    "log_sigmoid": dict(
        purpose=("log σ(x) = −softplus(−x), the log-probability of the positive class. Used inside "
                 "log-likelihood losses (binary cross-entropy) because it stays accurate where "
                 "log(σ(x)) would underflow.",
                 "log σ(x) = −softplus(−x) で、正例クラスの対数確率を表します。log(σ(x)) を順に計算すると"
                 "アンダーフローする範囲でも正確なため、二値交差エントロピーなど対数尤度の損失関数の中で"
                 "使われます。"),
        pros=[("Numerically stable: no log(0) = −∞ for very negative x",
               "数値的に安定で、大きな負の x でも log(0) = −∞ になりません。"),
              ("Gradient 1 − σ(x) tends to 1 for very negative x, so confident mistakes are "
               "corrected strongly",
               "勾配 1 − σ(x) は x が大きな負の値のとき1に近づくため、自信を持って間違えた予測ほど"
               "強く修正されます。")],
        cons=[("Output is always negative and unbounded below: not a hidden-layer activation",
               "出力は常に負で下限がないため、隠れ層の活性化関数には向きません。"),
              ("Flat for large positive x (gradient → 0)",
               "大きな正の x では勾配が0に近づき、平らになります。")],
    ),
    "softmax": dict(
        purpose=("Turns K logits into probabilities that sum to 1: the output layer of multi-class "
                 "classifiers, and Transformer attention. Shown here: one class's probability as its "
                 "logit x varies, the other K − 1 logits fixed at c (K = 2, c = 0 is exactly the sigmoid).",
                 "K 個のロジットを合計1の確率に変換し、多クラス分類の出力層や Transformer のアテンションで"
                 "使われます。ここでは他の K − 1 個のロジットを c に固定し、1クラスのロジット x に対する確率を"
                 "表示します(K = 2, c = 0 でシグモイドと一致します)。"),
        pros=[("Outputs form a probability distribution: a smooth, differentiable argmax",
               "出力が確率分布になり、argmax を滑らかで微分可能にしたものといえます。"),
              ("With cross-entropy the gradient is simply p − y",
               "交差エントロピーと組み合わせると、勾配が p − y という簡単な形になります。")],
        cons=[("Not elementwise: every output depends on all logits",
               "要素ごとの関数ではなく、各出力がすべてのロジットに依存します。"),
              ("Overflows unless the largest logit is subtracted first (libraries do this)",
               "最大のロジットを先に引かないとオーバーフローします(ライブラリでは対処済みです)。"),
              ("Easily overconfident: p reaches 0 or 1 for large logits. On its own p′ = p(1 − p) "
               "then vanishes, but with cross-entropy the gradient p − y stays large for a wrong answer",
               "ロジットが大きいと p が0や1に張りついて過信しやすくなります。p′ = p(1 − p) 自体は"
               "小さくなりますが、交差エントロピーと組み合わせた勾配 p − y は間違った予測では大きいままです。")],
    ),
}

def _entry(part) -> dict[str, str]:
    """An (en, ja) pair, or a list of them (bullet points, one per line)."""
    if isinstance(part, list):
        return {"en": "\n".join(en for en, _ in part), "ja": "\n".join(ja for _, ja in part)}
    en, ja = part
    return {"en": en, "ja": ja}


STRINGS: dict[str, dict[str, str]] = {
    f"act.{name}.title": {"en": en, "ja": ja} for name, (en, ja) in _TITLES.items()
}
STRINGS.update({
    f"act.{name}.{part}": _entry(text)
    for name, card in _CARDS.items() for part, text in card.items()
})
