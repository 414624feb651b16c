"""Per-activation text: display title, and the explanation card
(purpose, pros, cons) for each registry entry. Keys: act.<name>.<part>."""

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

STRINGS: dict[str, dict[str, str]] = {
    f"act.{name}.title": {"en": en, "ja": ja} for name, (en, ja) in _TITLES.items()
}
