import PerfModel

/// GLM-4.5 (`Glm4MoeConfig`): grouped-query attention with q, k, v biases
/// (no output bias) and optional q/k norms (`use_qk_norm`); the first
/// `first_k_dense_replace` layers have a dense SwiGLU MLP, the rest
/// `n_routed_experts` routed experts (a router with a score-correction
/// bias) and `n_shared_experts` shared ones. The multi-token-prediction
/// layers (`num_nextn_predict_layers`) are not part of inference and not
/// counted, as transformers builds none.
extension ModelConfigDecoder {
  static func decodeGLM4MoE(_ r: YAMLNodeReader) throws(DescriptorError)
    -> Parsed
  {
    let h = try r.int("hidden_size")
    let count = try r.int("num_hidden_layers")
    let (heads, kv, defaultDim) = try heads(r, hidden: h)
    let headDim = try r.optionalInt("head_dim") ?? defaultDim
    let norms = try r.optionalBool("use_qk_norm") ?? false
    let attention = AttentionSpec(
      queryHeads: heads, kvHeads: kv, headDim: headDim,
      qkvBias: try r.optionalBool("attention_bias") ?? false,
      outputBias: false, queryKeyNorm: norms)
    let (dense, moe) = try denseAndSharedExperts(r, routerBias: true)
    let firstDense =
      try r.optionalInt("first_k_dense_replace", .nonNegative) ?? 1
    let layers = (0..<count).map { index in
      LayerSpec(
        mixer: .attention(attention),
        feedForward: index >= firstDense ? .moe(moe) : .dense(dense),
        normParameters: 2 * h + (norms ? 2 * headDim : 0))
    }
    return Parsed(
      layers: layers, hiddenSize: h, vocabSize: try r.int("vocab_size"),
      maxContextTokens: try r.int("max_position_embeddings"),
      tieWordEmbeddings: try r.optionalBool("tie_word_embeddings") ?? false,
      finalNormParameters: h)
  }
}
