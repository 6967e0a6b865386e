import PerfModel

/// State-space and linear-attention families: Mamba, Mamba-2, Jamba, GLA.
extension ModelConfigDecoder {
  /// Mamba-1 (`MambaConfig`): each layer is an RMSNorm and a Mamba mixer, no MLP.
  ///
  /// `time_step_rank: auto` is `⌈hidden/16⌉`.
  static func decodeMamba(_ r: YAMLNodeReader) throws(DescriptorError) -> Parsed
  {
    let h = try r.int("hidden_size")
    let expand = try r.optionalInt("expand") ?? 2
    let inner = try r.optionalInt("intermediate_size") ?? expand * h
    let mixer = StateSpaceSpec.mamba1(
      innerSize: inner, stateSize: try r.optionalInt("state_size") ?? 16,
      convKernel: try r.optionalInt("conv_kernel") ?? 4,
      timeStepRank: try timeStepRank(r, "time_step_rank", hidden: h))
    let layer = LayerSpec(
      mixer: .stateSpace(mixer), feedForward: .none, normParameters: h)
    return Parsed(
      layers: Array(repeating: layer, count: try r.int("num_hidden_layers")),
      hiddenSize: h,
      vocabSize: try r.int("vocab_size"),
      maxContextTokens: try r.optionalInt("max_position_embeddings")
        ?? unlimitedContext,
      tieWordEmbeddings: try r.optionalBool("tie_word_embeddings") ?? true,
      finalNormParameters: h)
  }

  static func timeStepRank(_ r: YAMLNodeReader, _ key: String, hidden: Int)
    throws(DescriptorError) -> Int
  {
    if try r.optionalString(key) == "auto" || !r.has(key) {
      return (hidden + 15) / 16
    }
    return try r.int(key)
  }

  /// Mamba-2 (`Mamba2Config`): SSD mixers with `num_heads` heads of
  /// `head_dim`, `n_groups` B/C groups, no MLP.
  static func decodeMamba2(_ r: YAMLNodeReader) throws(DescriptorError)
    -> Parsed
  {
    let h = try r.int("hidden_size")
    let expand = try r.optionalInt("expand") ?? 2
    let heads = try r.int("num_heads")
    let headDim = try r.int("head_dim")
    guard heads * headDim == expand * h else {
      throw r.error(
        .range, "num_heads",
        "num_heads \(heads) × head_dim \(headDim) must equal expand \(expand) × hidden_size \(h)"
      )
    }
    let mixer = StateSpaceSpec.mamba2(
      innerSize: expand * h, stateSize: try r.optionalInt("state_size") ?? 128,
      convKernel: try r.optionalInt("conv_kernel") ?? 4, heads: heads,
      groups: try r.optionalInt("n_groups") ?? 1)
    let layer = LayerSpec(
      mixer: .stateSpace(mixer), feedForward: .none, normParameters: h)
    return Parsed(
      layers: Array(repeating: layer, count: try r.int("num_hidden_layers")),
      hiddenSize: h,
      vocabSize: try r.int("vocab_size"),
      maxContextTokens: try r.optionalInt("max_position_embeddings")
        ?? unlimitedContext,
      tieWordEmbeddings: try r.optionalBool("tie_word_embeddings") ?? true,
      finalNormParameters: h)
  }

  /// Jamba (`JambaConfig`): attention in layers where
  /// `i % attn_layer_period == attn_layer_offset`, Mamba elsewhere (with
  /// RMSNorms on Δ, B and C); a mixture of experts in layers where
  /// `i % expert_layer_period == expert_layer_offset`, a dense MLP elsewhere.
  static func decodeJamba(_ r: YAMLNodeReader) throws(DescriptorError) -> Parsed
  {
    let h = try r.int("hidden_size")
    let count = try r.int("num_hidden_layers")
    let (heads, kv, headDim) = try heads(r, hidden: h)
    let attention = AttentionSpec(
      queryHeads: heads, kvHeads: kv, headDim: headDim)
    let dtRank = try timeStepRank(r, "mamba_dt_rank", hidden: h)
    let state = try r.optionalInt("mamba_d_state") ?? 16
    let mamba = StateSpaceSpec.mamba1(
      innerSize: (try r.optionalInt("mamba_expand") ?? 2) * h, stateSize: state,
      convKernel: try r.optionalInt("mamba_d_conv") ?? 4, timeStepRank: dtRank)
    let mlp = MLPSpec(
      intermediateSize: try r.int("intermediate_size"), gated: true)
    let experts = try r.optionalInt("num_experts") ?? 16
    let moe = MixtureOfExpertsSpec(
      experts: experts,
      expertsPerToken: try expertsPerToken(r, experts: experts), expert: mlp)
    let attnPeriod = try r.optionalInt("attn_layer_period") ?? 8
    let attnOffset = try r.optionalInt("attn_layer_offset", .nonNegative) ?? 4
    let expertPeriod = try r.optionalInt("expert_layer_period") ?? 2
    let expertOffset =
      try r.optionalInt("expert_layer_offset", .nonNegative) ?? 1
    let layers = (0..<count).map { i in
      let isAttention = i % attnPeriod == attnOffset
      return LayerSpec(
        mixer: isAttention ? .attention(attention) : .stateSpace(mamba),
        feedForward: i % expertPeriod == expertOffset ? .moe(moe) : .dense(mlp),
        normParameters: 2 * h + (isAttention ? 0 : dtRank + 2 * state))
    }
    return Parsed(
      layers: layers, hiddenSize: h, vocabSize: try r.int("vocab_size"),
      maxContextTokens: try r.int("max_position_embeddings"),
      tieWordEmbeddings: try r.optionalBool("tie_word_embeddings") ?? false,
      finalNormParameters: h)
  }

  /// Gated linear attention (`GLAConfig` of flash-linear-attention): keys
  /// of `expand_k · h`, values of `expand_v · h` over `num_heads` heads, a
  /// low-rank forget gate, an output gate, and a SwiGLU MLP whose width
  /// defaults to `⌈(h · hidden_ratio · 2/3) / 256⌉ · 256`.
  static func decodeGLA(_ r: YAMLNodeReader) throws(DescriptorError) -> Parsed {
    let h = try r.int("hidden_size")
    let heads = try r.int("num_heads")
    let expandK = try r.optionalDouble("expand_k", unit: "a ratio") ?? 0.5
    let expandV = try r.optionalDouble("expand_v", unit: "a ratio") ?? 1
    let keyDim = Int(Double(h) * expandK)
    let valueDim = Int(Double(h) * expandV)
    guard keyDim % heads == 0, valueDim % heads == 0 else {
      throw r.error(
        .range, "num_heads", "\(heads) heads do not divide key/value widths")
    }
    var inner = try r.optionalInt("intermediate_size")
    if inner == nil {
      let ratio = try r.optionalDouble("hidden_ratio", unit: "a ratio") ?? 4
      let raw = Int(Double(h) * ratio * 2 / 3)
      inner = 256 * ((raw + 255) / 256)
    }
    let useConv = try r.optionalBool("use_short_conv") ?? false
    let mixer = LinearAttentionSpec(
      heads: heads, keyHeadDim: keyDim / heads, valueHeadDim: valueDim / heads,
      gateLowRankDim: try r.optionalInt("gate_low_rank_dim") ?? 16,
      outputGate: try r.optionalBool("use_output_gate") ?? true,
      shortConvKernel: useConv ? (try r.optionalInt("conv_size") ?? 4) : 0)
    let layer = LayerSpec(
      mixer: .linearAttention(mixer),
      feedForward: .dense(MLPSpec(intermediateSize: inner ?? 0, gated: true)),
      normParameters: 2 * h)
    return Parsed(
      layers: Array(repeating: layer, count: try r.int("num_hidden_layers")),
      hiddenSize: h,
      vocabSize: try r.int("vocab_size"),
      maxContextTokens: try r.optionalInt("max_position_embeddings")
        ?? unlimitedContext,
      tieWordEmbeddings: try r.optionalBool("tie_word_embeddings") ?? false,
      finalNormParameters: h)
  }
}
