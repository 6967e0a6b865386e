/// What a feed-forward (channel-mixer) family declares about itself.
///
/// Each family, in its own file (`Sources/PerfModel/FeedForward/`), gives
/// its parameters (all, or what one token reads), the linear weights a
/// quantized checkpoint stores quantized by module kind, the activations
/// it keeps live, how it splits over tensor-parallel ranks, and how
/// listings name it; its graph operators sit beside it. Adding a family
/// means adding its spec, its file, and its case in ``FeedForwardSpec``
/// (``FeedForwardSpec/family``).
public protocol ChannelMixer: Sendable {
  /// The kind, for host-issue keys (`mlp`, `moe`).
  var kind: String { get }
  /// One line a listing shows (`gated MLP 14336`).
  var summary: String { get }
  /// Parameters on one of `tp` ranks; with `activeOnly`, what one token
  /// reads.
  func parameters(hiddenSize: Int, tensorParallel tp: Int, activeOnly: Bool)
    -> Double
  /// Its linear weights on one rank, by module kind.
  func linearWeights(hiddenSize: Int, tensorParallel tp: Int)
    -> [WeightQuantization.Module: LinearWeights]
  /// Live activation elements per token while it runs, on one rank.
  func activationWidth(tensorParallel tp: Int) -> Double
  /// Throws unless `tp` tensor-parallel ranks can split it, naming
  /// `model` and the degrees that would.
  func checkTensorParallel(_ tp: Int, model: String) throws(PlanError)
}

extension FeedForwardSpec {
  /// The family of this block, `nil` for none: the one place a new
  /// family is registered.
  public var family: (any ChannelMixer)? {
    switch self {
    case .none: nil
    case .dense(let m): m
    case .moe(let e): e
    }
  }
}
