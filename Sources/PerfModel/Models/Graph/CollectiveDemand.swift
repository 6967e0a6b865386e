/// A collective an operator needs: what, how many bytes, among how many
/// ranks, and over which fabric.
///
/// Ranks are laid out tensor-parallel innermost, then context-parallel,
/// then pipeline stages, then replicas, so a group of `ranks` with stride
/// `s` spans `ranks · s` consecutive devices; it crosses nodes when that
/// exceeds the devices of one node, and is then costed on the scale-out
/// network (each device's own NIC, the usual rail-optimised wiring).
public struct CollectiveDemand: Sendable, Hashable, Codable {
  /// Which collective.
  public var kind: CollectiveModel.Kind
  /// Bytes as nccl-tests counts them (``CollectiveModel``).
  public var bytes: Double
  /// Ranks taking part.
  public var ranks: Int
  /// Back-to-back repetitions in one instance (ring attention passes its
  /// key/value block `p − 1` times).
  public var repeats: Int
  /// Whether the group spans more than one node.
  public var crossesNodes: Bool

  /// Creates a collective demand.
  public init(
    _ kind: CollectiveModel.Kind, bytes: Double, ranks: Int, repeats: Int = 1,
    crossesNodes: Bool = false
  ) {
    precondition(ranks > 0 && repeats > 0 && bytes >= 0)
    self.kind = kind
    self.bytes = bytes
    self.ranks = ranks
    self.repeats = repeats
    self.crossesNodes = crossesNodes
  }
}
