/// The inference cache a layer keeps per request, on one tensor-parallel
/// rank: a KV cache that grows with context (attention), or a fixed state
/// (SSM, linear attention).
///
///     MHA/GQA/MQA   2 · kv_heads_per_rank · head_dim   elements per token
///     MLA           kv_lora_rank + qk_rope_head_dim    elements per token,
///                   replicated on every rank (the latent is not per head)
///     sliding       cached tokens = min(context, window)
///     Mamba, linear no per-token cache; a state (see ``StateSpaceSpec`` and
///                   ``LinearAttentionSpec``), split over ranks by head
///
/// Bytes follow ``StorageFormat`` (int8 scales per head vector, int4 per
/// group of 32).
///
/// [Fu 2024]: https://arxiv.org/abs/2405.08944
extension LayerSpec {
  /// Bytes of KV cache one token adds to this layer on one rank.
  public func cacheBytesPerToken(tensorParallel tp: Int, format: StorageFormat)
    -> Double
  {
    mixer.cacheBytesPerToken(tensorParallel: tp, format: format)
  }

  /// Tokens of a `context`-token request this layer keeps in its KV cache.
  public func cachedTokens(context: Double) -> Double {
    mixer.cachedTokens(context: context)
  }

  /// Bytes of fixed recurrent state one request holds in this layer, on one
  /// rank; zero for attention.
  public func stateBytes(tensorParallel tp: Int, format: StorageFormat)
    -> Double
  {
    mixer.stateBytes(tensorParallel: tp, format: format)
  }

  /// Cache bytes of one request of `context` tokens in this layer, on one
  /// rank: per-token KV times cached tokens, plus the fixed state.
  public func cacheBytes(
    context: Double, tensorParallel tp: Int, format: StorageFormat
  ) -> Double {
    cacheBytesPerToken(tensorParallel: tp, format: format)
      * cachedTokens(context: context)
      + stateBytes(tensorParallel: tp, format: format)
  }
}
