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
    guard case .attention(let a) = mixer else { return 0 }
    if let m = a.latent {
      let width = m.kvLoraRank + m.qkRopeHeadDim
      return format.bytes(elements: Double(width), vectorLength: width)
    }
    let kv = Shard.perRank(a.kvHeads, tp) ?? a.kvHeads
    return format.bytes(
      elements: Double(2 * kv * a.headDim), vectorLength: a.headDim)
  }

  /// Tokens of a `context`-token request this layer keeps in its KV cache.
  public func cachedTokens(context: Double) -> Double {
    guard case .attention(let a) = mixer else { return 0 }
    guard let window = a.slidingWindow else { return context }
    return min(context, Double(window))
  }

  /// Bytes of fixed recurrent state one request holds in this layer, on one
  /// rank; zero for attention.
  public func stateBytes(tensorParallel tp: Int, format: StorageFormat)
    -> Double
  {
    switch mixer {
    case .attention: return 0
    case .stateSpace(let s):
      let di = s.innerSize / tp
      let conv: Int
      let ssm: Int
      if s.version == 1 {
        conv = di * s.convKernel
        ssm = di * s.stateSize
      } else {
        let g = Shard.perRank(s.groups, tp) ?? s.groups
        conv = (di + 2 * g * s.stateSize) * s.convKernel
        ssm = (s.heads / tp) * s.headDim * s.stateSize
      }
      return format.bytes(elements: Double(conv), vectorLength: s.convKernel)
        + format.bytes(elements: Double(ssm), vectorLength: s.stateSize)
    case .linearAttention(let l):
      let heads = l.heads / tp
      let state = heads * l.keyHeadDim * l.valueHeadDim
      let convChannels = heads * (2 * l.keyHeadDim + l.valueHeadDim)
      return format.bytes(elements: Double(state), vectorLength: l.valueHeadDim)
        + format.bytes(
          elements: Double(convChannels * l.shortConvKernel),
          vectorLength: max(l.shortConvKernel, 1))
    }
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
