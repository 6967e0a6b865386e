extension KernelCalibration {
  /// The kernel class an operator of a serving graph is measured as:
  /// matrix products as `gemm`, prefill attention as `flash-attention`,
  /// decode attention as `decode-attention`, and the recurrent mixers as
  /// their kernels; `nil` for operators no kernel class covers (norms,
  /// convolutions, collectives).
  public static func kernelClass(
    of kind: Operator.Kind, in phase: OperatorGraph.Phase
  ) -> KernelWorkload.Kind? {
    switch kind {
    case .projection, .mlp, .lmHead, .experts, .router: .gemm
    case .attention: phase == .prefill ? .flashAttention : .decodeAttention
    case .linearAttention: .linearAttention
    case .scan: .selectiveScan
    case .embedding, .norm, .convolution, .allReduce, .communication: nil
    }
  }

  /// The fitted entry for an operator: among the classes of its kernel
  /// (`gemm`, `gemm/cublas`, …), the first in name order.
  public func entry(for kind: Operator.Kind, in phase: OperatorGraph.Phase)
    -> Entry?
  {
    guard let k = Self.kernelClass(of: kind, in: phase) else { return nil }
    let name = k.rawValue
    return entries.keys.sorted().first {
      $0 == name || $0.hasPrefix(name + "/")
    }.flatMap { entries[$0] }
  }

  /// Operator-graph factors from a fitted entry: its matrix and memory
  /// efficiencies, the larger of its overheads as the launch cost, and
  /// `base`'s link factors.
  public static func factors(
    _ entry: Entry, base: EfficiencyFactors
  ) -> EfficiencyFactors {
    let e = entry.efficiency
    return EfficiencyFactors(
      compute: min(1, e.matrix), memory: min(1, e.memory), link: base.link,
      launchSeconds: max(e.computeOverheadSeconds, e.memoryOverheadSeconds),
      linkLatencySeconds: base.linkLatencySeconds)
  }

  /// The error band of a predicted phase: each covered operator's band,
  /// weighted by its share of the covered time; `nil` when no operator of
  /// the phase has a band.
  public func band(of phase: PhasePrediction) -> ErrorBand? {
    var low = 0.0
    var high = 0.0
    var covered = 0.0
    for (op, time) in zip(phase.graph.operators, phase.times) {
      guard let band = entry(for: op.kind, in: phase.graph.phase)?.band
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
