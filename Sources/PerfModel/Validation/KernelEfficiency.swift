/// How much of each peak one kernel class reaches, and what it pays besides.
///
/// The kernel-level counterpart of ``EfficiencyFactors``, fitted per
/// calibration class by ``KernelCalibration``:
///
///     compute = overhead_c + matrix_seconds / e_matrix + exp_seconds / e_special
///               + stream_seconds / e_stream
///     memory  = overhead_m + memory_seconds / e_memory
///     time    = max(compute, memory)
///
/// where the `…_seconds` are ideal times at the device's peaks, and
/// `stream_seconds` is every operand touched once at its level's bandwidth.
/// A `nil` special efficiency means exponentials cost nothing beyond the
/// matrix work (hidden under it); a `nil` stream efficiency, that passes
/// over the operands are hidden too.
public struct KernelEfficiency: Sendable, Hashable, Codable {
  /// Fraction of the matrix (or vector) FLOP/s peak reached.
  public var matrix: Double
  /// Fraction of the exponential rate reached, or `nil` when hidden.
  public var special: Double?
  /// Fraction of the operands' bandwidth reached by passes over them.
  ///
  /// The passes (packing, the output write, per-row statistics) are paid
  /// on top of the arithmetic; `nil` when hidden under it. Work per row,
  /// not per query–key pair: it sets how fast short sequences are (host
  /// flash at N = 1024 runs at 74 GFLOP/s, at N ≥ 2048 at 82).
  public var stream: Double?
  /// Fraction of the slow-memory level's bandwidth reached.
  public var memory: Double
  /// Fixed seconds added to the compute term (launch, threads, tails).
  public var computeOverheadSeconds: Double
  /// Fixed seconds added to the memory term.
  public var memoryOverheadSeconds: Double

  /// Creates factors.
  public init(
    matrix: Double, special: Double?, memory: Double,
    computeOverheadSeconds: Double, memoryOverheadSeconds: Double,
    stream: Double? = nil
  ) {
    precondition(
      matrix > 0 && memory > 0 && (special ?? 1) > 0 && (stream ?? 1) > 0)
    precondition(computeOverheadSeconds >= 0 && memoryOverheadSeconds >= 0)
    self.matrix = matrix
    self.special = special
    self.stream = stream
    self.memory = memory
    self.computeOverheadSeconds = computeOverheadSeconds
    self.memoryOverheadSeconds = memoryOverheadSeconds
  }

  /// Every peak reached, nothing else paid: the pure roofline.
  public static let ideal = KernelEfficiency(
    matrix: 1, special: 1, memory: 1, computeOverheadSeconds: 0,
    memoryOverheadSeconds: 0)

  /// The factors `predict` uses before calibration (``EfficiencyFactors``'
  /// defaults: 70% of compute peaks, 80% of bandwidth, 4 µs per launch).
  public static let uncalibrated = KernelEfficiency(
    EfficiencyFactors.defaults)

  /// Kernel factors from operator-graph factors: matrix and special units
  /// at the compute fraction, one launch cost on both terms.
  public init(_ factors: EfficiencyFactors) {
    self.init(
      matrix: factors.compute, special: factors.compute,
      memory: factors.memory,
      computeOverheadSeconds: factors.launchSeconds,
      memoryOverheadSeconds: factors.launchSeconds)
  }
}

/// A band of relative error around a prediction: the measured time is
/// expected within `predicted · (1 + low) … predicted · (1 + high)`.
public struct ErrorBand: Sendable, Hashable, Codable {
  /// The 10th percentile of `(measured − predicted) / predicted`.
  public var low: Double
  /// The 90th percentile of the same.
  public var high: Double

  /// Creates a band.
  public init(low: Double, high: Double) {
    precondition(low <= high, "a band's low edge is not above its high edge")
    self.low = low
    self.high = high
  }

  /// The band of held-out relative errors `(measured − predicted) /
  /// predicted`: their 10th and 90th percentiles, widened to include 0;
  /// `nil` when there are none.
  public init?(heldOut errors: [Double]) {
    let sorted = errors.sorted()
    guard !sorted.isEmpty else { return nil }
    self.init(
      low: min(0, ResidualSummary.percentile(0.1, sorted: sorted)),
      high: max(0, ResidualSummary.percentile(0.9, sorted: sorted)))
  }
}
