extension KernelCalibration {
  /// The kernel class an operator of a serving graph is measured as:
  /// matrix products as `gemm`, prefill attention as `flash-attention`,
  /// decode attention as `decode-attention`, and the recurrent mixers as
  /// their kernels, norms and the embedding gather as `elementwise`;
  /// `nil` for operators no kernel class covers (convolutions,
  /// collectives).
  public static func kernelClass(
    of kind: Operator.Kind, in phase: OperatorGraph.Phase
  ) -> KernelWorkload.Kind? {
    switch kind {
    case .projection, .mlp, .lmHead, .experts, .router: .gemm
    case .attention: phase == .prefill ? .flashAttention : .decodeAttention
    case .linearAttention: .linearAttention
    case .scan: .selectiveScan
    case .embedding, .norm, .elementwise: .elementwise
    case .convolution, .allReduce, .communication: nil
    }
  }

  /// The error band of a predicted phase: each covered operator's band
  /// (its class's, as ``KernelPricer`` names it for `engine`), weighted by
  /// its share of the covered time; `nil` when no operator of the phase
  /// has a band.
  public func band(of phase: PhasePrediction, engine: EngineProfile = .minimal)
    -> ErrorBand?
  {
    var low = 0.0
    var high = 0.0
    var covered = 0.0
    for (op, time) in zip(phase.graph.operators, phase.times) {
      guard
        let name = KernelPricer.kernelClass(
          of: op, in: phase.graph.phase, engine: engine)?.name,
        let band = entries[name]?.band
      else { continue }
      let seconds = Double(op.count) * time.seconds
      low += band.low * seconds
      high += band.high * seconds
      covered += seconds
    }
    guard covered > 0 else { return nil }
    return ErrorBand(low: low / covered, high: high / covered)
  }
}
