/// A phase's predicted time, operator by operator.
public struct PhasePrediction: Sendable, Hashable, Codable {
  /// The graph predicted.
  public var graph: OperatorGraph
  /// Each operator's time, in graph order.
  public var times: [OperatorTime]

  /// Creates a prediction from times already computed.
  public init(graph: OperatorGraph, times: [OperatorTime]) {
    precondition(graph.operators.count == times.count)
    self.graph = graph
    self.times = times
  }

  /// Seconds of the whole phase: every operator instance in sequence.
  public var seconds: Double {
    zip(graph.operators, times).reduce(0) {
      $0 + Double($1.0.count) * $1.1.seconds
    }
  }

  /// Predicts `graph` on `device`; with `calibration`, an operator whose
  /// kernel class was fitted uses the fitted factors
  /// (``KernelCalibration/factors(_:base:)``), the rest `efficiency`.
  ///
  /// - Throws: ``PlanError`` when the device lacks an operator's data type.
  public static func predict(
    _ graph: OperatorGraph, on device: DeviceSpec, tensorParallel tp: Int,
    efficiency: EfficiencyFactors, calibration: KernelCalibration? = nil
  ) throws(PlanError) -> PhasePrediction {
    var times: [OperatorTime] = []
    for op in graph.operators {
      let factors =
        calibration?.entry(for: op.kind, in: graph.phase).map {
          KernelCalibration.factors($0, base: efficiency)
        } ?? efficiency
      times.append(
        try RooflineModel.time(
          op, on: device, tensorParallel: tp, efficiency: factors))
    }
    return PhasePrediction(graph: graph, times: times)
  }
}

/// TTFT, TPOT and throughput of one serving scenario.
///
///     TTFT  = time of the prefill graph (all prompts of the batch at once)
///     TPOT  = time of one decode step at the mean context of generation,
///             prompt + output/2 (decode time is linear in context, so this
///             is the mean over the output)
///     end-to-end = TTFT + output · TPOT
///     throughput = batch · replicas / TPOT output tokens per second
///
/// Pipeline stages run the layers in sequence, so a single batch's times
/// do not shrink with PP (bubbles and stage transfers are not counted).
public struct ServingPrediction: Sendable, Hashable, Codable {
  /// The prefill phase.
  public var prefill: PhasePrediction
  /// One decode step at the mean context.
  public var decode: PhasePrediction
  /// Output tokens per sequence.
  public var outputTokens: Int
  /// Data-parallel replicas.
  public var replicas: Int
  /// Sequences per replica.
  public var batch: Int
  /// The efficiency factors used.
  public var efficiency: EfficiencyFactors

  /// Time to first token, seconds.
  public var ttftSeconds: Double { prefill.seconds }
  /// Time per output token, seconds.
  public var tpotSeconds: Double { decode.seconds }
  /// Latency of one request from arrival to its last token, seconds.
  public var endToEndSeconds: Double {
    ttftSeconds + Double(outputTokens) * tpotSeconds
  }
  /// Output tokens per second over the deployment while decoding.
  public var outputTokensPerSecond: Double {
    Double(batch * replicas) / tpotSeconds
  }

  /// Predicts `model` serving `scenario` on devices like `device`.
  ///
  /// - Throws: ``PlanError`` when the device lacks the activation type.
  public static func predict(
    _ model: ModelArchitecture, on device: DeviceSpec,
    _ scenario: GraphScenario,
    outputTokens: Int, efficiency: EfficiencyFactors,
    calibration: KernelCalibration? = nil
  ) throws(PlanError) -> ServingPrediction {
    let tp = scenario.plan.tensorParallel
    var decodeScenario = scenario
    decodeScenario.contextTokens = scenario.promptTokens + outputTokens / 2
    return ServingPrediction(
      prefill: try PhasePrediction.predict(
        OperatorGraphBuilder.prefill(model, scenario), on: device,
        tensorParallel: tp,
        efficiency: efficiency, calibration: calibration),
      decode: try PhasePrediction.predict(
        OperatorGraphBuilder.decode(model, decodeScenario), on: device,
        tensorParallel: tp,
        efficiency: efficiency, calibration: calibration),
      outputTokens: outputTokens, replicas: scenario.plan.dataParallel,
      batch: scenario.batch,
      efficiency: efficiency)
  }
}
