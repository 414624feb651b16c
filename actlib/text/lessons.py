"""Strings of the lessons: the lesson bar, the /lessons page, the dead-unit chart,
and every lesson's steps (title, narrative, question, answer)."""


def _step(key: str, en: tuple[str, str, str, str], ja: tuple[str, str, str, str]) -> dict:
    parts = ("title", "narrative", "question", "answer")
    return {f"lesson.{key}.{part}": {"en": e, "ja": j} for part, e, j in zip(parts, en, ja)}


STRINGS: dict[str, dict[str, str]] = {
    "nav.lessons": {"en": "Lessons", "ja": "レッスン"},
    "lessons.title": {"en": "Lessons", "ja": "レッスン"},
    "lessons.intro": {
        "en": "Each lesson is a short story told in live views. A step puts a page in one state and "
              "says what to look at; ask the class the question, then reveal the answer. "
              "Every step's claim is checked against the numbers actlib computes for that view.",
        "ja": "各レッスンは、実際に動く画面でたどる短いストーリーです。ステップごとにページが決まった状態になり、"
              "どこを見ればよいかを示します。クラスに問いかけてから、答えを表示してください。"
              "各ステップの主張は、その画面で actlib が計算した数値で検証されています。"},
    "lessons.steps": {"en": "{count} steps", "ja": "{count} ステップ"},
    "lessons.start": {"en": "Start", "ja": "はじめる"},
    "lessons.open_step": {"en": "Step {number}: {title}", "ja": "ステップ {number}:{title}"},
    "lessons.tip": {
        "en": "Tip: in presenter mode (sidebar) the text is large, and the ← and → keys move "
              "between steps while no input has the focus.",
        "ja": "ヒント:プレゼンターモード(サイドバー)では文字が大きくなり、入力欄にフォーカスがないときは "
              "← と → のキーでステップを移動できます。"},
    "bar.lesson": {"en": "Lesson: {title}", "ja": "レッスン:{title}"},
    "bar.step_of": {"en": "step {number} of {count}", "ja": "ステップ {number} / {count}"},
    "bar.question": {"en": "Ask the class", "ja": "クラスへの問いかけ"},
    "bar.reveal": {"en": "Reveal the answer", "ja": "答えを表示"},
    "bar.back": {"en": "Back", "ja": "戻る"},
    "bar.next": {"en": "Next", "ja": "次へ"},
    "bar.leave": {"en": "Leave the lesson", "ja": "レッスンを終了"},
    "bar.leave_help": {"en": "The view stays as it is; only the lesson bar goes.",
                       "ja": "表示はそのまま残り、レッスンの案内だけが閉じます。"},
    "bar.measured": {"en": "Measured by actlib on this step's view: {detail}",
                     "ja": "このステップの画面で actlib が測った値:{detail}"},
    "bar.finished": {"en": "That was the last step.", "ja": "これが最後のステップです。"},
    "dead.title": {"en": "Dead units during training", "ja": "学習中の死んだユニット"},
    "dead.share": {"en": "dead units", "ja": "死んだユニットの割合"},
    "dead.layer_n": {"en": "layer {layer}", "ja": "第 {layer} 層"},
    "dead.verdict": {
        "en": "By step {step}, {percent}% of layer {layer}'s units are dead (f′ = 0 on every example "
              "of the batch, so no gradient reaches their weights); at step 0 it was {initial}%.",
        "ja": "ステップ {step} までに、第 {layer} 層のユニットの {percent}% が死んでいます(バッチのすべての例で "
              "f′ = 0 となり、その重みに勾配が届きません)。ステップ 0 では {initial}% でした。"},
    "dead.none": {"en": "No unit is dead: every unit has f′ ≠ 0 on some example of the batch.",
                  "ja": "死んだユニットはありません。どのユニットも、バッチのどれかの例で f′ ≠ 0 です。"},

    # --- lesson 1 -----------------------------------------------------------------------------
    "lesson.activation.title": {"en": "What an activation does", "ja": "活性化関数の役割"},
    "lesson.activation.summary": {
        "en": "Identity and step against sigmoid and ReLU; why a stack of linear layers is one layer.",
        "ja": "恒等関数・ステップ関数とシグモイド・ReLU の比較。線形の層を重ねても1層と同じになる理由。"},
    **_step("activation.identity", (
        "No activation: f(x) = x",
        "A neuron computes a weighted sum of its inputs plus a bias, then passes it through an "
        "activation. With the identity, the output is the sum itself: a straight line with slope 1 "
        "everywhere.",
        "If every neuron used the identity, what kinds of patterns could the network learn?",
        "Only linear ones. f′ = 1 everywhere: the function never bends, so the network can only draw "
        "straight lines (planes) between classes."), (
        "活性化関数なし:f(x) = x",
        "ニューロンは入力の重み付き和にバイアスを足し、それを活性化関数に通します。恒等関数なら出力は和そのもので、"
        "どこでも傾き 1 の直線です。",
        "すべてのニューロンが恒等関数だったら、ネットワークはどんなパターンを学習できるでしょう?",
        "線形なものだけです。f′ はどこでも 1 で、関数はまったく曲がりません。クラスの境界も直線(平面)しか引けません。")),
    **_step("activation.step", (
        "The step function: an on/off gate",
        "The first perceptrons fired or stayed silent: output 1 above the threshold, 0 below. It is "
        "a gatekeeper that decides whether the signal passes. Look at its slope (the dashed curve).",
        "Gradient descent learns by following f′. What does it get from a step function?",
        "Nothing: f′ = 0 everywhere except at the jump, where it is undefined. No gradient flows, so "
        "the weights never learn. We need a smooth version."), (
        "ステップ関数:オン/オフの門番",
        "初期のパーセプトロンは、しきい値を超えれば 1、超えなければ 0 を出力しました。信号を通すかどうかを決める"
        "「門番」です。傾き(破線)に注目しましょう。",
        "勾配降下法は f′ をたどって学習します。ステップ関数からは何が得られるでしょう?",
        "何も得られません。跳びの点を除いて f′ はどこでも 0 で、跳びの点では定義されません。勾配が流れないので"
        "重みは学習されません。なめらかな版が必要です。")),
    **_step("activation.sigmoid", (
        "Sigmoid: a smooth step",
        "The sigmoid 1/(1 + e⁻ˣ) has the shape of the step, but bends smoothly from 0 to 1, with "
        "f(0) = 0.5. Its slope is positive everywhere.",
        "Why does a slope that is never zero matter for learning?",
        "Every input gives some gradient, so gradient descent always knows which way to move the "
        "weights. That is why the sigmoid replaced the step in early networks."), (
        "シグモイド:なめらかなステップ",
        "シグモイド 1/(1 + e⁻ˣ) はステップ関数と同じ形ですが、0 から 1 へなめらかに変化し、f(0) = 0.5 です。"
        "傾きはどこでも正です。",
        "傾きが決して 0 にならないことは、学習にとってなぜ大切なのでしょう?",
        "どの入力でも少しは勾配が得られるので、勾配降下法は重みを動かす向きを常に知ることができます。"
        "初期のネットワークでステップ関数がシグモイドに置き換えられたのはこのためです。")),
    **_step("activation.relu", (
        "ReLU: the simplest bend",
        "ReLU outputs max(0, x): zero for negative inputs, the input itself for positive ones. The "
        "slope is 0 on the left and 1 on the right: one bend at 0 is enough to make it non-linear.",
        "ReLU is made of two straight pieces. Is a network of ReLUs still linear?",
        "No. Each unit bends at a different place, and many bends together approximate any curve. "
        "It is also very cheap to compute, which is why it is so widely used."), (
        "ReLU:いちばん単純な折れ曲がり",
        "ReLU は max(0, x) を出力します。負の入力では 0、正の入力ではそのままの値です。傾きは左側で 0、右側で 1。"
        "0 での1か所の折れ曲がりだけで非線形になります。",
        "ReLU は2本の直線からできています。ReLU を並べたネットワークはやはり線形でしょうか?",
        "いいえ。ユニットごとに折れる位置が違い、たくさんの折れ線を組み合わせればどんな曲線でも近似できます。"
        "計算がとても軽いことも、広く使われている理由です。")),
    **_step("activation.linear_stack", (
        "A linear stack is one layer",
        "Ten layers with the identity activation and orthogonal weights. Their product is a single "
        "matrix, so the ten layers do what one layer does: the gradient arrives exactly unchanged "
        "(log₁₀ first/last = 0) and the activations keep their size.",
        "We stacked ten layers. What did depth buy us here?",
        "Nothing: without a non-linearity, W₁₀⋯W₂W₁ is one matrix. Depth only pays when an activation "
        "bends the signal between layers."), (
        "線形な層を重ねても1層",
        "恒等関数と直交行列の重みで10層を重ねました。重みの積は1つの行列なので、10層は1層と同じ働きしかしません。"
        "勾配はまったく変わらずに届き(先頭/末尾の log₁₀ = 0)、活性の大きさも保たれます。",
        "10層も重ねました。ここで深さは何をもたらしたでしょう?",
        "何も。非線形性がなければ W₁₀⋯W₂W₁ は1つの行列です。深さが意味を持つのは、層と層の間で活性化関数が"
        "信号を曲げるときだけです。")),

    # --- lesson 2 -----------------------------------------------------------------------------
    "lesson.sigmoid_tanh.title": {"en": "Sigmoid and tanh", "ja": "シグモイドと tanh"},
    "lesson.sigmoid_tanh.summary": {
        "en": "f′ ≤ 1/4 and f′ ≤ 1, saturation, zero-centred output, and what a too-large gain does.",
        "ja": "f′ ≤ 1/4 と f′ ≤ 1、飽和、ゼロ中心の出力、そして大きすぎるゲインの影響。"},
    **_step("sigmoid_tanh.sigmoid_slope", (
        "The sigmoid's slope is at most 1/4",
        "The probe sits at x = 0, where the sigmoid is steepest. Read f′ there in the box below the "
        "chart: 0.25, and everywhere else it is smaller.",
        "A gradient passes through one sigmoid per layer on its way back. What happens after ten layers?",
        "It is multiplied by at most 0.25 per layer: 0.25¹⁰ ≈ 10⁻⁶ even in the best case. This is "
        "the root of the vanishing gradient problem."), (
        "シグモイドの傾きは最大 1/4",
        "プローブはシグモイドがいちばん急な x = 0 にあります。グラフ下の欄で f′ を読むと 0.25 で、"
        "それ以外の場所ではもっと小さくなります。",
        "逆伝播では、勾配は1層ごとにシグモイドを1回通ります。10層通るとどうなるでしょう?",
        "1層ごとに最大でも 0.25 倍されるので、最良の場合でも 0.25¹⁰ ≈ 10⁻⁶ です。これが勾配消失問題の根本です。")),
    **_step("sigmoid_tanh.tanh_slope", (
        "tanh: the same S, slope up to 1",
        "tanh has the sigmoid's S shape, stretched to the range −1…1. At 0 its slope is 1, four "
        "times the sigmoid's (the overlay).",
        "Does a maximum slope of 1 solve the vanishing gradient?",
        "It helps (tanh vanishes more slowly than the sigmoid), but the slope is 1 only at 0 and "
        "smaller everywhere else, so deep tanh stacks still lose gradient."), (
        "tanh:同じ S 字、傾きは最大 1",
        "tanh はシグモイドと同じ S 字を −1〜1 の範囲に引き伸ばした形です。0 での傾きは 1 で、"
        "シグモイド(重ねた曲線)の4倍です。",
        "最大の傾きが 1 なら、勾配消失は解決するでしょうか?",
        "改善はします(tanh はシグモイドより勾配が消えにくい)。しかし傾きが 1 なのは 0 だけで、ほかではもっと小さいので、"
        "深く重ねるとやはり勾配は失われます。")),
    **_step("sigmoid_tanh.saturation", (
        "Saturation: flat far from zero",
        "The probe is at x = 5. The sigmoid is almost 1 there and its slope is below 0.01: the unit "
        "is saturated (shaded). A large input leaves it nothing to learn from.",
        "What pushes a unit's inputs this far out during training?",
        "Large weights or biases: the weighted sum grows, and the unit sits in the flat part where "
        "the gradient is nearly zero, so learning slows down."), (
        "飽和:0 から離れると平ら",
        "プローブは x = 5 にあります。シグモイドはほぼ 1 で、傾きは 0.01 未満です。このユニットは飽和しています"
        "(網掛け部分)。大きな入力では学習の手がかりがほとんどありません。",
        "学習中、ユニットへの入力をここまで大きくしてしまうのは何でしょう?",
        "大きな重みやバイアスです。重み付き和が大きくなると、ユニットは勾配がほぼ 0 の平らな部分にとどまり、"
        "学習が遅くなります。")),
    **_step("sigmoid_tanh.zero_centred", (
        "Zero-centred output",
        "tanh(0) = 0 and tanh takes both signs; the sigmoid's outputs are all positive, centred on "
        "0.5. The next layer receives these outputs as its inputs.",
        "Why might all-positive inputs make the next layer learn more slowly?",
        "The gradients of all weights of a unit then share one sign, so the weights can only all grow "
        "or all shrink together and zig-zag towards the goal. tanh's zero-centred output avoids this."), (
        "ゼロ中心の出力",
        "tanh(0) = 0 で、tanh は正と負の両方の値をとります。シグモイドの出力はすべて正で、0.5 を中心にしています。"
        "この出力が次の層の入力になります。",
        "入力がすべて正だと、次の層の学習が遅くなるのはなぜでしょう?",
        "1つのユニットのすべての重みの勾配が同じ符号になり、重みはそろって増えるかそろって減るしかなく、"
        "ジグザグに目標へ進むことになります。ゼロ中心の tanh ならこれを避けられます。")),
    **_step("sigmoid_tanh.saturated_layer", (
        "Units stuck in saturation",
        "A 50-layer tanh stack with He init and gain 4: the weights are far too large. The histogram "
        "shows layer 10's pre-activations spread well beyond ±3, and the right chart shows most of "
        "the layer's units saturated (|f′| < 0.01).",
        "These units still produce outputs. Why are they a problem?",
        "Their outputs are stuck near ±1 whatever the input, and their slope is nearly 0, so almost "
        "no gradient passes through them: the layer has stopped learning."), (
        "飽和したまま動かないユニット",
        "He 初期化でゲイン 4 の50層の tanh ネットワークです。重みが大きすぎます。ヒストグラムでは第10層の"
        "活性化前の値が ±3 を大きく超えて広がり、右のグラフでは、この層のユニットの過半数が飽和"
        "(|f′| < 0.01)しています。",
        "これらのユニットも出力は出しています。何が問題なのでしょう?",
        "入力が何であっても出力は ±1 付近に張り付き、傾きはほぼ 0 なので、勾配がほとんど通りません。"
        "この層は学習を止めてしまっています。")),
    **_step("sigmoid_tanh.exploding", (
        "Too much gain: exploding gradients",
        "tanh with the weights' std doubled (σw² = 4). Now each layer multiplies the gradient by more "
        "than 1 on the way back: the first layer's gradient is over a thousand times the last's.",
        "Vanishing and exploding are two sides of one product. What would make it exactly balanced?",
        "A per-layer factor of 1 on average: σw² times the mean f′² must be 1. Initialisations such "
        "as Xavier and He are chosen for this."), (
        "ゲインが大きすぎる:勾配爆発",
        "重みの標準偏差を2倍にした tanh です(σw² = 4)。逆伝播で各層が勾配を1より大きい倍率で掛けるため、"
        "最初の層の勾配は最後の層の1000倍を超えます。",
        "勾配消失と勾配爆発は、同じ掛け算の表と裏です。ちょうど釣り合うのはどんなときでしょう?",
        "1層あたりの倍率が平均して 1 のとき、つまり σw² × (f′² の平均) = 1 のときです。Xavier や He の"
        "初期化はそうなるように選ばれています。")),
    **_step("sigmoid_tanh.diverges", (
        "Training diverges",
        "The same kind of stack (tanh, gain 4) trained with learning rate 1. Watch the heat map: the "
        "gradients grow step after step until they are no longer numbers.",
        "What two changes would you try first to make this train?",
        "A smaller learning rate and a smaller gain (a proper initialisation). Normalisation or "
        "gradient clipping also keep the steps in range."), (
        "学習が発散する",
        "同じ種類のネットワーク(tanh、ゲイン 4)を学習率 1 で学習させます。ヒートマップを見ると、"
        "勾配はステップごとに大きくなり、ついには数値でなくなります。",
        "学習させるために、まず試す2つの変更は何でしょう?",
        "学習率を小さくすることと、ゲインを小さくする(適切な初期化を使う)ことです。正規化や勾配クリッピングも"
        "更新の大きさを抑えます。")),

    # --- lesson 3 -----------------------------------------------------------------------------
    "lesson.vanishing.title": {"en": "Vanishing gradients, and the fixes", "ja": "勾配消失とその対策"},
    "lesson.vanishing.summary": {
        "en": "Sigmoid + Xavier at depth 5, 20 and 50 against the theory line; then ReLU + He, "
              "residual connections, SELU + LeCun and layer normalisation.",
        "ja": "深さ 5・20・50 のシグモイド + Xavier を理論曲線と比べ、続いて ReLU + He、残差接続、"
              "SELU + LeCun、レイヤー正規化を試します。"},
    **_step("vanishing.depth5", (
        "Five sigmoid layers",
        "Sigmoid with Xavier init, five layers. Press Play: the gradient starts at the output (right) "
        "and travels to the first layer (left), shrinking on the way.",
        "How much smaller is it at the first layer? Guess before reading the verdict.",
        "More than 100 times smaller (about 10⁻²·⁵) after only five layers: each layer keeps about "
        "a quarter of it."), (
        "5層のシグモイド",
        "Xavier 初期化のシグモイドを5層重ねました。再生すると、勾配が出力側(右)から最初の層(左)へ進みながら"
        "小さくなっていきます。",
        "最初の層では何分の1になっているでしょう? 判定を読む前に予想してみましょう。",
        "わずか5層で100分の1以下(約 10⁻²·⁵)です。1層ごとにおよそ4分の1しか残りません。")),
    **_step("vanishing.depth20", (
        "Twenty layers",
        "The same network, twenty layers deep. The line falls at a constant slope on the log scale: "
        "the same factor is lost at every layer.",
        "If five layers cost 10⁻²·⁵, what do you expect for twenty?",
        "About four times as many decades: the first layer's gradient is below 10⁻¹⁰. Its weights "
        "effectively do not learn."), (
        "20層",
        "同じネットワークを20層にしました。対数目盛りでは直線が一定の傾きで下がります。どの層でも同じ割合が"
        "失われているのです。",
        "5層で 10⁻²·⁵ なら、20層ではどうなると思いますか?",
        "およそ4倍の桁数です。最初の層の勾配は 10⁻¹⁰ を下回り、その重みは事実上学習されません。")),
    **_step("vanishing.depth50", (
        "Fifty layers, and the theory line",
        "Fifty layers: the first layer gets a gradient about 30 decades below the last. The dashed "
        "line is mean-field theory's prediction, computed from σw² and the sigmoid alone; the "
        "measurement follows it.",
        "The theory knows nothing about this particular network's weights. Why can it predict the curve?",
        "In a wide layer, the sum of many random terms behaves like a Gaussian, so the average factor "
        "per layer (χ₁ = σw² E[f′(z)²]) is the same for any draw of the weights."), (
        "50層と理論曲線",
        "50層では、最初の層の勾配は最後の層より約30桁も小さくなります。破線は σw² とシグモイドだけから計算した"
        "平均場理論の予測で、測定値はそれに沿っています。",
        "理論はこのネットワークの具体的な重みを知りません。それなのに曲線を予測できるのはなぜでしょう?",
        "幅の広い層では多数のランダムな項の和がガウス分布のようにふるまうので、1層あたりの平均の倍率"
        "(χ₁ = σw² E[f′(z)²])は重みの引き方によらず同じになるからです。")),
    **_step("vanishing.relu_unit", (
        "ReLU alone is not enough",
        "Replace the sigmoid with ReLU but keep Xavier init (σw² = 1). The gradient still vanishes, "
        "more slowly: ReLU passes half the units (slope 1) and blocks the other half.",
        "ReLU's slope is 1 where it is active. Why does the gradient still shrink?",
        "Half the units are off for a given input, so each layer keeps only half of the squared "
        "gradient: σw² × 1/2 = 1/2. The weights must make up that factor 2."), (
        "ReLU だけでは足りない",
        "シグモイドを ReLU に替え、初期化は Xavier(σw² = 1)のままにします。勾配はゆっくりとですが、"
        "やはり消えていきます。ReLU はユニットの半分を通し(傾き 1)、残り半分を止めるからです。",
        "ReLU の傾きは活性な所では 1 です。それでも勾配が小さくなるのはなぜでしょう?",
        "ある入力に対してユニットの半分はオフなので、各層で勾配の2乗の半分しか残りません(σw² × 1/2 = 1/2)。"
        "重みでその2倍を補う必要があります。")),
    **_step("vanishing.relu_he", (
        "The fix: ReLU + He",
        "He initialisation doubles the weights' variance (σw² = 2) to make up for the half of the "
        "units ReLU turns off. The gradient now reaches the first layer at full size.",
        "Would He initialisation rescue the sigmoid too?",
        "No: the sigmoid's slope is at most 1/4 and its output is not centred, so no single weight "
        "scale keeps its factor at 1 without driving the units into saturation."), (
        "対策:ReLU + He",
        "He 初期化は重みの分散を2倍(σw² = 2)にして、ReLU がオフにする半分のユニットを補います。"
        "勾配は小さくならずに最初の層まで届きます。",
        "He 初期化はシグモイドも救えるでしょうか?",
        "いいえ。シグモイドの傾きは最大 1/4 で出力も中心がずれているので、ユニットを飽和させずに倍率を 1 に保つ"
        "重みの大きさはありません。")),
    **_step("vanishing.residual", (
        "The fix: residual connections",
        "Back to the vanishing sigmoid stack, with a shortcut around every layer: h ← h + f(Wh + b). "
        "The gradient now arrives at the first layer at about the size it left the last.",
        "The sigmoid is still there. Where does the gradient go instead?",
        "Along the shortcuts: the identity path adds 1 to each layer's factor, so the gradient never "
        "has to pass through fifty small slopes in a row. This is the idea behind ResNet."), (
        "対策:残差接続",
        "勾配が消えたシグモイドのネットワークに戻り、各層を迂回する近道を加えます:h ← h + f(Wh + b)。"
        "勾配は最後の層を出たときとほぼ同じ大きさで最初の層に届きます。",
        "シグモイドはそのままです。勾配はどこを通っているのでしょう?",
        "近道を通っています。恒等の経路が各層の倍率に 1 を足すので、勾配は小さな傾きを50回続けて通る必要が"
        "ありません。これが ResNet の考え方です。")),
    **_step("vanishing.selu", (
        "The fix: SELU + LeCun",
        "SELU's two constants (α ≈ 1.673, scale ≈ 1.051) are chosen so that, with LeCun init, the "
        "activations are pulled back to mean 0 and variance 1 at every layer: the network normalises "
        "itself, and the gradient stays level.",
        "What would happen to SELU with He init instead of LeCun?",
        "The variance would no longer be a fixed point: try it with the initialisation menu, and the "
        "gradient starts to explode. Self-normalisation needs the matching init."), (
        "対策:SELU + LeCun",
        "SELU の2つの定数(α ≈ 1.673、scale ≈ 1.051)は、LeCun 初期化と組み合わせると各層で活性が平均 0・"
        "分散 1 へ引き戻されるように選ばれています。ネットワークが自分で正規化し、勾配は一定に保たれます。",
        "LeCun の代わりに He 初期化を使うと、SELU はどうなるでしょう?",
        "分散が不動点でなくなります。初期化のメニューで試すと、勾配が爆発し始めます。自己正規化には"
        "対応する初期化が必要です。")),
    **_step("vanishing.layernorm", (
        "The fix: layer normalisation",
        "The ReLU stack with the wrong scale (σw² = 1) that vanished two steps ago, now with layer "
        "normalisation: each layer's pre-activations are rescaled to mean 0 and variance 1 per example. "
        "The gradient no longer vanishes.",
        "Layer norm did not change the weights. Why did it fix the gradient?",
        "It removes the overall scale the weights put on the signal, so a too-small (or too-large) "
        "init no longer compounds layer after layer; only the direction of the signal matters."), (
        "対策:レイヤー正規化",
        "2ステップ前に勾配が消えた、スケールの合わない(σw² = 1)ReLU のネットワークに、レイヤー正規化を加えます。"
        "各層の活性化前の値が、例ごとに平均 0・分散 1 にそろえられます。勾配はもう消えません。",
        "レイヤー正規化は重みを変えていません。なぜ勾配が直ったのでしょう?",
        "重みが信号に与える全体の大きさを打ち消すので、小さすぎる(大きすぎる)初期化が層を重ねるごとに積み重なる"
        "ことがなくなるからです。意味を持つのは信号の向きだけになります。")),

    # --- lesson 4 -----------------------------------------------------------------------------
    "lesson.relu_family.title": {"en": "The ReLU family and dying ReLU", "ja": "ReLU の仲間と「死んだ ReLU」"},
    "lesson.relu_family.summary": {
        "en": "ReLU units dying during training, measured; leaky ReLU, PReLU and ELU as the fix; and "
              "what ELU's α changes.",
        "ja": "学習中に ReLU のユニットが死んでいく様子を測定し、対策として Leaky ReLU・PReLU・ELU を見て、"
              "ELU の α が何を変えるかを確かめます。"},
    **_step("relu_family.relu", (
        "ReLU's flat half",
        "For every negative input ReLU outputs 0, and its slope is exactly 0 (the dead region, "
        "shaded). The probe at x = −1 reads f′ = 0.",
        "A unit whose weighted sum is negative for every example: what gradient do its weights get?",
        "Exactly zero, for every example. Gradient descent cannot move those weights any more: the "
        "unit is dead, and nothing will bring it back."), (
        "ReLU の平らな半分",
        "負の入力では ReLU の出力は 0 で、傾きもちょうど 0 です(網掛けの死んだ領域)。x = −1 のプローブは "
        "f′ = 0 を示しています。",
        "すべての例で重み付き和が負になるユニットがあったら、その重みにはどんな勾配が届くでしょう?",
        "どの例でもちょうど 0 です。勾配降下法はもうその重みを動かせません。このユニットは死んでおり、"
        "生き返ることはありません。")),
    **_step("relu_family.dying", (
        "Dying ReLU, measured",
        "Two ReLU layers, 256 units wide, He init with gain 2 (the weights twice too large), trained for "
        "100 steps. The lower chart counts dead units: f′ = 0 on every example of the batch. At step 0 "
        "almost none are dead; within about ten steps half of layer 2 has died, more follow, and none recovers.",
        "The loss still goes down. Why worry about the dead units?",
        "More than half of layer 2 no longer contributes or learns: the network trains with a "
        "fraction of its capacity. Large steps (big weights, a large learning rate) cause it."), (
        "死んでいく ReLU を測る",
        "幅256の ReLU を2層、ゲイン 2 の He 初期化(重みが2倍大きすぎる)で100ステップ学習させます。下のグラフは"
        "死んだユニット(バッチのすべての例で f′ = 0)の割合です。ステップ 0 ではほとんどいませんが、"
        "10ステップほどで第2層の半分が死に、その後も増えるばかりで戻りません。",
        "損失はちゃんと下がっています。死んだユニットを気にする必要があるのはなぜでしょう?",
        "第2層の半分以上が、もう出力にも学習にも関わっていません。ネットワークは能力の一部しか使わずに"
        "学習しています。原因は大きすぎる更新(大きな重み、大きな学習率)です。")),
    **_step("relu_family.leaky", (
        "Leaky ReLU: a small slope on the left",
        "Leaky ReLU keeps a small slope α for negative inputs (here α = 0.1, ReLU overlaid). The probe "
        "at x = −1 reads f′ = 0.1.",
        "Can a leaky ReLU unit die the way a ReLU unit does?",
        "No: its slope is never zero, so some gradient always reaches its weights and it can recover."), (
        "Leaky ReLU:左側にも小さな傾き",
        "Leaky ReLU は負の入力にも小さな傾き α を残します(ここでは α = 0.1、ReLU を重ねて表示)。"
        "x = −1 のプローブは f′ = 0.1 です。",
        "Leaky ReLU のユニットは、ReLU と同じように死ぬことがあるでしょうか?",
        "ありません。傾きは決して 0 にならないので、重みには常に少し勾配が届き、回復できます。")),
    **_step("relu_family.leaky_lives", (
        "Same training, leaky ReLU",
        "Exactly the training of two steps ago, with leaky ReLU (α = 0.01). No unit dies, and the "
        "loss falls far below where it started.",
        "α = 0.01 is tiny. Why is it enough?",
        "Dying is about exactly zero, not about small: a slope of 0.01 still lets the gradient move the "
        "weights back, so no unit is lost for good."), (
        "同じ学習を Leaky ReLU で",
        "2ステップ前とまったく同じ学習を、Leaky ReLU(α = 0.01)で行います。死ぬユニットはなく、損失も"
        "最初よりずっと小さくなります。",
        "α = 0.01 はごく小さい値です。なぜそれで十分なのでしょう?",
        "問題は「小さい」ことではなく「ちょうど 0」であることだからです。傾き 0.01 でも勾配は重みを戻せるので、"
        "ユニットが永久に失われることはありません。")),
    **_step("relu_family.prelu", (
        "PReLU: let the network choose α",
        "PReLU has the leaky ReLU's shape, but α is a parameter the network learns (commonly "
        "starting at 0.25, shown here against leaky ReLU's 0.01).",
        "What does the network gain by learning α instead of fixing it?",
        "Each layer (or channel) can pick how much of the negative side to keep, at the cost of one "
        "extra parameter and some risk of overfitting on small data."), (
        "PReLU:α をネットワークに選ばせる",
        "PReLU は Leaky ReLU と同じ形ですが、α はネットワークが学習するパラメータです(初期値はよく 0.25 が使われます。"
        "ここでは Leaky ReLU の 0.01 と比べています)。",
        "α を固定せずに学習させると、ネットワークは何を得るでしょう?",
        "層(またはチャネル)ごとに、負の側をどれだけ残すかを選べます。その代わりパラメータが増え、"
        "データが少ないと過学習のおそれがあります。")),
    **_step("relu_family.elu_lives", (
        "Same training, ELU",
        "The same training with ELU. ELU's slope for negative inputs is αeˣ: small, but never zero. "
        "No unit dies here either, and the loss falls.",
        "ELU and leaky ReLU both survive. How do their negative sides differ?",
        "Leaky ReLU keeps falling linearly; ELU bends smoothly towards −α, so a very negative input "
        "gives a bounded output. The next step shows it."), (
        "同じ学習を ELU で",
        "同じ学習を ELU で行います。負の入力での ELU の傾きは αeˣ で、小さくても決して 0 にはなりません。"
        "ここでも死ぬユニットはなく、損失は下がります。",
        "ELU も Leaky ReLU も生き残りました。負の側はどう違うのでしょう?",
        "Leaky ReLU は直線的に下がり続けますが、ELU は −α へなめらかに近づくので、大きな負の入力でも出力は"
        "有界です。次のステップで見てみましょう。")),
    **_step("relu_family.elu", (
        "ELU: the identity on the right, a soft floor on the left",
        "For x > 0 ELU outputs x, like ReLU; for x ≤ 0 it outputs α(eˣ − 1), between 0 and −α. With "
        "α = 1 the two pieces join smoothly at 0, and the outputs average closer to zero than ReLU's.",
        "Why is a slightly negative output better than ReLU's exact zero?",
        "The unit keeps a gradient (it cannot die), and its mean output moves towards zero, which, "
        "like tanh's zero-centred output, helps the next layer learn."), (
        "ELU:右側は恒等、左側はやわらかい床",
        "x > 0 では ELU は ReLU と同じく x を出力し、x ≤ 0 では 0 から −α の間の値 α(eˣ − 1) を出力します。"
        "α = 1 なら2つの部分は 0 でなめらかにつながり、出力の平均は ReLU より 0 に近くなります。",
        "少しだけ負の値を出力するのは、ReLU のちょうど 0 よりなぜ良いのでしょう?",
        "ユニットに勾配が残り(死なない)、出力の平均が 0 に近づきます。tanh のゼロ中心の出力と同じく、"
        "次の層の学習を助けます。")),
    **_step("relu_family.elu_alpha", (
        "What ELU's α changes",
        "α = 2: the floor is now at −2, and the slope just left of 0 is α = 2 against 1 on the right. "
        "Move the α slider and watch the floor follow −α.",
        "Most libraries default to α = 1. What is special about it?",
        "Only with α = 1 do the slopes on both sides of 0 match, so f′ is continuous (the curve is "
        "smooth at 0). Other values keep the floor idea but bring back a kink."), (
        "ELU の α が変えるもの",
        "α = 2 では床が −2 になり、0 のすぐ左の傾きは α = 2、右側は 1 です。α のスライダーを動かして、"
        "床が −α についていく様子を見ましょう。",
        "多くのライブラリは α = 1 を既定値にしています。1 には何が特別なのでしょう?",
        "α = 1 のときだけ 0 の両側の傾きが一致し、f′ が連続になります(0 でなめらか)。ほかの値でも床の考え方は"
        "同じですが、折れ目が戻ってきます。")),

    # --- lesson 5 -----------------------------------------------------------------------------
    "lesson.smooth.title": {"en": "Smooth modern activations, and outputs", "ja": "なめらかな現代の活性化関数と出力層"},
    "lesson.smooth.summary": {
        "en": "GELU exact and its tanh approximation, Swish and its β, Mish; softmax as a sigmoid; "
              "maxout containing ReLU; GELU in a deep stack.",
        "ja": "GELU の厳密式と tanh 近似、Swish とその β、Mish、シグモイドとしてのソフトマックス、"
              "ReLU を含む Maxout、深いネットワークでの GELU。"},
    **_step("smooth.gelu", (
        "GELU, exact and approximated",
        "GELU weighs its input by the probability that a standard normal is below it: x·Φ(x). The "
        "overlay is the tanh formula many libraries use for speed; the two curves coincide to the eye.",
        "How far apart are they, and does it matter?",
        "Less than 0.001 anywhere on this range: far below what training notices. Choose by speed, "
        "but use the same one in training and inference."), (
        "GELU:厳密式と近似式",
        "GELU は入力に、標準正規分布がその値を下回る確率を掛けます:x·Φ(x)。重ねた曲線は多くのライブラリが"
        "高速化のために使う tanh の式で、見た目では区別できません。",
        "2つはどれくらい違い、それは問題になるでしょうか?",
        "この範囲のどこでも 0.001 未満で、学習が気にする差よりはるかに小さいです。速さで選んでかまいませんが、"
        "学習と推論で同じものを使いましょう。")),
    **_step("smooth.silu", (
        "SiLU / Swish dips below zero",
        "SiLU (Swish with β = 1) is x·sigmoid(x). Unlike ReLU it is smooth and not monotonic: it dips "
        "to about −0.28 at x ≈ −1.28, where the probe sits, and f′ = 0 there.",
        "A function that goes down before it goes up: is that a problem for learning?",
        "No: the dip is small and the slope is non-zero almost everywhere; the smooth curve tends to "
        "give smoother optimisation than ReLU's kink."), (
        "SiLU / Swish は 0 の下に沈む",
        "SiLU(β = 1 の Swish)は x·sigmoid(x) です。ReLU と違ってなめらかで、単調ではありません。"
        "x ≈ −1.28(プローブの位置)で約 −0.28 まで下がり、そこで f′ = 0 です。",
        "上がる前にいったん下がる関数は、学習にとって問題でしょうか?",
        "問題ありません。くぼみは小さく、傾きはほとんどの場所で 0 ではありません。なめらかな曲線は、ReLU の"
        "折れ目よりなめらかな最適化につながりやすいとされます。")),
    **_step("smooth.swish_beta", (
        "Swish's β: from linear to ReLU",
        "Swish is x·sigmoid(βx). With β = 5 it hugs ReLU (overlaid): the largest gap is about 0.056. "
        "Move β towards 0 and it becomes x/2, a straight line.",
        "So what is Swish, in one sentence?",
        "A smooth family between a linear function (β → 0) and ReLU (β → ∞); β can even be learned."), (
        "Swish の β:線形から ReLU まで",
        "Swish は x·sigmoid(βx) です。β = 5 では ReLU(重ねた曲線)にぴったり沿い、最大の差は約 0.056 です。"
        "β を 0 に近づけると x/2 の直線になります。",
        "では Swish とは何か、一言で言うと?",
        "線形関数(β → 0)と ReLU(β → ∞)の間をなめらかにつなぐ関数の族です。β を学習させることもできます。")),
    **_step("smooth.mish", (
        "Mish: a close cousin of SiLU",
        "Mish is x·tanh(softplus(x)): a close cousin of SiLU (overlaid), smooth everywhere, with a "
        "slightly deeper dip, about −0.31.",
        "SiLU, Mish, GELU look almost alike. How would you choose?",
        "By measurement on your task: their differences are small, and speed and library support "
        "often decide."), (
        "Mish:SiLU の近い親戚",
        "Mish は x·tanh(softplus(x)) です。SiLU(重ねた曲線)の近い親戚で、どこでもなめらかで、くぼみは少し深く"
        "約 −0.31 です。",
        "SiLU、Mish、GELU はほとんど同じに見えます。どうやって選べばよいでしょう?",
        "自分のタスクで測って選びます。違いは小さく、速さやライブラリの対応で決まることも多いです。")),
    **_step("smooth.softmax", (
        "Softmax with two classes is a sigmoid",
        "Softmax turns scores into probabilities that sum to 1, for the output layer of a classifier. "
        "With two classes and the other score at 0, the probability of the first is e^x/(e^x + 1): "
        "exactly the sigmoid (overlaid).",
        "Then why do binary classifiers often use one sigmoid output instead of a two-way softmax?",
        "They are the same function: one sigmoid output needs half the parameters and gives the same "
        "probabilities."), (
        "2クラスのソフトマックスはシグモイド",
        "ソフトマックスはスコアを合計 1 の確率に変換し、分類器の出力層で使われます。2クラスで相手のスコアが 0 なら、"
        "1つ目の確率は e^x/(e^x + 1) で、シグモイド(重ねた曲線)そのものです。",
        "では、2値分類で2出力のソフトマックスではなく1出力のシグモイドがよく使われるのはなぜでしょう?",
        "同じ関数だからです。シグモイド1出力ならパラメータは半分で、同じ確率が得られます。")),
    **_step("smooth.maxout", (
        "Maxout contains ReLU",
        "Maxout outputs the largest of several linear pieces, here max(w₁x + b₁, w₂x + b₂). With "
        "w₁ = 1 and the second piece 0, it is exactly ReLU (overlaid). Move the sliders to make "
        "leaky ReLU, |x| or other convex shapes.",
        "What does maxout's flexibility cost?",
        "Every unit needs a set of weights per piece: two pieces double the layer's parameters."), (
        "Maxout は ReLU を含む",
        "Maxout は複数の一次関数のうち最大のものを出力します。ここでは max(w₁x + b₁, w₂x + b₂) です。"
        "w₁ = 1 で2つ目が 0 なら、ReLU(重ねた曲線)とまったく同じです。スライダーで Leaky ReLU や |x| など"
        "ほかの凸な形も作れます。",
        "Maxout の柔軟さの代償は何でしょう?",
        "ユニットごとに一次関数の数だけ重みが必要です。2つなら層のパラメータは2倍になります。")),
    **_step("smooth.gelu_deep", (
        "GELU in a deep stack",
        "GELU looks like a smooth ReLU, so try it with ReLU's He init, 50 layers deep. The gradient "
        "fades by about six decades: He's factor 2 was computed for ReLU's exact slopes.",
        "What does this say about pairing activations and initialisations?",
        "The init must match the activation's own statistics (σw² E[f′²] ≈ 1). A lookalike is not "
        "enough; deep GELU models rely on normalisation and residual connections as well."), (
        "深いネットワークでの GELU",
        "GELU はなめらかな ReLU に見えるので、ReLU 用の He 初期化で50層重ねてみます。勾配は約6桁小さくなります。"
        "He の2倍という係数は、ReLU の傾きに合わせて計算されたものだからです。",
        "活性化関数と初期化の組み合わせについて、何が言えるでしょう?",
        "初期化は活性化関数そのものの統計(σw² E[f′²] ≈ 1)に合わせる必要があります。見た目が似ているだけでは"
        "足りず、深い GELU のモデルは正規化や残差接続にも頼っています。")),
}
