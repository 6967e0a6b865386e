/// One measured whole-model phase: a prefill of a batch (its time to
/// first token) or one decode step of a batch at a context.
public struct EndToEndCase: Sendable, Hashable, Codable {
  /// The model as the catalogue names it (or a config path).
  public var model: String
  /// The engine measured (`reference`, `hf`).
  public var engine: String
  /// The fusion profile the engine runs (``EngineProfile/named(_:)``).
  public var profile: EngineProfile
  /// How the phase's kernels were launched.
  public var launchMode: KernelWorkload.LaunchMode
  /// Prefill or decode.
  public var phase: OperatorGraph.Phase
  /// Sequences in the batch.
  public var batch: Int
  /// Prompt tokens per sequence (prefill) or cached tokens (decode).
  public var tokens: Int
  /// Measured median seconds.
  public var measuredSeconds: Double
  /// Kernels the measured pass launched, when counted.
  public var measuredKernels: Int?
  /// The CSV row.
  public var row: Int
  /// Seconds of one pass of the model narrowed until the host binds,
  /// with ``hostProbeLayers`` layers, timed around the row (the host's
  /// speed at its moment), when measured.
  public var hostProbeSeconds: Double?
  /// Layers of that narrowed model.
  public var hostProbeLayers: Int?

  /// Creates a case.
  public init(
    model: String, engine: String, profile: EngineProfile,
    launchMode: KernelWorkload.LaunchMode, phase: OperatorGraph.Phase,
    batch: Int, tokens: Int, measuredSeconds: Double, measuredKernels: Int?,
    row: Int, hostProbeSeconds: Double? = nil, hostProbeLayers: Int? = nil
  ) {
    self.hostProbeSeconds = hostProbeSeconds
    self.hostProbeLayers = hostProbeLayers
    self.model = model
    self.engine = engine
    self.profile = profile
    self.launchMode = launchMode
    self.phase = phase
    self.batch = batch
    self.tokens = tokens
    self.measuredSeconds = measuredSeconds
    self.measuredKernels = measuredKernels
    self.row = row
  }
}

/// A measured whole-model phase against its prediction.
public struct EndToEndResult: Sendable, Hashable, Codable {
  /// The case.
  public var measured: EndToEndCase
  /// The predicted phase.
  public var predictedSeconds: Double
  /// Kernels the predicted graph launches.
  public var predictedKernels: Int
  /// Classes priced at default factors.
  public var uncalibratedClasses: [String]
  /// The factor the host's issue seconds were scaled by (the probe's
  /// measured over its calibrated seconds), when scaled.
  public var hostScale: Double?

  /// `(predicted − measured) / measured` (``ResidualSummary/error(predicted:measured:)``):
  /// negative where the prediction is optimistic.
  public var relativeError: Double {
    ResidualSummary.error(
      predicted: predictedSeconds, measured: measured.measuredSeconds)
  }
}

/// Where an eager pass's host issue seconds come from.
public enum HostSpeed: String, Sendable, Hashable, CaseIterable {
  /// The calibration's ``HostIssue`` entries as fitted.
  case calibration
  /// The same, scaled per row by its host probe: the probe's measured
  /// seconds over what the entry gives for the probe's layers
  /// (`pass + layers · layer`); rows without a probe as fitted.
  case probe
}

/// Predicts measured whole-model phases with the one serving evaluator
/// (``PhasePrediction/predict(_:on:efficiency:calibration:engine:)``)
/// on a descriptor as it is: nothing is fitted to these rows.
public enum EndToEndValidation {
  /// Predicts `cases`, each with `model(case)`'s architecture on `device`.
  ///
  /// A prefill is one pass over the batch's prompts from an empty cache
  /// (the first token sampled); a decode step reads `tokens` cached
  /// tokens per sequence.
  ///
  /// - Throws: ``PlanError`` when the device cannot run a case.
  public static func predict(
    _ cases: [EndToEndCase], on device: DeviceSpec,
    efficiency: EfficiencyFactors = .defaults,
    hostSpeed: HostSpeed = .calibration,
    model: (EndToEndCase) throws(PlanError) -> ModelArchitecture
  ) throws(PlanError) -> [EndToEndResult] {
    var results: [EndToEndResult] = []
    for c in cases {
      let architecture = try model(c)
      var engine = c.profile
      if c.phase == .prefill {
        engine.prefillLaunch = c.launchMode
      } else {
        engine.decodeLaunch = c.launchMode
      }
      var scenario = GraphScenario(
        batch: c.batch, promptTokens: c.tokens, contextTokens: c.tokens,
        weightFormat: .weights(architecture.weightDataType),
        cacheFormat: .cache(.bf16), activationDataType: .bf16,
        sramBytes: device.sramBytesPerUnit ?? 65536)
      scenario.engine = engine
      scenario.computeUnits = device.compute.unitCount
      let graph =
        c.phase == .prefill
        ? OperatorGraphBuilder.prefill(architecture, scenario)
        : OperatorGraphBuilder.decode(architecture, scenario)
      var scale: Double?
      if hostSpeed == .probe, let probe = c.hostProbeSeconds,
        let layers = c.hostProbeLayers,
        let kind = architecture.layerGroups.first?.layer.issueKind
      {
        scale = device.calibration?.hostScale(
          probeSeconds: probe, layers: layers, profile: engine.name,
          layerKind: kind, phase: c.phase)
      }
      let phase = try PhasePrediction.predict(
        graph, on: device, efficiency: efficiency,
        calibration: device.calibration, engine: engine,
        hostScale: scale ?? 1)
      results.append(
        EndToEndResult(
          measured: c, predictedSeconds: phase.seconds,
          predictedKernels: phase.kernelLaunches,
          uncalibratedClasses: phase.uncalibratedClasses, hostScale: scale))
    }
    return results
  }
}
