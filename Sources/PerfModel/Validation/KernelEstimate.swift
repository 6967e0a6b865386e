/// A kernel's predicted time, with the work and ideal times behind it.
public struct KernelEstimate: Sendable, Hashable, Codable {
  /// Predicted seconds of one call.
  public var seconds: Double
  /// What bounds it: ``Limiter/compute`` or ``Limiter/memoryBandwidth``.
  public var limiter: Limiter
  /// FLOPs of the matrix (and vector) arithmetic.
  public var flops: Double
  /// Exponentials evaluated (softmax, the scan's `exp(Δ·A)`).
  public var exponentials: Double
  /// Bytes moved between SRAM and slow memory (reads plus writes).
  public var bytes: Double
  /// The memory level the bytes come from.
  public var memoryLevel: String
  /// `flops` at the peak, seconds.
  public var idealMatrixSeconds: Double
  /// `exponentials` at the exponential rate, seconds.
  public var idealSpecialSeconds: Double
  /// `bytes` at the level's bandwidth, seconds.
  public var idealMemorySeconds: Double
  /// The operands touched once each (inputs read, outputs written) at the
  /// level's bandwidth, seconds: the passes over the operands (packing,
  /// the output write, per-row statistics) that a fitted stream term
  /// charges on top of the arithmetic.
  public var idealStreamSeconds: Double

  /// Creates an estimate.
  public init(
    seconds: Double, limiter: Limiter, flops: Double, exponentials: Double,
    bytes: Double, memoryLevel: String, idealMatrixSeconds: Double,
    idealSpecialSeconds: Double, idealMemorySeconds: Double,
    idealStreamSeconds: Double = 0
  ) {
    self.seconds = seconds
    self.limiter = limiter
    self.flops = flops
    self.exponentials = exponentials
    self.bytes = bytes
    self.memoryLevel = memoryLevel
    self.idealMatrixSeconds = idealMatrixSeconds
    self.idealSpecialSeconds = idealSpecialSeconds
    self.idealMemorySeconds = idealMemorySeconds
    self.idealStreamSeconds = idealStreamSeconds
  }

  /// The ideal compute term, matrix and exponentials: against
  /// ``idealMemorySeconds`` it places the case against the ridge, which
  /// picks the group (or groups) a calibration fits it in.
  public var idealComputeSeconds: Double {
    idealMatrixSeconds + idealSpecialSeconds
  }

  /// The time under `e`, and what bounds it.
  ///
  ///     max(o_c + M / e_matrix + S / e_special + F / e_stream,
  ///         o_m + B / e_memory)
  ///
  /// with the special and stream terms left out where `e` has none.
  public func seconds(with e: KernelEfficiency) -> (Double, Limiter) {
    let special = e.special.map { idealSpecialSeconds / $0 } ?? 0
    let stream = e.stream.map { idealStreamSeconds / $0 } ?? 0
    let compute =
      e.computeOverheadSeconds + idealMatrixSeconds / e.matrix + special
      + stream
    let memory = e.memoryOverheadSeconds + idealMemorySeconds / e.memory
    return compute >= memory
      ? (compute, .compute) : (memory, .memoryBandwidth)
  }
}
