/// What mixes information across tokens in a layer.
public enum MixerSpec: Sendable, Hashable, Codable {
  /// Softmax attention (MHA, GQA, MQA, MLA; full or sliding window).
  case attention(AttentionSpec)
  /// A selective state-space model (Mamba-1 or Mamba-2).
  case stateSpace(StateSpaceSpec)
  /// Linear attention with a fixed-size state.
  case linearAttention(LinearAttentionSpec)
  /// Gated DeltaNet (Qwen3-Next's linear layers).
  case gatedDeltaNet(GatedDeltaNetSpec)
  /// Attention and a Mamba-2 mixer side by side on the same input, their
  /// outputs summed (Falcon-H1).
  indirect case parallel(ParallelMixerSpec)
  /// A shared transformer block, then Mamba-2 (Zamba2's hybrid layers).
  indirect case sharedBlock(SharedBlockSpec)
  /// No token mixer: a block that is only a feed-forward network
  /// (Nemotron-H's `-` and `E` blocks).
  case noMixer
}

/// One decoder layer: a token mixer, a feed-forward block and its norms.
public struct LayerSpec: Sendable, Hashable, Codable {
  /// The token mixer.
  public var mixer: MixerSpec
  /// The feed-forward block.
  public var feedForward: FeedForwardSpec
  /// Parameters of the layer's norms (RMSNorm weights, LayerNorm weights
  /// and biases), which are replicated under tensor parallelism.
  public var normParameters: Int

  /// Creates a layer description.
  public init(
    mixer: MixerSpec, feedForward: FeedForwardSpec, normParameters: Int
  ) {
    self.mixer = mixer
    self.feedForward = feedForward
    self.normParameters = normParameters
  }
}

extension LayerSpec {
  /// What the host issues for such a layer, as a calibration key part:
  /// the mixer (`attention`, `ssm`, `linear-attention`) and the
  /// feed-forward block (`mlp`, `moe`) joined by `+` (`attention+moe`).
  public var issueKind: String {
    let mixerName = mixer.family.kind
    guard let ffnName = feedForward.family?.kind else { return mixerName }
    return mixerName.isEmpty ? ffnName : mixerName + "+" + ffnName
  }
}

/// A run of consecutive identical layers.
public struct LayerGroup: Sendable, Hashable, Codable {
  /// How many identical layers in a row.
  public var count: Int
  /// The layer repeated.
  public var layer: LayerSpec

  /// Creates a run of `count` identical layers.
  public init(count: Int, layer: LayerSpec) {
    precondition(count > 0)
    self.count = count
    self.layer = layer
  }
}
