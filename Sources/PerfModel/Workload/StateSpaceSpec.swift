/// A selective state-space (Mamba) mixer.
///
/// Its inference cache is constant in sequence length: a convolution state
/// and an SSM state, sized as the reference implementations allocate them
/// (`mamba_ssm` `allocate_inference_cache`, Hugging Face `MambaCache`):
///
///     Mamba-1: conv = d_inner · d_conv,              ssm = d_inner · d_state
///     Mamba-2: conv = (d_inner + 2·g·d_state)·d_conv, ssm = heads · head_dim · d_state
///
/// [Mamba]: https://arxiv.org/abs/2312.00752
/// [Mamba-2]: https://arxiv.org/abs/2405.21060
public struct StateSpaceSpec: Sendable, Hashable, Codable {
  /// Mamba generation: 1 (selective scan) or 2 (SSD).
  public var version: Int
  /// Expanded inner width (`intermediate_size`, `expand · hidden_size`).
  public var innerSize: Int
  /// SSM state size per channel (`state_size`, `d_state`).
  public var stateSize: Int
  /// Depthwise convolution width (`conv_kernel`, `d_conv`).
  public var convKernel: Int
  /// Rank of the Δ projection (Mamba-1 only).
  public var timeStepRank: Int
  /// SSM heads (Mamba-2; Mamba-1 counts one per inner channel).
  public var heads: Int
  /// Groups sharing B and C (Mamba-2; 0 for Mamba-1).
  public var groups: Int
  /// Whether Mamba-2's output passes a gated RMSNorm with its own weights
  /// (Falcon-H1 may leave it out: `mamba_rms_norm: false`).
  public var gatedNorm = true

  /// Creates a Mamba-1 mixer description.
  public static func mamba1(
    innerSize: Int, stateSize: Int, convKernel: Int, timeStepRank: Int
  ) -> StateSpaceSpec {
    StateSpaceSpec(
      version: 1, innerSize: innerSize, stateSize: stateSize,
      convKernel: convKernel, timeStepRank: timeStepRank, heads: innerSize,
      groups: 0)
  }

  /// Creates a Mamba-2 mixer description.
  public static func mamba2(
    innerSize: Int, stateSize: Int, convKernel: Int, heads: Int, groups: Int
  ) -> StateSpaceSpec {
    precondition(heads > 0 && innerSize % heads == 0)
    return StateSpaceSpec(
      version: 2, innerSize: innerSize, stateSize: stateSize,
      convKernel: convKernel, timeStepRank: 0, heads: heads, groups: groups)
  }

  /// Dimension of one head (Mamba-2), or 1 (Mamba-1).
  public var headDim: Int { innerSize / heads }
}

/// A linear-attention mixer (GLA, RetNet, Lightning Attention): attention
/// whose cache is a fixed d_k × d_v state per head.
///
///     state elements = heads · d_k · d_v   (+ short-convolution state)
///
/// [GLA]: https://arxiv.org/abs/2312.06635
public struct LinearAttentionSpec: Sendable, Hashable, Codable {
  /// Heads.
  public var heads: Int
  /// Key dimension per head.
  public var keyHeadDim: Int
  /// Value dimension per head.
  public var valueHeadDim: Int
  /// Rank of the low-rank forget-gate projection (GLA's `gk_proj`); 0 if
  /// the layer has no data-dependent gate.
  public var gateLowRankDim: Int
  /// Whether an output gate (`g_proj`) multiplies the attention output.
  public var outputGate: Bool
  /// Width of the short causal convolution on q, k, v; 0 when not used.
  public var shortConvKernel: Int
  /// Whether the output norm spans all heads (heads · d_v weights, as
  /// MiniMax's Lightning Attention) instead of one head's d_v (GLA).
  public var fullWidthNorm = false

  /// Creates a linear-attention mixer description.
  public init(
    heads: Int, keyHeadDim: Int, valueHeadDim: Int, gateLowRankDim: Int,
    outputGate: Bool, shortConvKernel: Int
  ) {
    self.heads = heads
    self.keyHeadDim = keyHeadDim
    self.valueHeadDim = valueHeadDim
    self.gateLowRankDim = gateLowRankDim
    self.outputGate = outputGate
    self.shortConvKernel = shortConvKernel
  }
}
