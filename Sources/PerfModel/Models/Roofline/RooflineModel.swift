/// The time a collective takes on the link it runs over: the link term
/// of every operator's price (``KernelPricer``).
///
/// Collectives are costed by the α-β model of Thakur et al.
/// (``CollectiveModel``); an all-reduce takes the faster of a ring and a
/// double binary tree:
///
///     ring    = 2(p − 1)·α + 2(p − 1)/p · payload / B
///     tree    = 2⌈log₂ p⌉·α + 2 · payload / B        (double binary tree, pipelined)
///     link    = repeats · min(ring, tree),  B = link bandwidth · e_link
///
/// The link is the scale-up fabric (NVLink) for a group inside one node
/// and the device's scale-out NIC for one that crosses nodes
/// (``CollectiveDemand/crossesNodes``). An operator's own collective
/// overlaps its kernel (ring attention); operators run one after another.
///
/// [Williams et al. 2009]: https://doi.org/10.1145/1498765.1498785
/// [Thakur et al. 2005]: https://doi.org/10.1177/1094342005051521
public enum RooflineModel {
  /// Seconds of `demand` on the link it runs over: the scale-up fabric
  /// inside a node, the scale-out NIC across nodes (each falling back to
  /// the other, then the host link, then 1 GB/s where a descriptor lists
  /// none).
  public static func linkSeconds(
    _ demand: CollectiveDemand, on device: DeviceSpec,
    efficiency e: EfficiencyFactors
  ) -> Double {
    let (alpha, bandwidth) = link(demand, on: device, efficiency: e)
    return linkSeconds(demand, alpha: alpha, bandwidth: bandwidth)
  }

  /// Per-step latency and bandwidth (at `e`'s link fraction) of the link
  /// `demand` runs over.
  static func link(
    _ demand: CollectiveDemand, on device: DeviceSpec,
    efficiency e: EfficiencyFactors
  ) -> (alpha: Double, bandwidth: Double) {
    let links = device.interconnect
    let link =
      (demand.crossesNodes
        ? links.scaleOut ?? links.scaleUp : links.scaleUp ?? links.scaleOut)
      ?? links.hostLink
    return (
      link?.latencySeconds ?? e.linkLatencySeconds,
      (link?.bandwidthBytesPerSecondPerDirection ?? 1e9) * e.link
    )
  }

  /// Seconds of `demand` with per-step latency `alpha` and `bandwidth`.
  static func linkSeconds(
    _ demand: CollectiveDemand, alpha: Double, bandwidth: Double
  ) -> Double {
    guard demand.ranks > 1, demand.bytes > 0 else { return 0 }
    let once =
      demand.kind == .allReduce
      ? CollectiveModel.allReduceSeconds(
        bytes: demand.bytes, ranks: demand.ranks, alpha: alpha,
        bandwidth: bandwidth)
      : CollectiveModel.seconds(
        demand.kind, bytes: demand.bytes, ranks: demand.ranks, alpha: alpha,
        bandwidth: bandwidth)
    return Double(demand.repeats) * once
  }
}

/// What bounds an operator.
public enum Limiter: String, Sendable, Hashable, Codable {
  case compute
  case memoryBandwidth = "memory"
  case link, launch
}

/// One operator's time and what bounds it.
public struct OperatorTime: Sendable, Hashable, Codable {
  /// Seconds of one instance.
  public var seconds: Double
  /// The compute term.
  public var computeSeconds: Double
  /// The memory term.
  public var memorySeconds: Double
  /// The collective term.
  public var linkSeconds: Double
  /// The largest term.
  public var limiter: Limiter

  /// Creates an operator time.
  public init(
    seconds: Double, computeSeconds: Double, memorySeconds: Double,
    linkSeconds: Double, limiter: Limiter
  ) {
    self.seconds = seconds
    self.computeSeconds = computeSeconds
    self.memorySeconds = memorySeconds
    self.linkSeconds = linkSeconds
    self.limiter = limiter
  }
}
