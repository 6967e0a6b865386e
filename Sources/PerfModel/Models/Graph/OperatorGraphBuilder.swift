/// Expands a model into the operator graph of one serving phase, on one
/// tensor-parallel rank, with FLOPs and main-memory bytes per operator.
///
/// Counting rules (all per rank, `T` tokens in the pass, `a` activation
/// bytes per element):
///
///     projection  h_in → h_out:  FLOPs 2·T·h_in·h_out;  bytes weights + a·T·(h_in + h_out)
///     norm:                      FLOPs 4·T·h;           bytes 2·a·T·h
///     prefill attention:         FLOPs 4·d·pairs·heads (causal pairs over the cached
///                                tokens and the pass's own, window-capped);
///                                bytes: FlashAttention-2 traffic for the SRAM (FlashAttentionIO)
///                                + the KV cache written
///     decode attention:          FLOPs 4·d·L·heads;     bytes: the KV cache read + Q, O
///     MoE experts:               weights of the experts a batch touches,
///                                E·(1 − (1 − k/E)^T), FLOPs of the k per token
///     Mamba scan (prefill):      SelectiveScanIO traffic, 7 FLOPs per step, channel and state
///     recurrent decode:          the state read and written once per token
///     all-reduce (TP > 1):       after the attention output and the MLP, T·h·a bytes
///
/// Parallelism beyond tensor parallelism (``ParallelPlan``):
///
///     pipeline (pp > 1):     a send-recv of T·h·a bytes at each of the pp − 1 stage
///                            boundaries
///     context, prefill:      T = batch·⌈n/cp⌉ per rank; ring attention does 1/cp of the
///                            pairs and of the FlashAttention traffic, overlapped with
///                            cp − 1 passes of its key/value block (sendRecv);
///                            Ulysses runs full-length attention on heads/cp after an
///                            all-to-all of Q, K, V (a·T·(q + 2kv)·d per rank) and
///                            before one of O (a·T·q·d), neither overlapped
///     context, decode:       each rank reads L/cp of the cache; the partial outputs and
///                            log-sum-exps (fp32) are all-gathered; the other operators
///                            run on every rank
///     expert (ep = tp):      each rank owns E/ep whole experts and takes its T/ep
///                            tokens' k copies to their owners and back: two
///                            all-to-alls of a·(T/ep)·k·h per rank; then an
///                            all-gather of the T·h·a outputs puts every token back
///                            on every rank, or, with shared experts (sharded by tp),
///                            the all-reduce that also sums their partial outputs
///
/// Weights are counted as read once per pass: the rows a token touches
/// are re-read from cache, not from main memory, within one pass.
///
/// [Pope et al. 2022]: https://arxiv.org/abs/2211.05102
/// [Liu et al. 2023, ring attention]: https://arxiv.org/abs/2310.01889
/// [Jacobs et al. 2023, DeepSpeed-Ulysses]: https://arxiv.org/abs/2309.14509
/// [Lepikhin et al. 2020, GShard]: https://arxiv.org/abs/2006.16668
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
  var cp: Int { scenario.plan.contextParallel }
  /// New tokens per sequence this rank processes in the pass.
  var sequenceTokens: Int {
    phase == .prefill ? (scenario.promptTokens + cp - 1) / cp : 1
  }
  var h: Double { Double(model.hiddenSize) }
  /// Bytes and type of the activations outside matrix products.
  var a: Double { type.bytesPerElement }
  var type: DataType { scenario.activationDataType.residualType }
  /// The type matrix products run in: the checkpoint's W8A8 type, else the
  /// activation type (fp8 or fp4 activations quantize the GEMM inputs, the
  /// quantization fused into the kernel that produces them, as vLLM fuses
  /// it into the norm).
  var gemmType: DataType {
    scenario.weightFormat.quantization?.computeType
      ?? scenario.activationDataType
  }
  /// Tokens in the pass.
  var tokens: Double {
    Double(scenario.batch * sequenceTokens)
  }

  func weightBytes(_ elements: Double) -> Double {
    scenario.weightFormat.bytes(
      elements: elements, vectorLength: model.hiddenSize)
  }

  /// A layer's linear projection.
  ///
  /// A W8A8 checkpoint (fp8, int8 with 8-bit
  /// activations) runs its GEMMs in that type; weight-only formats
  /// dequantise into the activation type's GEMM.
  func projection(_ name: String, count: Int, input: Double, output: Double)
    -> Operator
  {
    Operator(
      name: name, kind: .projection, count: count,
      flops: 2 * tokens * input * output,
      dataType: gemmType,
      bytes: weightBytes(input * output)
        + tokens * (gemmType.bytesPerElement * input + a * output))
  }

  func norm(_ name: String, count: Int) -> Operator {
    var op = Operator(
      name: name, kind: .norm, count: count, flops: 4 * tokens * h,
      dataType: type,
      bytes: 2 * a * tokens * h)
    // An unfused norm (fp32 cast, pow, mean, rsqrt, muls) passes over the
    // tokens once per kernel.
    op.launches = scenario.engine.normLaunches
    op.backend = scenario.engine.normBackend
    op.bytes *= Double(op.launches)
    return op
  }

  /// The profile's short kernels `kernels` as operators, with `widths`
  /// giving each ``EngineProfile/Width`` in elements per token, over
  /// `rows` tokens.
  func shortKernels(
    _ kernels: [EngineProfile.ShortKernel], count: Int, label: String,
    rows: Double? = nil, widths: (EngineProfile.Width) -> Double
  ) -> [Operator] {
    kernels.map { k in
      var width = widths(k.width)
      var rows = rows ?? tokens
      var elementBytes = a
      switch k.width {
      case .cacheContext:
        // One sequence's K (or V) over its whole context, per sequence.
        let context = Double(
          phase == .decode
            ? scenario.contextTokens
            : scenario.cachedTokens + scenario.promptTokens)
        width *= context
        rows = Double(scenario.batch)
        elementBytes = scenario.cacheFormat.dataType.bytesPerElement
      case .vocabulary:
        rows = Double(scenario.batch)
        elementBytes = 4
      default: break
      }
      let perSequence = k.width == .cacheContext || k.width == .vocabulary
      let flopsWidth = k.flopsWidth.map(widths) ?? width
      var op = Operator(
        name: "\(label) \(k.name)",
        kind: k.flopsPerElement > 0 ? .projection : .elementwise, count: count,
        flops: rows * flopsWidth * k.flopsPerElement, dataType: type,
        bytes: elementBytes * rows * width * (k.reads + k.writes))
      op.launches = k.launches
      op.backend = k.backend
      op.sequenceScoped = perSequence
      return op
    }
  }

  /// Elements per token of each profile width in an attention layer.
  func attentionWidth(_ at: AttentionSpec) -> (EngineProfile.Width) -> Double {
    let q = Double(at.queryHeads / tp) * Double(at.headDim)
    let kv =
      Double(Shard.perRank(at.kvHeads, tp) ?? at.kvHeads) * Double(at.headDim)
    return { w in
      switch w {
      case .hidden: self.h
      case .query: q
      case .keyValue, .cacheContext: kv
      case .vocabulary: Double((self.model.vocabSize + self.tp - 1) / self.tp)
      default: 0
      }
    }
  }

  func allReduce(_ name: String, count: Int) -> Operator? {
    guard tp > 1 else { return nil }
    return Operator(
      name: name, kind: .allReduce, count: count, flops: 0, dataType: type,
      bytes: 0,
      collective: CollectiveDemand(
        .allReduce, bytes: a * tokens * h, ranks: tp,
        crossesNodes: scenario.crossesNodes(ranks: tp, stride: 1)))
  }

  /// A step that only communicates.
  func communication(
    _ name: String, count: Int, _ kind: CollectiveModel.Kind, bytes: Double,
    ranks: Int, stride: Int
  ) -> Operator {
    Operator(
      name: name, kind: .communication, count: count, flops: 0, dataType: type,
      bytes: 0,
      collective: CollectiveDemand(
        kind, bytes: bytes, ranks: ranks,
        crossesNodes: scenario.crossesNodes(ranks: ranks, stride: stride)))
  }

  /// The pipeline's hand-offs: activations to the next stage at each of
  /// the pp − 1 boundaries, split into those inside a node and across.
  func pipelineHandOffs() -> [Operator] {
    let pp = scenario.plan.pipelineParallel
    guard pp > 1 else { return [] }
    let block = tp * cp
    let n = scenario.devicesPerNode
    let across = (1..<pp).filter { ($0 * block) % n == 0 || block > n }.count
    var ops: [Operator] = []
    for (count, crosses) in [(pp - 1 - across, false), (across, true)]
    where count > 0 {
      ops.append(
        Operator(
          name: "pipeline hand-off\(crosses ? " (across nodes)" : "")",
          kind: .communication, count: count, flops: 0, dataType: type,
          bytes: 0,
          collective: CollectiveDemand(
            .sendRecv, bytes: a * tokens * h, ranks: 2,
            crossesNodes: crosses)))
    }
    return ops
  }

  func build() -> OperatorGraph {
    var ops: [Operator] = []
    let edge = MemoryModel.edgeFormat(model, scenario.weightFormat)
    ops.append(
      Operator(
        name: "embedding", kind: .embedding, flops: 0, dataType: type,
        bytes: tokens * h * (edge.dataType.bytesPerElement + a)))
    var first = 0
    for (ordinal, group) in model.layerGroups.enumerated() {
      let label =
        group.count == 1
        ? "layer \(first)" : "layers \(first)–\(first + group.count - 1)"
      let place = Operator.Layer(group: ordinal, kind: group.layer.issueKind)
      ops += layer(group.layer, count: group.count, label: label).map {
        var op = $0
        op.layer = place
        return op
      }
      first += group.count
    }
    ops += pipelineHandOffs()
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
    ops += shortKernels(
      scenario.engine.headKernels, count: 1, label: "head",
      widths: { _ in vocab })
    return OperatorGraph(phase: phase, tokens: Int(tokens), operators: ops)
  }

  func layer(_ layer: LayerSpec, count: Int, label: String) -> [Operator] {
    var ops: [Operator] = []
    if layer.mixer != .noMixer {
      var input = norm("\(label) input norm", count: count)
      if case .sharedBlock = layer.mixer {
        // Zamba2's shared block normalises [hidden; embeddings], 2h wide.
        input.flops *= 2
        input.bytes *= 2
      }
      ops.append(input)
      ops += mixer(layer.mixer, count: count, label: label)
    }
    if let at = layer.mixer.attentionBranch {
      // RoPE and the cache write precede attention; the rest follow the
      // output projection.
      let widths = attentionWidth(at)
      let core = ops.firstIndex { $0.kind == .attention } ?? ops.endIndex
      ops.insert(
        contentsOf: shortKernels(
          scenario.engine.attentionKernels, count: count, label: label,
          widths: widths), at: core)
      ops += shortKernels(
        scenario.engine.postAttentionKernels, count: count, label: label,
        widths: widths)
    }
    if layer.mixer != .noMixer,
      let reduce = allReduce("\(label) mixer all-reduce", count: count)
    {
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
      ops += shortKernels(
        scenario.engine.postMLPKernels, count: count, label: label,
        widths: { $0 == .hidden ? self.h : 0 })
      if scenario.plan.expertParallel > 1,
        e.sharedExpert == nil || e.sharedExperts == 0
      {
        // Each rank holds its own tokens' outputs: gather them to all.
        ops.append(
          communication(
            "\(label) experts all-gather", count: count, .allGather,
            bytes: a * tokens * h, ranks: tp, stride: 1))
      } else if let reduce = allReduce(
        "\(label) experts all-reduce", count: count)
      {
        ops.append(reduce)
      }
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
