"""Strings of the gradient-flow page."""

STRINGS: dict[str, dict[str, str]] = {
    "flow.title": {"en": "Gradient flow through a deep stack", "ja": "深いネットワークを流れる勾配"},
    "flow.intro": {
        "en": "A stack of fully connected layers h ← f(W h + b). The gradient of the loss starts at "
              "the output and travels back layer by layer; each layer multiplies it by Wᵀ and f′(z). "
              "Press Play to watch it arrive at the first layer, or fade away on the way.",
        "ja": "全結合層 h ← f(W h + b) を積み重ねたネットワークです。損失の勾配は出力側から入力側へ"
              "1層ずつ逆向きに伝わり、各層で Wᵀ と f′(z) が掛けられます。再生ボタンで、勾配が最初の層まで"
              "届く様子、または途中で消えていく様子を見てみましょう。"},
    "flow.presets": {"en": "Presets", "ja": "プリセット"},
    "preset.sigmoid_xavier": {"en": "Sigmoid + Xavier (vanishing)", "ja": "シグモイド + Xavier(勾配消失)"},
    "preset.relu_he": {"en": "ReLU + He (stable)", "ja": "ReLU + He(安定)"},
    "preset.relu_unit": {"en": "ReLU, σw² = 1 (vanishing)", "ja": "ReLU, σw² = 1(勾配消失)"},
    "preset.tanh_gain2": {"en": "Tanh, gain 2 (exploding)", "ja": "tanh, ゲイン 2(勾配爆発)"},
    "preset.selu_lecun": {"en": "SELU + LeCun (self-normalising)", "ja": "SELU + LeCun(自己正規化)"},
    "preset.sigmoid_residual": {"en": "Sigmoid + residual (the fix)", "ja": "シグモイド + 残差接続(解決策)"},
    "flow.network": {"en": "Network", "ja": "ネットワーク"},
    "flow.depth": {"en": "Depth", "ja": "層の数(深さ)"},
    "flow.width": {"en": "Width", "ja": "幅(ユニット数)"},
    "flow.activation": {"en": "Activation", "ja": "活性化関数"},
    "flow.init": {"en": "Weight initialisation", "ja": "重みの初期化"},
    "flow.live_beyond": {"en": "Live up to depth {depth} for this width and batch; deeper stacks are drawn when you let go.",
                         "ja": "この幅とバッチでは深さ {depth} まで動かしながら描きます。それより深い層は手を離すと描きます。"},
    "flow.live_off": {"en": "This stack is too large to precompute: the chart is drawn when you let go.",
                      "ja": "この大きさは事前に計算できないため、手を離したときにグラフを描きます。"},
    "flow.live_view": {"en": "This view is drawn when you let go (the backward view follows the slider live).",
                       "ja": "この表示は手を離したときに描きます(逆伝播の表示はスライダーに合わせて動きます)。"},
    "flow.live_busy": {"en": "The server is busy with the class's stacks: for now the chart is drawn when you let go.",
                       "ja": "サーバーがクラスの計算で混み合っているため、今は手を離したときにグラフを描きます。"},
    "flow.gain": {"en": "Gain (multiplies the weights' std)", "ja": "ゲイン(重みの標準偏差に掛ける)"},
    "flow.bias": {"en": "Bias std", "ja": "バイアスの標準偏差"},
    "flow.batch": {"en": "Batch size", "ja": "バッチサイズ"},
    "flow.seed": {"en": "Random seed", "ja": "乱数シード"},
    "flow.residual": {"en": "Residual connections", "ja": "残差接続"},
    "flow.norm": {"en": "Normalisation", "ja": "正規化"},
    "norm.none": {"en": "None", "ja": "なし"},
    "norm.layernorm": {"en": "Layer norm (each example, over its units)",
                       "ja": "レイヤー正規化(サンプルごとに、ユニット全体で)"},
    "norm.batchnorm": {"en": "Batch norm (each unit, over the batch)",
                       "ja": "バッチ正規化(ユニットごとに、バッチ全体で)"},
    "flow.batchnorm_note": {
        "en": "Batch norm rescales every unit to mean 0 and variance 1 over the batch, so the "
              "signal keeps its size whatever the gain, and a sigmoid stack no longer loses its "
              "gradient. At initialisation the batch statistics couple the examples, and the "
              "gradient instead grows slowly towards the input (Yang et al., 2019).",
        "ja": "バッチ正規化は各ユニットをバッチ全体で平均0・分散1にそろえます。そのためゲインに関係なく"
              "信号の大きさが保たれ、シグモイドを積み重ねても勾配が消えなくなります。ただし初期化の時点では"
              "バッチ統計量がサンプル同士を結びつけるため、勾配は入力側に向かって少しずつ大きくなります"
              "(Yang ら、2019年)。"},
    "init.xavier": {"en": "Xavier / Glorot (var 2/(fan_in+fan_out))",
                    "ja": "Xavier / Glorot(分散 2/(fan_in+fan_out))"},
    "init.he": {"en": "He / Kaiming (var 2/fan_in)", "ja": "He / Kaiming(分散 2/fan_in)"},
    "init.lecun": {"en": "LeCun (var 1/fan_in)", "ja": "LeCun(分散 1/fan_in)"},
    "init.orthogonal": {"en": "Orthogonal", "ja": "直交初期化"},
    "flow.sigma_w": {"en": "σw² = {value}: the weight variance times the fan-in.",
                     "ja": "σw² = {value}(重みの分散 × 入力数)"},
    "flow.animation": {"en": "Backward pass, layer by layer", "ja": "逆伝播を1層ずつ"},
    "flow.layer": {"en": "Layer (1 = nearest the input)", "ja": "層(1 = 入力側)"},
    "flow.log_grad": {"en": "log₁₀ gradient magnitude", "ja": "勾配の大きさ(log₁₀)"},
    "flow.measured": {"en": "measured ‖∂L/∂z‖", "ja": "測定値 ‖∂L/∂z‖"},
    "flow.theory": {"en": "mean-field theory", "ja": "平均場理論"},
    "flow.theory_none": {
        "en": "Mean-field theory line not drawn: its Gaussian closure is known to fail here. Without "
              "a norm, residual branches whose output has a mean (ReLU, sigmoid…) pile it up in the "
              "stream; with batch norm and no residual connections, the batch statistics couple the "
              "examples and the gradient grows faster than the closure predicts; and a typed formula "
              "that grows faster or slower than a straight line (x**2, x**3…) can take the "
              "variance out of float32's range, where the theory has no asymptote to follow.",
        "ja": "平均場理論の線は表示していません。この設定ではガウス近似が成り立たないことが分かっています。"
              "正規化なしの残差接続では、出力に平均を持つ枝(ReLU、シグモイドなど)がその平均を積み上げます。"
              "残差接続のないバッチ正規化では、バッチ統計量がサンプル同士を結びつけ、勾配が近似の予測より"
              "速く大きくなります。直線より速く(または遅く)変化する入力式(x**2、x**3 など)では、"
              "分散が float32 の範囲を外れ、理論がたどれる漸近形がありません。"},
    "flow.play": {"en": "▶ Play", "ja": "▶ 再生"},
    "flow.pause": {"en": "❚❚ Pause", "ja": "❚❚ 一時停止"},
    "flow.step": {"en": "Step: ", "ja": "ステップ: "},
    "flow.reached": {"en": "reached layer ", "ja": "到達した層 "},
    "verdict.vanishing": {
        "en": "The gradient at layer 1 is 10^{exponent} of the one at layer {depth}: vanishing.",
        "ja": "第1層の勾配は第{depth}層の 10^{exponent} 倍です:勾配消失。"},
    "verdict.exploding": {
        "en": "The gradient at layer 1 is 10^{exponent} of the one at layer {depth}: exploding.",
        "ja": "第1層の勾配は第{depth}層の 10^{exponent} 倍です:勾配爆発。"},
    "verdict.stable": {
        "en": "The gradient at layer 1 is 10^{exponent} of the one at layer {depth}: stable.",
        "ja": "第1層の勾配は第{depth}層の 10^{exponent} 倍です:安定。"},
    "verdict.chi": {
        "en": "Theory: each layer multiplies the squared gradient by χ₁ = {chi}.",
        "ja": "理論:各層で勾配の2乗が χ₁ = {chi} 倍になります。"},
    "flow.forward": {"en": "Forward pass: where the pre-activations sit",
                     "ja": "順伝播:活性化関数への入力 z の分布"},
    "flow.forward_layer": {"en": "Layer to inspect", "ja": "表示する層"},
    "flow.histogram": {"en": "pre-activations z of layer {layer}", "ja": "第{layer}層の活性化関数への入力 z"},
    "flow.derivative": {"en": "f′(z)", "ja": "f′(z)"},
    "flow.stats_layer": {"en": "Layer", "ja": "層"},
    "flow.saturated": {"en": "saturated units (|f′| < 0.01)", "ja": "飽和したユニット(|f′| < 0.01)"},
    "flow.dead": {"en": "dead units (f′ = 0)", "ja": "死んだユニット(f′ = 0)"},
    "flow.act_std": {"en": "activation std", "ja": "活性の標準偏差"},
    "flow.training": {"en": "Training: gradient magnitudes while the stack learns a toy task",
                      "ja": "学習中の勾配の大きさ(簡単な課題で学習)"},
    "flow.training_help": {
        "en": "Each column is a training step, each row a layer; colour is log₁₀ of the gradient.",
        "ja": "列が学習ステップ、行が層、色が勾配の大きさ(log₁₀)です。"},
    "flow.steps": {"en": "Training steps", "ja": "学習ステップ数"},
    "flow.learning_rate": {"en": "Learning rate", "ja": "学習率"},
    "flow.run_training": {"en": "Train", "ja": "学習する"},
    "flow.step_axis": {"en": "training step", "ja": "学習ステップ"},
    "flow.diverged": {"en": "Diverged at step {step}: the loss or a gradient became NaN or infinite.",
                      "ja": "ステップ {step} で発散しました:損失または勾配が NaN か無限大になりました。"},
    "flow.converged": {"en": "Trained {steps} steps without diverging.",
                       "ja": "{steps} ステップ、発散せずに学習しました。"},
    "flow.view": {"en": "View", "ja": "表示"},
    "flow.view.backward": {"en": "Backward pass", "ja": "逆伝播"},
    "flow.view.forward": {"en": "Forward pass", "ja": "順伝播"},
    "flow.view.training": {"en": "Training", "ja": "学習"},
    "flow.slow": {"en": "Computing a large stack ({work} multiply-adds)…",
                  "ja": "大きなネットワークを計算しています({work} 回の積和)…"},
    "flow.too_big": {
        "en": "A {depth}-layer stack of width {width} with batch {batch} is more than this shared "
              "server computes quickly; showing the first {allowed} layers. Lower the width or batch "
              "to go deeper.",
        "ja": "幅 {width}、バッチ {batch} で {depth} 層は、この共有サーバーではすぐに計算できません。"
              "最初の {allowed} 層を表示します。より深くするには幅かバッチを小さくしてください。"},
    "flow.train_too_big": {
        "en": "Training {steps} steps of this stack is more than this shared server computes quickly. "
              "Lower the depth, width, batch or steps to train.",
        "ja": "このネットワークを {steps} ステップ学習するのは、この共有サーバーでは時間がかかりすぎます。"
              "深さ・幅・バッチ・ステップ数のいずれかを減らしてください。"},
    "verdict.overflow": {
        "en": "The forward signal overflowed float32 on its way up (first at layer {layer}): "
              "exploding activations. Layers from there on cannot be measured.",
        "ja": "順伝播の信号が float32 の範囲を超えました(第{layer}層から):活性の爆発です。"
              "その層から先は測定できません。"},
    "verdict.zero": {
        "en": "The gradient is exactly 0 at layer {layer} and below: f′ = 0 for every unit there, "
              "so nothing flows back. Vanishing, completely.",
        "ja": "第{layer}層から下では勾配がちょうど 0 です:すべてのユニットで f′ = 0 なので、"
              "何も逆伝播しません。完全な勾配消失です。"},
    "verdict.underflow": {
        "en": "The forward signal shrank below float32's smallest numbers on its way up (it reads 0 "
              "from layer {layer}): vanishing activations. Where it is exactly 0, f′(0) = 0 and "
              "float32 carries no gradient back, so the measured gradient is 0. The mean-field line, "
              "where drawn, shows the gradient exact arithmetic would give.",
        "ja": "順伝播の信号が上の層へ進むうちに float32 で表せる最小の数より小さくなりました"
              "(第{layer}層から 0 と表示):活性の消失です。信号がちょうど 0 の所では f′(0) = 0 となり、"
              "float32 では勾配が逆伝播しないため、測定された勾配は 0 です。"
              "平均場理論の線(表示される場合)は、正確な計算なら得られる勾配を示します。"},
}
