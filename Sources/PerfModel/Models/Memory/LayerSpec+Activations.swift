/// The activation workspace: the widest set of live activations per token
/// while one layer runs forward, on one tensor-parallel rank.
///
///     width = 2·h (residual + normed input) + max(mixer width, FFN width)
///     attention  (q + 2·kv)·d (QKV output) + q·d (attention output)
///     MLA        q·(d_nope + d_rope) + (r_kv + d_rope) + q·(d_nope + d_v) + q·d_v
///     Mamba-1    3·d_inner (x, z and scan output);  Mamba-2 in_proj output + d_inner
///     linear     2·d_k + 2·d_v (q, k, v, gate) + d_v (output)
///     dense MLP  matrices · i      MoE  top-k · matrices · i_e + shared + router logits
///
/// FlashAttention-style kernels keep no N×N score matrix, so none is
/// counted. Heads and channels are per rank.
extension LayerSpec {
  /// Live activation elements per token while this layer runs, on one rank.
  public func activationWidth(hiddenSize h: Int, tensorParallel tp: Int)
    -> Double
  {
    let mixerWidth = mixer.activationWidth(tensorParallel: tp)
    let ffnWidth = feedForward.family?.activationWidth(tensorParallel: tp) ?? 0
    return 2 * Double(h) + max(mixerWidth, ffnWidth)
  }
}
