/// Speculative decoding: a draft model proposes γ tokens a step, the
/// target verifies them in one pass of γ + 1 tokens a sequence, and the
/// accepted prefix plus one token of the target's is kept.
///
/// With each drafted token accepted independently with probability α,
/// a step yields on average (Leviathan et al. 2023, eq. 1)
///
///     E[tokens] = (1 − α^(γ+1)) / (1 − α)      (γ + 1 at α = 1)
///
/// and costs γ decode steps of the draft plus the verification pass:
///
///     t_step = γ · t_draft(B, L) + t_verify(B, γ + 1, L)
///     TPOT   = t_step / E[tokens]
///
/// The draft runs on the target's devices with the target's split; its
/// steps and the verification are priced by the one pricer (the
/// verification as a decode-phase pass, as engines capture it, whose LM
/// head and sampling run on all γ + 1 positions of each sequence). The
/// draft's catch-up on the bonus token and rejection sampling's own
/// kernels are not modelled.
///
/// [Leviathan et al. 2023]: https://arxiv.org/abs/2211.17192
public enum SpeculativeDecoding {
  /// Expected tokens per step for `draftTokens` γ at acceptance `alpha`.
  public static func expectedTokens(
    draftTokens gamma: Int, acceptance alpha: Double
  )
    -> Double
  {
    precondition(gamma >= 0 && alpha >= 0 && alpha <= 1)
    guard alpha < 1 else { return Double(gamma + 1) }
    var power = 1.0
    for _ in 0...gamma { power *= alpha }
    return (1 - power) / (1 - alpha)
  }

  /// One configuration's step.
  public struct Step: Sendable, Hashable, Codable {
    /// Draft tokens a step (γ).
    public var draftTokens: Int
    /// Acceptance rate (α).
    public var acceptance: Double
    /// Seconds of the γ draft steps.
    public var draftSeconds: Double
    /// Seconds of the verification pass.
    public var verifySeconds: Double
    /// Expected tokens a step.
    public var tokensPerStep: Double
    /// Seconds per output token: the step over its tokens.
    public var tpotSeconds: Double {
      (draftSeconds + verifySeconds) / tokensPerStep
    }
  }

  /// The graph of the target verifying γ drafted tokens for each of
  /// `scenario.batch` sequences at `scenario.contextTokens`.
  public static func verificationGraph(
    _ model: ModelArchitecture, _ scenario: GraphScenario,
    draftTokens gamma: Int
  ) -> OperatorGraph {
    var s = scenario
    s.promptTokens = gamma + 1
    s.cachedTokens = scenario.contextTokens
    s.contextTokens = scenario.contextTokens + gamma + 1
    let base = OperatorGraphBuilder.prefill(model, s)
    // The LM head and sampling on every verified position: the head of a
    // pass with a sequence per position.
    var rows = s
    rows.batch = scenario.batch * (gamma + 1)
    rows.promptTokens = 1
    let head = OperatorGraphBuilder.prefill(model, rows).operators
    var ops = base.operators
    for i in ops.indices
    where ops[i].layer == nil && ops[i].scalesWithSequences && i < head.count {
      ops[i] = head[i]
    }
    for i in ops.indices where ops[i].kind == .attention {
      guard let place = ops[i].layer,
        let at = model.layerGroups[place.group].layer.mixer.attentionBranch
      else { continue }
      ops[i] = VarlenAttention.unpacked(
        ops[i], at, s, queries: gamma + 1, keys: s.contextTokens)
    }
    return OperatorGraph(phase: .decode, tokens: base.tokens, operators: ops)
  }

  /// Prices a step of `target` verifying `draftTokens` of `draft` at
  /// `acceptance`, for `scenario`'s batch at its context.
  ///
  /// - Throws: ``PlanError`` when the device lacks a data type.
  public static func step(
    target: ModelArchitecture, draft: ModelArchitecture, on device: DeviceSpec,
    _ scenario: GraphScenario, draftTokens gamma: Int, acceptance: Double,
    efficiency: EfficiencyFactors, calibration: KernelCalibration?
  ) throws(PlanError) -> Step {
    let draftStep = try decodeSeconds(
      draft, on: device, scenario, efficiency: efficiency,
      calibration: calibration)
    return try step(
      target: target, on: device, scenario, draftTokens: gamma,
      draftSeconds: Double(gamma) * draftStep, acceptance: acceptance,
      efficiency: efficiency, calibration: calibration)
  }

  /// One decode step of `draft` in `scenario`.
  static func decodeSeconds(
    _ draft: ModelArchitecture, on device: DeviceSpec,
    _ scenario: GraphScenario, efficiency: EfficiencyFactors,
    calibration: KernelCalibration?
  ) throws(PlanError) -> Double {
    try PhasePrediction.predict(
      OperatorGraphBuilder.decode(draft, scenario), on: device,
      efficiency: efficiency, calibration: calibration,
      engine: scenario.engine
    ).seconds
  }

  /// A step whose drafting takes `draftSeconds`, its verification priced.
  static func step(
    target: ModelArchitecture, on device: DeviceSpec,
    _ scenario: GraphScenario, draftTokens gamma: Int, draftSeconds: Double,
    acceptance: Double, efficiency: EfficiencyFactors,
    calibration: KernelCalibration?
  ) throws(PlanError) -> Step {
    let verify = try PhasePrediction.predict(
      verificationGraph(target, scenario, draftTokens: gamma), on: device,
      efficiency: efficiency, calibration: calibration,
      engine: scenario.engine)
    return Step(
      draftTokens: gamma, acceptance: acceptance, draftSeconds: draftSeconds,
      verifySeconds: verify.seconds,
      tokensPerStep: expectedTokens(draftTokens: gamma, acceptance: acceptance))
  }

  /// The step of least TPOT among `price(γ)` for γ in `1...most`.
  ///
  /// - Throws: what `price` throws.
  public static func best(
    most: Int = 16, _ price: (Int) throws(PlanError) -> Step
  ) throws(PlanError) -> Step {
    precondition(most >= 1)
    var best = try price(1)
    for gamma in stride(from: 2, through: most, by: 1) {
      let s = try price(gamma)
      if s.tpotSeconds < best.tpotSeconds { best = s }
    }
    return best
  }

  /// The γ in `1...most` with the least TPOT for `draft`, and its step
  /// (the draft's decode step priced once).
  ///
  /// - Throws: ``PlanError`` when the device lacks a data type.
  public static func best(
    target: ModelArchitecture, draft: ModelArchitecture, on device: DeviceSpec,
    _ scenario: GraphScenario, acceptance: Double, most: Int = 16,
    efficiency: EfficiencyFactors, calibration: KernelCalibration?
  ) throws(PlanError) -> Step {
    let draftStep = try decodeSeconds(
      draft, on: device, scenario, efficiency: efficiency,
      calibration: calibration)
    return try best(most: most) { (gamma: Int) throws(PlanError) -> Step in
      try step(
        target: target, on: device, scenario, draftTokens: gamma,
        draftSeconds: Double(gamma) * draftStep, acceptance: acceptance,
        efficiency: efficiency, calibration: calibration)
    }
  }

  /// The graph of Medusa heads proposing `heads` tokens a sequence.
  ///
  /// Each head is a residual feed-forward block (h → h) and its own LM
  /// head (h → vocabulary) on the last hidden state of each of
  /// `scenario.batch` sequences, all run in one pass (Cai et al. 2024).
  ///
  ///     FLOPs = heads · 2 · batch · (h² + h · vocab)
  ///     bytes = heads · (h² + h · vocab) weights + activations and logits
  ///
  /// [Cai et al. 2024, Medusa]: https://arxiv.org/abs/2401.10774
  public static func medusaGraph(
    _ model: ModelArchitecture, _ scenario: GraphScenario, heads: Int
  ) -> OperatorGraph {
    let h = Double(model.hiddenSize)
    let tp = scenario.plan.tensorParallel
    let vocab = Double((model.vocabSize + tp - 1) / tp)
    let rows = Double(scenario.batch)
    let type = scenario.activationDataType.residualType
    let a = type.bytesPerElement
    let w = scenario.weightFormat
    let block = Operator(
      name: "Medusa heads: residual blocks", kind: .projection, count: heads,
      flops: 2 * rows * h * h / Double(tp), dataType: type,
      bytes: w.bytes(
        elements: h * h / Double(tp), vectorLength: model.hiddenSize)
        + rows * 2 * a * h)
    let head = Operator(
      name: "Medusa heads: LM heads", kind: .lmHead, count: heads,
      flops: 2 * rows * h * vocab, dataType: type,
      bytes: w.bytes(elements: h * vocab, vectorLength: model.hiddenSize)
        + rows * (a * h + 4 * vocab))
    return OperatorGraph(
      phase: .decode, tokens: Int(rows), operators: [block, head])
  }

  /// Prices a step of `target` verifying `heads` Medusa heads' proposals
  /// at `acceptance`, for `scenario`'s batch at its context.
  ///
  /// - Throws: ``PlanError`` when the device lacks a data type.
  public static func medusaStep(
    target: ModelArchitecture, on device: DeviceSpec, _ scenario: GraphScenario,
    heads: Int, acceptance: Double, efficiency: EfficiencyFactors,
    calibration: KernelCalibration?
  ) throws(PlanError) -> Step {
    let draft = try PhasePrediction.predict(
      medusaGraph(target, scenario, heads: heads), on: device,
      efficiency: efficiency, calibration: calibration,
      engine: scenario.engine)
    let verify = try PhasePrediction.predict(
      verificationGraph(target, scenario, draftTokens: heads), on: device,
      efficiency: efficiency, calibration: calibration,
      engine: scenario.engine)
    return Step(
      draftTokens: heads, acceptance: acceptance, draftSeconds: draft.seconds,
      verifySeconds: verify.seconds,
      tokensPerStep: expectedTokens(draftTokens: heads, acceptance: acceptance))
  }
}
