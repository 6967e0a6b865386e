/// The attention of one layer: multi-head, grouped-query, multi-query or
/// multi-head latent attention, optionally over a sliding window.
public struct AttentionSpec: Sendable, Hashable, Codable {
  /// Query heads.
  public var queryHeads: Int
  /// Key/value heads (equal to `queryHeads` for MHA, 1 for MQA).
  public var kvHeads: Int
  /// Dimension of one head.
  public var headDim: Int
  /// Tokens a query attends back over, when the layer uses a sliding
  /// window (Mistral, Gemma 2 local layers); `nil` for full attention.
  public var slidingWindow: Int?
  /// Whether the Q, K and V projections carry biases (Qwen2, GPT-3).
  public var qkvBias: Bool
  /// Whether the output projection carries a bias (GPT-3).
  public var outputBias: Bool
  /// The latent compression of multi-head latent attention (DeepSeek-V2/3).
  public var latent: LatentAttentionSpec?
  /// Whether queries and keys pass an RMSNorm after their projections
  /// (Qwen3, OLMo-2, Gemma 3): two more norm kernels a layer; their
  /// weights are counted with the layer's norms.
  public var queryKeyNorm = false
  /// Whether each query head has a learned sink logit in its softmax
  /// (gpt-oss): one parameter a head; its compute is not priced (one more
  /// logit per row).
  public var sinks = false
  /// Whether a sigmoid gate from a second half of the query projection
  /// multiplies the attention output before o_proj (Qwen3-Next's gated
  /// attention): the query projection is twice as wide.
  public var outputGate = false
  /// Tokens per chunk of chunked local attention (Llama 4's RoPE layers):
  /// a query attends to the keys of its own chunk up to itself, so the
  /// cache holds at most one chunk; `nil` when not chunked.
  public var chunkSize: Int?

  /// Creates a standard (MHA/GQA/MQA) attention description.
  public init(
    queryHeads: Int, kvHeads: Int, headDim: Int, slidingWindow: Int? = nil,
    qkvBias: Bool = false, outputBias: Bool = false,
    latent: LatentAttentionSpec? = nil, queryKeyNorm: Bool = false
  ) {
    precondition(queryHeads > 0 && kvHeads > 0 && headDim > 0)
    precondition(queryHeads % kvHeads == 0, "query heads group over KV heads")
    self.queryHeads = queryHeads
    self.kvHeads = kvHeads
    self.headDim = headDim
    self.slidingWindow = slidingWindow
    self.qkvBias = qkvBias
    self.outputBias = outputBias
    self.latent = latent
    self.queryKeyNorm = queryKeyNorm
  }

  /// The attention variant, named as the literature does.
  public var variant: String {
    if latent != nil { return "MLA" }
    if kvHeads == queryHeads { return "MHA" }
    if kvHeads == 1 { return "MQA" }
    return "GQA"
  }
}

/// Multi-head latent attention (DeepSeek-V2, DeepSeek-V3): keys and values
/// are cached as one compressed latent vector per token plus a decoupled
/// RoPE key shared by all heads.
///
///     cached elements per token per layer = kv_lora_rank + qk_rope_head_dim
///
/// [DeepSeek-V2]: https://arxiv.org/abs/2405.04434
public struct LatentAttentionSpec: Sendable, Hashable, Codable {
  /// Rank of the query compression; `nil` when queries are not compressed.
  public var queryLoraRank: Int?
  /// Rank of the key/value compression (the cached latent's width).
  public var kvLoraRank: Int
  /// Per-head query/key dimension without rotary embedding.
  public var qkNopeHeadDim: Int
  /// Per-head dimension of the decoupled rotary key (cached, shared).
  public var qkRopeHeadDim: Int
  /// Per-head value dimension.
  public var vHeadDim: Int

  /// Creates a latent attention description.
  public init(
    queryLoraRank: Int?, kvLoraRank: Int, qkNopeHeadDim: Int,
    qkRopeHeadDim: Int, vHeadDim: Int
  ) {
    self.queryLoraRank = queryLoraRank
    self.kvLoraRank = kvLoraRank
    self.qkNopeHeadDim = qkNopeHeadDim
    self.qkRopeHeadDim = qkRopeHeadDim
    self.vHeadDim = vHeadDim
  }
}
