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
    _ graph: OperatorGraph, on device: DeviceSpec,
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
          op, on: device, efficiency: factors))
    }
    return PhasePrediction(graph: graph, times: times)
  }
}
