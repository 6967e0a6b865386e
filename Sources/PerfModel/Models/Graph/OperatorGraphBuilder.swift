/// Expands a model into the operator graph of one serving phase, on one
/// tensor-parallel rank, with FLOPs and main-memory bytes per operator.
///
/// Counting rules (all per rank, `T` tokens in the pass, `a` activation
/// bytes per element):
///
///     projection  h_in → h_out:  FLOPs 2·T·h_in·h_out;  bytes weights + a·T·(h_in + h_out)
///     norm:                      FLOPs 4·T·h;           bytes 2·a·T·h
///     prefill attention:         FLOPs 4·d·pairs·heads (causal pairs, window-capped);
///                                bytes: FlashAttention-2 traffic for the SRAM (FlashAttentionIO)
///                                + the KV cache written
///     decode attention:          FLOPs 4·d·L·heads;     bytes: the KV cache read + Q, O
///     MoE experts:               weights of the experts a batch touches,
///                                E·(1 − (1 − k/E)^T), FLOPs of the k per token
///     Mamba scan (prefill):      SelectiveScanIO traffic, 7 FLOPs per step, channel and state
///     recurrent decode:          the state read and written once per token
///     all-reduce (TP > 1):       after the attention output and the MLP, T·h·a bytes
///
/// Weights are counted as read once per pass: the rows a token touches
/// are re-read from cache, not from main memory, within one pass.
///
/// [Pope et al. 2022]: https://arxiv.org/abs/2211.05102
public enum OperatorGraphBuilder {
  /// The prefill graph: every sequence's whole prompt in one pass.
  public static func prefill(_ model: ModelArchitecture, _ s: GraphScenario)
    -> OperatorGraph
  {
    Builder(model: model, scenario: s, phase: .prefill).build()
  }

  /// One decode step: one new token per sequence at `contextTokens`.
  public static func decode(_ model: ModelArchitecture, _ s: GraphScenario)
    -> OperatorGraph
  {
    Builder(model: model, scenario: s, phase: .decode).build()
  }
}

/// The state of one expansion.
struct Builder {
  let model: ModelArchitecture
  let scenario: GraphScenario
  let phase: OperatorGraph.Phase

  var tp: Int { scenario.plan.tensorParallel }
  var h: Double { Double(model.hiddenSize) }
  var a: Double { scenario.activationDataType.bytesPerElement }
  var type: DataType { scenario.activationDataType }
  /// Tokens in the pass.
  var tokens: Double {
    Double(scenario.batch * (phase == .prefill ? scenario.promptTokens : 1))
  }

  func weightBytes(_ elements: Double) -> Double {
    scenario.weightFormat.bytes(
      elements: elements, vectorLength: model.hiddenSize)
  }

  func projection(_ name: String, count: Int, input: Double, output: Double)
    -> Operator
  {
    Operator(
      name: name, kind: .projection, count: count,
      flops: 2 * tokens * input * output,
      dataType: type,
      bytes: weightBytes(input * output) + a * tokens * (input + output))
  }

  func norm(_ name: String, count: Int) -> Operator {
    Operator(
      name: name, kind: .norm, count: count, flops: 4 * tokens * h,
      dataType: type,
      bytes: 2 * a * tokens * h)
  }

  func allReduce(_ name: String, count: Int) -> Operator? {
    guard tp > 1 else { return nil }
    return Operator(
      name: name, kind: .allReduce, count: count, flops: 0, dataType: type,
      bytes: 0,
      allReduceBytes: a * tokens * h)
  }

  func build() -> OperatorGraph {
    var ops: [Operator] = []
    let edge =
      scenario.weightFormat.dataType.bytesPerElement <= 1
      ? StorageFormat.weights(model.weightDataType) : scenario.weightFormat
    ops.append(
      Operator(
        name: "embedding", kind: .embedding, flops: 0, dataType: type,
        bytes: tokens * h * (edge.dataType.bytesPerElement + a)))
    var first = 0
    for group in model.layerGroups {
      let label =
        group.count == 1
        ? "layer \(first)" : "layers \(first)–\(first + group.count - 1)"
      ops += layer(group.layer, count: group.count, label: label)
      first += group.count
    }
    ops.append(norm("final norm", count: 1))
    // The LM head runs on the last position of each sequence.
    let rows = Double(scenario.batch)
    let vocab = Double((model.vocabSize + tp - 1) / tp)
    ops.append(
      Operator(
        name: "lm_head", kind: .lmHead, flops: 2 * rows * h * vocab,
        dataType: type,
        bytes: edge.bytes(elements: vocab * h, vectorLength: model.hiddenSize)
          + rows * (a * h + 4 * vocab)))
    return OperatorGraph(phase: phase, tokens: Int(tokens), operators: ops)
  }

  func layer(_ layer: LayerSpec, count: Int, label: String) -> [Operator] {
    var ops = [norm("\(label) input norm", count: count)]
    ops += mixer(layer.mixer, count: count, label: label)
    if let reduce = allReduce("\(label) mixer all-reduce", count: count) {
      ops.append(reduce)
    }
    switch layer.feedForward {
    case .none: break
    case .dense(let m):
      ops.append(norm("\(label) mlp norm", count: count))
      ops += mlp(m, count: count, label: label)
      if let reduce = allReduce("\(label) mlp all-reduce", count: count) {
        ops.append(reduce)
      }
    case .moe(let e):
      ops.append(norm("\(label) mlp norm", count: count))
      ops += experts(e, count: count, label: label)
      if let reduce = allReduce("\(label) experts all-reduce", count: count) {
        ops.append(reduce)
      }
    }
    return ops
  }

  func mlp(_ m: MLPSpec, count: Int, label: String) -> [Operator] {
    let i = Double(m.intermediateSize / tp)
    return [
      projection(
        "\(label) mlp up\(m.gated ? "+gate" : "")", count: count, input: h,
        output: Double(m.matrices - 1) * i),
      projection("\(label) mlp down", count: count, input: i, output: h),
    ]
  }

  func experts(_ e: MixtureOfExpertsSpec, count: Int, label: String)
    -> [Operator]
  {
    let n = Double(e.experts)
    let k = Double(e.expertsPerToken)
    let i = Double(e.expert.intermediateSize / tp)
    let perExpert = Double(e.expert.matrices) * h * i
    // Distinct experts a pass touches when T tokens each pick k of E.
    let touched = n * (1 - Foundationless.power(1 - k / n, tokens))
    var ops = [
      Operator(
        name: "\(label) router", kind: .router, count: count,
        flops: 2 * tokens * h * n,
        dataType: type, bytes: weightBytes(h * n) + a * tokens * (h + n)),
      Operator(
        name: "\(label) experts (top-\(e.expertsPerToken) of \(e.experts))",
        kind: .experts,
        count: count, flops: 2 * tokens * k * perExpert, dataType: type,
        bytes: weightBytes(touched * perExpert) + a * tokens * k * (2 * h + i)),
    ]
    if let shared = e.sharedExpert, e.sharedExperts > 0 {
      let si = Double(shared.intermediateSize / tp) * Double(e.sharedExperts)
      ops.append(
        projection(
          "\(label) shared experts", count: count, input: h,
          output: Double(shared.matrices) * si))
    }
    return ops
  }
}

/// `pow` without Foundation, for the pure model library.
enum Foundationless {
  /// `base^exponent` for `0 ≤ base ≤ 1` and a non-negative exponent, by
  /// repeated squaring on the integer part (token counts are integers).
  static func power(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    var b = base
    var e = Int(exponent)
    while e > 0 {
      if e & 1 == 1 { result *= b }
      b *= b
      e >>= 1
    }
    return result
  }
}
