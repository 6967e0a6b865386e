/// Seconds of a continuous-batching engine's passes (``ServingIteration``),
/// priced by the one evaluator that prices `predict`'s phases.
///
/// A pass that prefills anything is one graph: the operators that follow
/// the pass's token count (projections, norms, experts, all-reduces, an
/// engine's per-token kernels) built once for all its `T` tokens, and in
/// place of each operator that follows a sequence's own length
/// (``Operator/scalesWithSequences``: attention, recurrences, the LM head)
/// that operator of every chunk's graph (one sequence, its tokens after
/// its cached ones) and of the decoding sequences' graph (each one token
/// after its cache, at their mean cache length: attention's FLOPs and
/// bytes are linear in it, so the mean gives their sums). The LM head and
/// sampling run on the chunks that end a prompt and on every decoding
/// sequence. The attention of all of them is one FlashAttention-2 varlen
/// call, which folds a GQA group into its row tile only when every
/// sequence has one query: in a pass that prefills, a decoding sequence
/// (and a chunk of fewer than 128 tokens) takes a whole 128-row tile per
/// query head over its keys, and each query head reads its KV head's
/// cache (``VarlenAttention/unpacked(_:_:_:queries:keys:)``). The graph
/// is priced by ``PhasePrediction/predict`` in the engine's prefill
/// launch mode.
///
/// A pass that only decodes is `predict`'s decode step at the mean cache
/// length `L = S/D`. To keep a simulation of millions of steps fast it is
/// priced exactly at knots in `L` and interpolated linearly between them:
/// every integer below 64, then 64 knots per doubling (spacing
/// `2^⌊log₂ L⌋ / 64`, under 1.6% of `L`). A step's time is piecewise
/// linear in `L` with few kinks (a limiter switching, the L2 filling), so
/// the interpolation is exact between kinks; a test bounds it against the
/// exact price.
public final class IterationPricer {
  /// The model served.
  public let model: ModelArchitecture
  /// The device each replica runs on.
  public let device: DeviceSpec
  /// Split, formats, engine and SRAM of every pass; its batch and lengths
  /// are replaced per pass.
  public let scenario: GraphScenario
  /// Factors for kernels without a fitted class.
  public let efficiency: EfficiencyFactors
  /// The descriptor's fitted kernel classes, if any.
  public let calibration: KernelCalibration?
  /// The attention kernels' tail over unequal cache lengths, when
  /// measured; `nil`: a pass is priced at its mean length.
  public var unequalLengthTail: UnequalLengthTail?
  /// The host's issue speed relative to the calibration's host-issue
  /// entries, which scales an eager pass's host seconds.
  ///
  /// From ``KernelCalibration/hostScale(probeSeconds:layers:profile:layerKind:phase:)``;
  /// set it before pricing (passes are remembered).
  public var hostScale = 1.0
  /// Calibration classes a priced pass lacked (printed by the caller).
  public private(set) var uncalibratedClasses = Set<String>()
  private var knots: [Int: Double] = [:]
  private var attentionInstances: Int?
  /// Passes that prefill, priced already (a workload of fixed lengths
  /// repeats them); at most ``mixedMemoLimit`` kept.
  private var mixed: [ServingIteration: Double] = [:]
  private let mixedMemoLimit = 1 << 16

  /// A pricer for `model` on `device` in `scenario`'s split and engine.
  ///
  /// - Throws: ``PlanError`` when the split pipelines or splits the
  ///   context (not simulated), or the model cannot be split so.
  public init(
    _ model: ModelArchitecture, on device: DeviceSpec,
    _ scenario: GraphScenario,
    efficiency: EfficiencyFactors, calibration: KernelCalibration? = nil
  ) throws(PlanError) {
    try model.checkPlan(scenario.plan)
    guard scenario.plan.pipelineParallel == 1 else {
      throw PlanError(
        .pipelineParallel,
        "iteration-level simulation of a pipelined replica is not modelled; use --pp 1 (replicas with tensor parallelism)"
      )
    }
    guard scenario.plan.contextParallel == 1 else {
      throw PlanError(
        .contextParallel,
        "iteration-level simulation of context parallelism is not modelled; use --cp 1"
      )
    }
    self.model = model
    self.device = device
    var s = scenario
    s.plan.microBatches = 1
    self.scenario = s
    self.efficiency = efficiency
    self.calibration = calibration
  }

  /// Seconds of `iteration` on one replica.
  ///
  /// - Throws: ``PlanError`` when the device lacks a data type.
  public func seconds(_ iteration: ServingIteration) throws(PlanError)
    -> Double
  {
    let d = iteration.decodeSequences
    let tail =
      d > 0
      ? try tailSeconds(
        sequences: d, contextTokens: Double(iteration.decodeContextTokens),
        longest: iteration.decodeLongestContext) : 0
    if iteration.chunks.isEmpty {
      guard d > 0 else { return 0 }
      return try decodeSeconds(
        sequences: d, contextTokens: Double(iteration.decodeContextTokens))
        + tail
    }
    var key = iteration
    key.decodeLongestContext = 0
    if let t = mixed[key] { return t + tail }
    let t = try price(mixedGraph(key))
    if mixed.count >= mixedMemoLimit { mixed.removeAll(keepingCapacity: true) }
    mixed[key] = t
    return t + tail
  }

  /// The attention kernels' tail of a decode group whose longest cache
  /// exceeds the mean (``UnequalLengthTail``), over every attention
  /// instance of the pass; 0 without a measured tail.
  ///
  /// - Throws: ``PlanError`` when the device lacks a data type.
  public func tailSeconds(
    sequences: Int, contextTokens: Double, longest: Int
  ) throws(PlanError) -> Double {
    guard let tail = unequalLengthTail else { return 0 }
    let excess = Double(longest) - contextTokens / Double(sequences)
    guard excess > 0 else { return 0 }
    if attentionInstances == nil {
      var s = scenario
      s.batch = 1
      s.contextTokens = 1
      attentionInstances = OperatorGraphBuilder.decode(model, s).operators
        .filter { $0.kind == .attention }.reduce(0) { $0 + $1.count }
    }
    return Double(attentionInstances ?? 0)
      * tail.secondsPerToken(batch: sequences) * excess
  }

  /// Seconds of a decode-only pass of `sequences` whose caches hold
  /// `contextTokens` in all, interpolated between exact knots.
  ///
  /// - Throws: ``PlanError`` when the device lacks a data type.
  public func decodeSeconds(sequences: Int, contextTokens: Double)
    throws(PlanError) -> Double
  {
    let mean = max(1, contextTokens / Double(sequences))
    let whole = Int(mean)
    var step = 1
    if whole >= 128 {
      let octave = Int.bitWidth - whole.leadingZeroBitCount - 1
      step = 1 << (octave - 6)
    }
    let low = whole / step * step
    let t0 = try knot(sequences, low)
    let fraction = (mean - Double(low)) / Double(step)
    guard fraction > 0 else { return t0 }
    return t0 + fraction * (try knot(sequences, low + step) - t0)
  }

  /// Seconds to copy `bytes` between the device and host memory over
  /// the host link (``OffloadModel/transferSeconds(bytes:on:efficiency:sharers:)``).
  public func hostTransferSeconds(bytes: Double) -> Double {
    OffloadModel.transferSeconds(
      bytes: bytes, on: device, efficiency: efficiency)
  }

  /// The exact price of a decode-only pass of `sequences` at `context`
  /// tokens each: `predict`'s decode step.
  ///
  /// - Throws: ``PlanError`` when the device lacks a data type.
  public func exactDecodeSeconds(sequences: Int, context: Int)
    throws(PlanError) -> Double
  {
    var s = scenario
    s.batch = sequences
    s.promptTokens = 1
    s.cachedTokens = 0
    s.contextTokens = context
    return try price(OperatorGraphBuilder.decode(model, s))
  }

  private func knot(_ sequences: Int, _ context: Int) throws(PlanError)
    -> Double
  {
    let key = sequences << 40 | context
    if let t = knots[key] { return t }
    let t = try exactDecodeSeconds(sequences: sequences, context: context)
    knots[key] = t
    return t
  }

  private func price(_ graph: OperatorGraph) throws(PlanError) -> Double {
    let p = try PhasePrediction.predict(
      graph, on: device, efficiency: efficiency, calibration: calibration,
      engine: scenario.engine, hostScale: hostScale)
    uncalibratedClasses.formUnion(p.uncalibratedClasses)
    return p.seconds
  }

  /// The graph of a pass that prefills: see the type's discussion.
  ///
  /// - Throws: ``PlanError`` when the model's graphs differ in shape
  ///   between lengths (no such family today).
  public func mixedGraph(_ iteration: ServingIteration) throws(PlanError)
    -> OperatorGraph
  {
    func graph(batch: Int, tokens: Int, cached: Int) -> OperatorGraph {
      var s = scenario
      s.batch = batch
      s.promptTokens = tokens
      s.cachedTokens = cached
      s.contextTokens = cached + tokens
      var g = OperatorGraphBuilder.prefill(model, s)
      // The pass's one varlen call: a sequence of fewer queries than a
      // row tile takes a whole tile per query head.
      guard tokens < VarlenAttention.rowTile else { return g }
      for i in g.operators.indices where g.operators[i].kind == .attention {
        guard let place = g.operators[i].layer,
          let at = model.layerGroups[place.group].layer.mixer.attentionBranch
        else { continue }
        g.operators[i] = VarlenAttention.unpacked(
          g.operators[i], at, s, queries: tokens, keys: s.contextTokens)
      }
      return g
    }
    let base = graph(batch: 1, tokens: iteration.tokens, cached: 0)
    var parts: [(graph: OperatorGraph, samples: Bool)] = iteration.chunks.map {
      (graph(batch: 1, tokens: $0.tokens, cached: $0.cachedTokens), $0.samples)
    }
    let d = iteration.decodeSequences
    if d > 0 {
      // Each decoding sequence: one token after its cache less that token.
      let mean = Double(iteration.decodeContextTokens) / Double(d)
      let cached = max(0, Int((mean - 1).rounded()))
      parts.append((graph(batch: d, tokens: 1, cached: cached), true))
    }
    for part in parts
    where part.graph.operators.map(\.kind) != base.operators.map(\.kind) {
      throw PlanError(
        .chunk,
        "\(model.name)'s graph changes shape with the pass's length; a mixed batch cannot be priced"
      )
    }
    // The parts' attention is one launch: its thread blocks, one a
    // (sequence, query head, row tile), are what keeps the units busy.
    let sizes =
      iteration.chunks.map { (1, $0.tokens) } + (d > 0 ? [(d, 1)] : [])
    var ops: [Operator] = []
    for (i, op) in base.operators.enumerated() {
      guard op.scalesWithSequences else {
        ops.append(op)
        continue
      }
      var launch: Int?
      if op.kind == .attention, let place = op.layer,
        let at = model.layerGroups[place.group].layer.mixer.attentionBranch
      {
        let heads = at.queryHeads / scenario.plan.tensorParallel
        launch = sizes.reduce(0) {
          $0
            + VarlenAttention.threadBlocks(
              batch: $1.0, queries: $1.1, heads: heads)
        }
      }
      // The LM head and sampling run only where a position is sampled.
      let sampling = op.layer == nil
      for part in parts where part.samples || !sampling {
        var partOp = part.graph.operators[i]
        if partOp.threadBlocks != nil, let launch {
          partOp.threadBlocks = launch
        }
        ops.append(partOp)
      }
    }
    return OperatorGraph(
      phase: .prefill, tokens: iteration.tokens, operators: ops)
  }
}
