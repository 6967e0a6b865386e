import PerfModel

/// DeepSeek-V2 and DeepSeek-V3 (`DeepseekV3Config`): multi-head latent
/// attention in every layer; the first `first_k_dense_replace` layers have
/// a dense SwiGLU MLP, the rest (every `moe_layer_freq`-th) a mixture of
/// routed and shared experts. The multi-token-prediction module
/// (`num_nextn_predict_layers`) is not part of inference and not counted.
extension ModelConfigDecoder {
  static func decodeDeepSeek(_ r: YAMLNodeReader) throws(DescriptorError)
    -> Parsed
  {
    let h = try r.int("hidden_size")
    let count = try r.int("num_hidden_layers")
    let heads = try r.int("num_attention_heads")
    let latent = LatentAttentionSpec(
      queryLoraRank: try r.optionalInt("q_lora_rank"),
      kvLoraRank: try r.int("kv_lora_rank"),
      qkNopeHeadDim: try r.int("qk_nope_head_dim"),
      qkRopeHeadDim: try r.int("qk_rope_head_dim"),
      vHeadDim: try r.int("v_head_dim"))
    let attention = AttentionSpec(
      queryHeads: heads, kvHeads: heads,
      headDim: latent.qkNopeHeadDim + latent.qkRopeHeadDim,
      latent: latent)
    // V3 routes with a learned score-correction bias ("noaux_tc").
    let (dense, moe) = try denseAndSharedExperts(
      r, routerBias: (try r.optionalString("topk_method")) == "noaux_tc")
    let firstDense =
      try r.optionalInt("first_k_dense_replace", .nonNegative) ?? 0
    let frequency = try r.optionalInt("moe_layer_freq") ?? 1
    let layers = (0..<count).map { index in
      let isMoE = index >= firstDense && index % frequency == 0
      return LayerSpec(
        mixer: .attention(attention),
        feedForward: isMoE ? .moe(moe) : .dense(dense),
        normParameters: 2 * h)
    }
    return Parsed(
      layers: layers, hiddenSize: h, vocabSize: try r.int("vocab_size"),
      maxContextTokens: try r.int("max_position_embeddings"),
      tieWordEmbeddings: try r.optionalBool("tie_word_embeddings") ?? false,
      finalNormParameters: h)
  }

  /// The feed-forward blocks of DeepSeek-style mixtures (DeepSeek-V2/V3,
  /// GLM-4.5): a dense SwiGLU MLP of `intermediate_size`, and
  /// `n_routed_experts` SwiGLU experts of `moe_intermediate_size` with
  /// `n_shared_experts` shared ones of the same width.
  static func denseAndSharedExperts(_ r: YAMLNodeReader, routerBias: Bool)
    throws(DescriptorError) -> (MLPSpec, MixtureOfExpertsSpec)
  {
    let dense = MLPSpec(
      intermediateSize: try r.int("intermediate_size"), gated: true)
    let experts = try r.int("n_routed_experts")
    let expert = MLPSpec(
      intermediateSize: try r.int("moe_intermediate_size"), gated: true)
    let shared = try r.optionalInt("n_shared_experts", .nonNegative) ?? 0
    let moe = MixtureOfExpertsSpec(
      experts: experts,
      expertsPerToken: try expertsPerToken(r, experts: experts), expert: expert,
      sharedExperts: shared, sharedExpert: shared > 0 ? expert : nil,
      routerBias: routerBias)
    return (dense, moe)
  }
}
