/// A gated DeltaNet mixer (Qwen3-Next's `linear_attention` layers): linear
/// attention whose state is updated by the gated delta rule, with value
/// heads grouped over key heads as GQA groups query heads.
///
///     S_t = α_t · S_{t−1} (I − β_t k_t k_tᵀ) + β_t v_t k_tᵀ,   o_t = S_t q_t
///
///     state elements = value_heads · d_k · d_v   (+ the short convolution's window)
///
/// [Gated DeltaNet]: https://arxiv.org/abs/2412.06464
public struct GatedDeltaNetSpec: Sendable, Hashable, Codable {
  /// Key (and query) heads (`linear_num_key_heads`).
  public var keyHeads: Int
  /// Value heads (`linear_num_value_heads`), a multiple of the key heads.
  public var valueHeads: Int
  /// Key dimension per head (`linear_key_head_dim`).
  public var keyHeadDim: Int
  /// Value dimension per head (`linear_value_head_dim`).
  public var valueHeadDim: Int
  /// Width of the causal convolution over q, k, v (`linear_conv_kernel_dim`).
  public var convKernel: Int

  /// Creates a gated DeltaNet description.
  public init(
    keyHeads: Int, valueHeads: Int, keyHeadDim: Int, valueHeadDim: Int,
    convKernel: Int
  ) {
    precondition(keyHeads > 0 && valueHeads % keyHeads == 0)
    self.keyHeads = keyHeads
    self.valueHeads = valueHeads
    self.keyHeadDim = keyHeadDim
    self.valueHeadDim = valueHeadDim
    self.convKernel = convKernel
  }
}
