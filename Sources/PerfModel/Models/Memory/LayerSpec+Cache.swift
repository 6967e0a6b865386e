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
/// Bytes follow ``StorageFormat`` (int8 scales per head vector, int4 and
/// int2 per group of 32). A quantized cache's full-precision window
/// (``StorageFormat/residualTokens``, KIVI's residual of R tokens) adds
///
///     min(cached, R) · (fp16 bytes per token − quantized bytes per token)
///
/// to a request (an eviction budget, ``StorageFormat/evictionBudgetTokens``,
/// caps the cached tokens): ``stateBytes(tensorParallel:format:)`` counts the whole
/// window (what a request holds once past R tokens, and what a paged pool
/// reserves), ``cacheBytes(context:tensorParallel:format:)`` exactly.
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

  /// Bytes of fixed state one request holds in this layer, on one rank:
  /// recurrent state, and a quantized KV cache's whole full-precision
  /// window.
  public func stateBytes(tensorParallel tp: Int, format: StorageFormat)
    -> Double
  {
    mixer.stateBytes(tensorParallel: tp, format: format)
      + Double(format.residualTokens ?? 0)
      * residualBytesPerToken(tensorParallel: tp, format: format)
  }

  /// Bytes a token of the full-precision window costs beyond its
  /// quantized bytes (0 without a window or a KV cache).
  public func residualBytesPerToken(
    tensorParallel tp: Int, format: StorageFormat
  ) -> Double {
    guard (format.residualTokens ?? 0) > 0 else { return 0 }
    let full = StorageFormat.cache(.fp16)
    return max(
      0,
      cacheBytesPerToken(tensorParallel: tp, format: full)
        - cacheBytesPerToken(tensorParallel: tp, format: format))
  }

  /// Cache bytes of one request of `context` tokens in this layer, on one
  /// rank: per-token KV times cached tokens, plus the fixed state (a
  /// window shorter than R while the request is).
  public func cacheBytes(
    context: Double, tensorParallel tp: Int, format: StorageFormat
  ) -> Double {
    var cached = cachedTokens(context: context)
    if let budget = format.evictionBudgetTokens {
      // The heads a budget applies to keep at most it; the rest all.
      let evicted = format.evictedHeadFraction ?? 1
      cached =
        (1 - evicted) * cached + evicted * min(cached, Double(budget))
    }
    let window = Double(format.residualTokens ?? 0)
    return cacheBytesPerToken(tensorParallel: tp, format: format) * cached
      + stateBytes(tensorParallel: tp, format: format)
      - max(0, window - cached)
      * residualBytesPerToken(tensorParallel: tp, format: format)
  }
}
