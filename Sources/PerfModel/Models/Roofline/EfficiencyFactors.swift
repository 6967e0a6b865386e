/// How much of each peak an operator reaches, and the fixed cost per launch.
///
/// Every prediction states the factors it used.
public struct EfficiencyFactors: Sendable, Hashable, Codable {
  /// Fraction of the compute peak matrix products reach.
  public var compute: Double
  /// Fraction of main-memory bandwidth streaming operators reach.
  public var memory: Double
  /// Fraction of scale-up link bandwidth collectives reach.
  public var link: Double
  /// Seconds of fixed overhead per operator instance (launch, sync).
  public var launchSeconds: Double
  /// One-way latency per collective step when the link states none.
  public var linkLatencySeconds: Double

  /// Creates factors.
  public init(
    compute: Double, memory: Double, link: Double, launchSeconds: Double,
    linkLatencySeconds: Double
  ) {
    precondition(compute > 0 && compute <= 1 && memory > 0 && memory <= 1)
    precondition(
      link > 0 && link <= 1 && launchSeconds >= 0 && linkLatencySeconds >= 0)
    self.compute = compute
    self.memory = memory
    self.link = link
    self.launchSeconds = launchSeconds
    self.linkLatencySeconds = linkLatencySeconds
  }

  /// The pure roofline: every peak reached, nothing else paid.
  public static let ideal = EfficiencyFactors(
    compute: 1, memory: 1, link: 1, launchSeconds: 0, linkLatencySeconds: 0)

  /// Starting points until calibrated against measurements: 70% of the
  /// matrix peak and 80% of memory bandwidth (what tuned GEMMs and
  /// streaming kernels commonly reach on datacentre GPUs), 70% of link
  /// bandwidth, 4 µs per launch, 5 µs per collective step.
  public static let defaults = EfficiencyFactors(
    compute: 0.7, memory: 0.8, link: 0.7, launchSeconds: 4e-6,
    linkLatencySeconds: 5e-6)
}
