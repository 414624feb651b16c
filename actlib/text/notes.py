"""Per-activation notes beside the card: where major libraries disagree
(act.<name>.libraries) and what autodiff reports for f′ at a kink
(act.<name>.kink). Plain text, no placeholders; (en, ja) pairs.
"""

from actlib.text.activations import GELU_GAP

# Only where major libraries disagree on defaults, formulas or names.
_LIBRARIES = {
    "gelu": (
        "PyTorch nn.GELU is exact (erf) by default; approximate='tanh' is optional. jax.nn.gelu "
        "defaults to the tanh form (approximate=True). Keras activations.gelu is exact by default "
        f"(keras.ops.gelu: tanh). The two forms differ by at most {GELU_GAP}, near x ≈ ±2.7.",
        "PyTorch の nn.GELU は既定で厳密形(erf)で、approximate='tanh' を指定すると近似形になります。"
        "jax.nn.gelu は既定で tanh 近似(approximate=True)、Keras の activations.gelu は既定で厳密形です"
        f"(keras.ops.gelu は tanh 近似)。両者の差は最大 {GELU_GAP}(x ≈ ±2.7 付近)です。"),
    "gelu_tanh": (
        "The default of jax.nn.gelu (approximate=True) and keras.ops.gelu. PyTorch needs "
        "nn.GELU(approximate='tanh'); Keras activations.gelu needs approximate=True. "
        f"It differs from exact GELU by at most {GELU_GAP}, near x ≈ ±2.7.",
        "jax.nn.gelu(approximate=True)と keras.ops.gelu の既定値です。PyTorch では "
        "nn.GELU(approximate='tanh')、Keras の activations.gelu では approximate=True の指定が必要です。"
        f"厳密な GELU との差は最大 {GELU_GAP}(x ≈ ±2.7 付近)です。"),
    "leaky_relu": (
        "Default negative slope: 0.01 in PyTorch nn.LeakyReLU and jax.nn.leaky_relu; 0.2 in "
        "keras.activations.leaky_relu; 0.3 in keras.layers.LeakyReLU (named alpha in older Keras). "
        "Same name, different curves.",
        "負側の傾きの既定値は、PyTorch の nn.LeakyReLU と jax.nn.leaky_relu では 0.01、"
        "keras.activations.leaky_relu では 0.2、keras.layers.LeakyReLU では 0.3(古い Keras では"
        "引数名 alpha)です。同じ名前でも曲線が異なります。"),
    "prelu": (
        "PyTorch nn.PReLU starts α at 0.25 and learns it (one shared α by default, or one per "
        "channel); Keras layers.PReLU starts α at 0, i.e. plain ReLU. The default slope of "
        "leaky_relu (0.01) is a different thing.",
        "PyTorch の nn.PReLU は α = 0.25 から学習を始めます(既定では全チャネル共通の α が1つ、"
        "チャネルごとにも指定可能)。Keras の layers.PReLU は α = 0(ただの ReLU)から始めます。"
        "leaky_relu の既定の傾き 0.01 とは別物です。"),
    "softplus": (
        "PyTorch nn.Softplus(beta, threshold=20) returns x itself once βx > 20 (an error below "
        "2.1 × 10⁻⁹/β); this page uses the exact formula everywhere. jax.nn.softplus and Keras "
        "softplus have no β (β = 1).",
        "PyTorch の nn.Softplus(beta, threshold=20) は βx > 20 で x そのものを返します"
        "(誤差は 2.1 × 10⁻⁹/β 未満)。このページではどこでも厳密な式で計算しています。"
        "jax.nn.softplus と Keras の softplus には β がありません(β = 1)。"),
    "selu": (
        "PyTorch nn.SELU, jax.nn.selu and Keras selu hard-code α ≈ 1.6733 and λ ≈ 1.0507; here "
        "they are sliders so you can see what changing them does.",
        "PyTorch の nn.SELU、jax.nn.selu、Keras の selu では α ≈ 1.6733 と λ ≈ 1.0507 が固定です。"
        "ここではスライダーにしてあり、値を変えたときの様子を確かめられます。"),
    "hard_sigmoid": (
        "PyTorch nn.Hardsigmoid, jax.nn.hard_sigmoid and Keras 3 use relu6(x + 3)/6 (slope 1/6, "
        "flat beyond ±3). Older Keras (tf.keras 2.x) used clip(0.2x + 0.5, 0, 1): slope 0.2, flat "
        "beyond ±2.5.",
        "PyTorch の nn.Hardsigmoid、jax.nn.hard_sigmoid、Keras 3 は relu6(x + 3)/6(傾き 1/6、"
        "±3 の外側で平ら)です。古い Keras(tf.keras 2.x)は clip(0.2x + 0.5, 0, 1) で、傾き 0.2、"
        "±2.5 の外側で平らになります。"),
    "silu": (
        "Same function, different names: PyTorch nn.SiLU; TensorFlow tf.nn.silu (alias tf.nn.swish); "
        "Keras silu (alias swish); JAX jax.nn.silu = jax.nn.swish. All are swish with β = 1.",
        "同じ関数でも名前が異なります。PyTorch は nn.SiLU、TensorFlow は tf.nn.silu(別名 tf.nn.swish)、"
        "Keras は silu(別名 swish)、JAX は jax.nn.silu と jax.nn.swish(同一)です。いずれも β = 1 の "
        "Swish です。"),
    "swish": (
        "Libraries mostly fix β = 1 and call it SiLU or swish: PyTorch nn.SiLU, Keras silu/swish, "
        "jax.nn.swish. Only tf.nn.silu takes a beta argument; a learned β needs your own code.",
        "多くのライブラリは β = 1 に固定し、SiLU または swish と呼んでいます(PyTorch の nn.SiLU、"
        "Keras の silu/swish、jax.nn.swish)。beta 引数を持つのは tf.nn.silu だけで、β を学習させるには"
        "自分で実装する必要があります。"),
    "softmax": (
        "torch.softmax(x, dim) and jax.nn.softmax(x, axis) act on a whole vector of logits; this "
        "page plots one component. The softmax of a single logit is the constant 1; what some "
        "explorers draw as a one-input \"softmax\" is the sigmoid, the softmax of the two logits "
        "(x, 0) (here: K = 2, c = 0).",
        "torch.softmax(x, dim) や jax.nn.softmax(x, axis) はロジットのベクトル全体に作用します。"
        "このページはその1成分を描いています。ロジットが1つだけのソフトマックスは定数1です。"
        "一部の可視化ツールが入力1つの「ソフトマックス」として描くものは、2つのロジット (x, 0) の"
        "ソフトマックス、つまりシグモイドです(ここでは K = 2, c = 0 に相当)。"),
}


# What autodiff reports at the kinks (tests check each against actlib.derivative).
_KINKS = {
    "step": ("H(0) = 1; autodiff reports H′(0) = 0 (the jump has no derivative)",
             "H(0) = 1 とし、自動微分は H′(0) = 0 を返します(跳びの点に導関数はありません)。"),
    "relu": ("relu′(0) = 0: JAX's convention, since relu has no derivative at 0",
             "relu′(0) = 0 です。x = 0 では微分できないため、JAX はこの値を使う約束になっています。"),
    "leaky_relu": ("f′(0) = 1, the slope of the x ≥ 0 piece", "f′(0) = 1 で、x ≥ 0 側の傾きになります。"),
    "prelu": ("f′(0) = 1, the slope of the x ≥ 0 piece", "f′(0) = 1 で、x ≥ 0 側の傾きになります。"),
    "elu": ("f′(0) = α, the slope of the x ≤ 0 piece", "f′(0) = α で、x ≤ 0 側の傾きになります。"),
    "selu": ("f′(0) = λα, the slope of the x ≤ 0 piece", "f′(0) = λα で、x ≤ 0 側の傾きになります。"),
    "celu": ("f′(0) = 1 for every α: both pieces have slope 1 there",
             "どの α でも f′(0) = 1 です。両側の傾きが x = 0 で一致します。"),
    "relu6": ("f′(0) = f′(6) = 0 (JAX's convention at both corners)",
              "f′(0) = f′(6) = 0 です(2つの折れ点とも JAX の約束事)。"),
    "maxout": ("ties go to the second piece: with the defaults, f′(0) = 0, as for ReLU",
               "2つの一次関数が等しい点では2つ目が選ばれるため、既定値では ReLU と同じく f′(0) = 0 です。"),
    "hard_sigmoid": ("f′(−3) = f′(3) = 0: both corners count as flat",
                     "f′(−3) = f′(3) = 0 です。両方の折れ点を平らな側として扱います。"),
    "hard_swish": ("f′(−3) = 0 and f′(3) = 1: each corner takes the outer piece's slope",
                   "f′(−3) = 0、f′(3) = 1 です。どちらの折れ点でも外側の傾きになります。"),
}


STRINGS: dict[str, dict[str, str]] = {
    f"act.{name}.{part}": {"en": en, "ja": ja}
    for part, table in (("libraries", _LIBRARIES), ("kink", _KINKS)) for name, (en, ja) in table.items()
}
