/// EAGLE: a draft of one decoder layer that runs on the target's own
/// features (Li et al. 2024).
///
/// Each of the γ draft steps takes the target's last hidden state and the
/// embedding of the token just drafted, joins them through one fully
/// connected layer (2h → h), runs one decoder layer of the target's shape
/// (with its own KV cache over the context) and the target's LM head:
///
///     FLOPs = 2 · batch · 2h · h + one layer's decode step + LM head
///
/// and the target verifies the γ tokens as it does a draft model's. The
/// draft layer is a dense decoder layer; EAGLE's tree of candidates is
/// not modelled (one chain of γ).
///
/// [Li et al. 2024, EAGLE]: https://arxiv.org/abs/2401.15077
extension SpeculativeDecoding {
  /// The draft: the target with only its first layer (a dense attention
  /// and MLP layer); `nil` when the target's first layer is another kind.
  public static func eagleDraft(_ target: ModelArchitecture)
    -> ModelArchitecture?
  {
    guard let first = target.layerGroups.first,
      first.layer.issueKind == "attention+mlp"
    else { return nil }
    var draft = target
    draft.name = "EAGLE layer of \(target.name)"
    draft.layerGroups = [LayerGroup(count: 1, layer: first.layer)]
    return draft
  }

  /// One EAGLE draft step for `scenario.batch` sequences at its context:
  /// the fully connected layer, then the one-layer draft's decode step
  /// (embedding, layer, final norm, LM head, sampling); `nil` when
  /// ``eagleDraft(_:)`` is.
  public static func eagleGraph(
    _ target: ModelArchitecture, _ scenario: GraphScenario
  ) -> OperatorGraph? {
    guard let draft = eagleDraft(target) else { return nil }
    var graph = OperatorGraphBuilder.decode(draft, scenario)
    let h = Double(target.hiddenSize)
    let tp = Double(scenario.plan.tensorParallel)
    let rows = Double(scenario.batch)
    let type = scenario.activationDataType.residualType
    let a = type.bytesPerElement
    let fc = Operator(
      name: "EAGLE fc (feature and token, 2h → h)", kind: .projection,
      count: 1, flops: 2 * rows * 2 * h * h / tp, dataType: type,
      bytes: scenario.weightFormat.bytes(
        elements: 2 * h * h / tp, vectorLength: target.hiddenSize)
        + rows * 3 * a * h)
    let at = graph.operators.firstIndex { $0.layer != nil } ?? 0
    graph.operators.insert(fc, at: at)
    return graph
  }

  /// Prices a step of `target` verifying `draftTokens` drafts of the
  /// EAGLE step `draft` (``eagleGraph(_:_:)`` for `scenario`) at
  /// `acceptance`, for `scenario`'s batch at its context.
  ///
  /// - Throws: ``PlanError`` when the device lacks a data type.
  public static func eagleStep(
    target: ModelArchitecture, on device: DeviceSpec,
    _ scenario: GraphScenario, draft: OperatorGraph, draftTokens gamma: Int,
    acceptance: Double, efficiency: EfficiencyFactors,
    calibration: KernelCalibration?
  ) throws(PlanError) -> Step {
    let draftStep = try PhasePrediction.predict(
      draft, on: device, efficiency: efficiency, calibration: calibration,
      engine: scenario.engine
    ).seconds
    return try step(
      target: target, on: device, scenario, draftTokens: gamma,
      draftSeconds: Double(gamma) * draftStep, acceptance: acceptance,
      efficiency: efficiency, calibration: calibration)
  }
}
