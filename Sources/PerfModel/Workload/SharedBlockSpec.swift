/// A Mamba-2 layer preceded by a transformer block whose weights several
/// layers share (Zamba2's hybrid layers).
///
/// The shared block reads the hidden state concatenated with the token
/// embeddings (twice the width) through attention, adds a gated MLP, and
/// each use adds its own low-rank adapters to the block's projections;
/// a per-layer linear maps the block's output into the Mamba layer's
/// input. The block's weights are counted once, at the first layer that
/// uses each block (``ownsSharedWeights``); every use runs them.
///
/// [Zamba2]: https://arxiv.org/abs/2411.15242
public struct SharedBlockSpec: Sendable, Hashable, Codable {
  /// The shared block's attention (its head dim is 2·hidden / heads).
  public var attention: AttentionSpec
  /// The shared block's MLP.
  public var mlp: MLPSpec
  /// Rank of each use's adapters (`adapter_rank`).
  public var adapterRank: Int
  /// Whether each use adds adapters to q, k and v too
  /// (`use_shared_attention_adapter`); the MLP's always has one.
  public var attentionAdapters: Bool
  /// The Mamba-2 mixer that follows.
  public var stateSpace: StateSpaceSpec
  /// Whether this layer is the first use of its block, which carries the
  /// block's weights in the counts.
  public var ownsSharedWeights: Bool

  /// Creates a shared-block hybrid layer's mixer.
  public init(
    attention: AttentionSpec, mlp: MLPSpec, adapterRank: Int,
    attentionAdapters: Bool, stateSpace: StateSpaceSpec,
    ownsSharedWeights: Bool
  ) {
    self.attention = attention
    self.mlp = mlp
    self.adapterRank = adapterRank
    self.attentionAdapters = attentionAdapters
    self.stateSpace = stateSpace
    self.ownsSharedWeights = ownsSharedWeights
  }
}
