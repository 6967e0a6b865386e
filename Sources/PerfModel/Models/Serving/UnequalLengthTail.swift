/// The extra time of a decode attention kernel over sequences of unequal
/// cache lengths, against the same kernel at their mean length.
///
/// FlashAttention's varlen kernel gives each (sequence, head) one thread
/// block that streams that sequence's keys; blocks are dispatched in grid
/// order as earlier ones finish. With equal lengths the blocks finish in
/// waves; with unequal ones the longest sequence's blocks are still
/// streaming when the rest are done, so the kernel ends after the
/// mean-length kernel by a tail proportional to how far the longest
/// exceeds the mean:
///
///     t(lengths) = t(mean) + τ(D) · (L_max − mean)
///
/// `τ(D)`, seconds per token of excess in one attention instance, is
/// measured from kernel timings at a few batch sizes `D`
/// (`tools/serving_kernels.py`: log-normal lengths against their mean)
/// and interpolated linearly in `D`, from 0 at one sequence (whose
/// longest is its mean) and flat past the largest batch measured.
public struct UnequalLengthTail: Sendable, Hashable, Codable {
  /// Measured batches and their seconds per excess token, by batch.
  public var points: [Point]

  /// One measured batch size.
  public struct Point: Sendable, Hashable, Codable {
    /// Sequences in the kernel.
    public var batch: Int
    /// Seconds per token the longest exceeds the mean, one instance.
    public var secondsPerToken: Double

    /// Creates a point.
    public init(batch: Int, secondsPerToken: Double) {
      self.batch = batch
      self.secondsPerToken = secondsPerToken
    }
  }

  /// A tail from measured points (sorted by batch here).
  public init(points: [Point]) {
    self.points = points.sorted { $0.batch < $1.batch }
  }

  /// `τ(D)`: interpolated between the measured batches.
  public func secondsPerToken(batch d: Int) -> Double {
    guard d > 1, let last = points.last else { return 0 }
    var previous = Point(batch: 1, secondsPerToken: 0)
    for p in points {
      if d <= p.batch {
        let f = Double(d - previous.batch) / Double(p.batch - previous.batch)
        return previous.secondsPerToken
          + f * (p.secondsPerToken - previous.secondsPerToken)
      }
      previous = p
    }
    return last.secondsPerToken
  }
}
