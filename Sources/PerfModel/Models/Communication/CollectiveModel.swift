/// The α-β cost of collectives among `p` ranks on one switched link.
///
/// After Thakur, Rabenseifner & Gropp (2005), with the byte counts of
/// NVIDIA's nccl-tests:
///
///     all-reduce      ring  2(p − 1)·α + 2(p − 1)/p · n / B
///                     tree  2⌈log₂ p⌉·α + 2 · n / B   (double binary tree)
///     all-gather      (p − 1)·α + (p − 1)/p · n / B   n = the gathered output
///     reduce-scatter  (p − 1)·α + (p − 1)/p · n / B   n = the scattered input
///     all-to-all      (p − 1)·α + (p − 1)/p · n / B   n = one rank's buffer
///     send-recv       α + n / B                       n = the message
///
/// `α` is the per-step latency, `B` the per-direction bandwidth of one
/// rank's link times the fraction a library reaches. The ring all-reduce
/// is what NCCL runs on one NVSwitch node at the sizes that matter; the
/// tree is kept for the operator graph, which takes the faster.
public enum CollectiveModel {
  /// A collective.
  public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Sum over ranks, result on every rank.
    case allReduce = "all-reduce"
    /// Every rank's shard to every rank.
    case allGather = "all-gather"
    /// Sum over ranks, each rank keeping one shard.
    case reduceScatter = "reduce-scatter"
    /// Each rank sends a distinct shard to every other.
    case allToAll = "all-to-all"
    /// One message between two ranks.
    case sendRecv = "send-recv"
  }

  /// Latency steps and bytes each rank puts on its link, for `bytes` as
  /// nccl-tests counts them, among `ranks`.
  public static func terms(_ kind: Kind, bytes: Double, ranks: Int)
    -> (steps: Double, wireBytes: Double)
  {
    let p = Double(max(ranks, 1))
    guard ranks > 1 else { return (0, 0) }
    switch kind {
    case .allReduce: return (2 * (p - 1), 2 * (p - 1) / p * bytes)
    case .allGather, .reduceScatter, .allToAll:
      return (p - 1, (p - 1) / p * bytes)
    case .sendRecv: return (1, bytes)
    }
  }

  /// Seconds of `kind` over `bytes` among `ranks` with per-step latency
  /// `alpha` and bandwidth `bandwidth` (already scaled by efficiency).
  public static func seconds(
    _ kind: Kind, bytes: Double, ranks: Int, alpha: Double, bandwidth: Double
  ) -> Double {
    let t = terms(kind, bytes: bytes, ranks: ranks)
    return t.steps * alpha + t.wireBytes / bandwidth
  }

  /// Seconds of `kind` on `link` before calibration: the link's latency a
  /// step (else `efficiency`'s default), its bandwidth at `efficiency`'s
  /// link fraction.
  public static func seconds(
    _ kind: Kind, bytes: Double, ranks: Int, on link: LinkSpec,
    efficiency: EfficiencyFactors
  ) -> Double {
    seconds(
      kind, bytes: bytes, ranks: ranks,
      alpha: link.latencySeconds ?? efficiency.linkLatencySeconds,
      bandwidth: link.bandwidthBytesPerSecondPerDirection * efficiency.link)
  }

  /// Latency steps and wire bytes of a pipelined double binary tree
  /// all-reduce of `bytes` among `ranks`: `2⌈log₂ p⌉` steps, `2·n` bytes.
  public static func treeTerms(bytes: Double, ranks: Int)
    -> (steps: Double, wireBytes: Double)
  {
    guard ranks > 1 else { return (0, 0) }
    var steps = 0.0
    var span = 1
    while span < ranks {
      span *= 2
      steps += 1
    }
    return (2 * steps, 2 * bytes)
  }

  /// The all-reduce the operator graph charges: the faster of the ring and
  /// the double binary tree.
  public static func allReduceSeconds(
    bytes: Double, ranks: Int, alpha: Double, bandwidth: Double
  ) -> Double {
    guard ranks > 1 else { return 0 }
    let ring = seconds(
      .allReduce, bytes: bytes, ranks: ranks, alpha: alpha,
      bandwidth: bandwidth)
    let tree = treeTerms(bytes: bytes, ranks: ranks)
    return min(ring, tree.steps * alpha + tree.wireBytes / bandwidth)
  }
}
