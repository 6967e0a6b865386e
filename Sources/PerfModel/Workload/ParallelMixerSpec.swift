/// Attention and a state-space mixer that read the same normed input in
/// one layer and add their outputs (Falcon-H1's parallel hybrid).
///
/// [Falcon-H1]: https://arxiv.org/abs/2507.22448
public struct ParallelMixerSpec: Sendable, Hashable, Codable {
  /// The attention branch.
  public var attention: AttentionSpec
  /// The state-space branch.
  public var stateSpace: StateSpaceSpec

  /// Creates a parallel hybrid of `attention` and `stateSpace`.
  public init(attention: AttentionSpec, stateSpace: StateSpaceSpec) {
    self.attention = attention
    self.stateSpace = stateSpace
  }
}
