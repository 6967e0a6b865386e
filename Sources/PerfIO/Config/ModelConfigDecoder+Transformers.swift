import PerfModel

/// Dense and MoE transformer families: Llama, Mistral, Qwen2, Mixtral,
/// Falcon and GPT-2/GPT-3.
extension ModelConfigDecoder {
  /// Llama-like decoders (`LlamaConfig`, `MistralConfig`, `Qwen2Config`,
  /// `MixtralConfig`): RMSNorm before attention and MLP, SwiGLU MLPs or
  /// Mixtral's routed SwiGLU experts, optional sliding window.
  static func decodeLlamaFamily(_ r: YAMLNodeReader, qkvBiasDefault: Bool)
    throws(DescriptorError) -> Parsed
  {
    let h = try r.int("hidden_size")
    let layers = try r.int("num_hidden_layers")
    let (heads, kv, headDim) = try heads(r, hidden: h)
    let attentionBias = try r.optionalBool("attention_bias")
    // Qwen2 uses sliding windows only when `use_sliding_window` is true.
    let windowApplies = try r.optionalBool("use_sliding_window") ?? true
    let window = windowApplies ? try r.optionalInt("sliding_window") : nil
    let attention = AttentionSpec(
      queryHeads: heads, kvHeads: kv, headDim: headDim, slidingWindow: window,
      qkvBias: attentionBias ?? qkvBiasDefault,
      outputBias: attentionBias ?? false)
    let mlp = MLPSpec(
      intermediateSize: try r.int("intermediate_size"), gated: true,
      bias: try r.optionalBool("mlp_bias") ?? false)
    let ffn: FeedForwardSpec
    if let experts = try r.optionalInt("num_local_experts") {
      ffn = .moe(
        MixtureOfExpertsSpec(
          experts: experts,
          expertsPerToken: try expertsPerToken(r, experts: experts),
          expert: mlp))
    } else {
      ffn = .dense(mlp)
    }
    let layer = LayerSpec(
      mixer: .attention(attention), feedForward: ffn, normParameters: 2 * h)
    return Parsed(
      layers: Array(repeating: layer, count: layers), hiddenSize: h,
      vocabSize: try r.int("vocab_size"),
      maxContextTokens: try r.int("max_position_embeddings"),
      tieWordEmbeddings: try r.optionalBool("tie_word_embeddings") ?? false,
      finalNormParameters: h)
  }

  static func expertsPerToken(_ r: YAMLNodeReader, experts: Int)
    throws(DescriptorError) -> Int
  {
    let k = try r.int("num_experts_per_tok")
    guard k <= experts else {
      throw r.error(
        .range, "num_experts_per_tok",
        "\(k) experts per token exceeds the \(experts) experts")
    }
    return k
  }

  /// Falcon (`FalconConfig`): multi-query attention (or grouped, with
  /// `new_decoder_architecture`), a 4h GELU MLP, LayerNorms with biases;
  /// parallel attention and MLP share one norm.
  static func decodeFalcon(_ r: YAMLNodeReader) throws(DescriptorError)
    -> Parsed
  {
    let h = try r.int("hidden_size")
    let layers = try r.int("num_hidden_layers")
    let heads = try r.int("num_attention_heads")
    let newArchitecture =
      try r.optionalBool("new_decoder_architecture") ?? false
    let kv: Int
    if newArchitecture {
      kv = try r.optionalInt("num_kv_heads") ?? heads
    } else {
      kv = (try r.optionalBool("multi_query") ?? true) ? 1 : heads
    }
    guard heads % kv == 0 else {
      throw r.error(
        .range, "num_kv_heads",
        "\(kv) KV heads do not divide \(heads) query heads; check the config")
    }
    guard h % heads == 0 else {
      throw r.error(
        .range, "num_attention_heads",
        "\(heads) heads do not divide hidden_size \(h); check the config")
    }
    let bias = try r.optionalBool("bias") ?? false
    let parallel = try r.optionalBool("parallel_attn") ?? true
    let norms = newArchitecture ? 2 : (parallel ? 1 : 2)
    let attention = AttentionSpec(
      queryHeads: heads, kvHeads: kv, headDim: h / heads, qkvBias: bias,
      outputBias: bias)
    let mlp = MLPSpec(
      intermediateSize: try r.optionalInt("ffn_hidden_size") ?? 4 * h,
      gated: false, bias: bias)
    let layer = LayerSpec(
      mixer: .attention(attention), feedForward: .dense(mlp),
      normParameters: norms * 2 * h)
    return Parsed(
      layers: Array(repeating: layer, count: layers), hiddenSize: h,
      vocabSize: try r.int("vocab_size"),
      maxContextTokens: try r.optionalInt("max_position_embeddings") ?? 2048,
      tieWordEmbeddings: try r.optionalBool("tie_word_embeddings") ?? true,
      finalNormParameters: 2 * h)
  }

  /// GPT-2 field names (`GPT2Config`: `n_embd`, `n_layer`, `n_head`,
  /// `n_positions`, `n_inner`), used for GPT-2 and to transcribe GPT-3:
  /// MHA with biases, learned positions, a 4h GELU MLP, pre-LayerNorm.
  static func decodeGPT2(_ r: YAMLNodeReader) throws(DescriptorError) -> Parsed
  {
    let h = try r.int("n_embd")
    let heads = try r.int("n_head")
    guard h % heads == 0 else {
      throw r.error(
        .range, "n_head", "\(heads) heads do not divide n_embd \(h)")
    }
    let positions = try r.int("n_positions")
    let attention = AttentionSpec(
      queryHeads: heads, kvHeads: heads, headDim: h / heads, qkvBias: true,
      outputBias: true)
    let mlp = MLPSpec(
      intermediateSize: try r.optionalInt("n_inner") ?? 4 * h, gated: false,
      bias: true)
    let layer = LayerSpec(
      mixer: .attention(attention), feedForward: .dense(mlp),
      normParameters: 2 * 2 * h)
    return Parsed(
      layers: Array(repeating: layer, count: try r.int("n_layer")),
      hiddenSize: h,
      vocabSize: try r.int("vocab_size"), maxContextTokens: positions,
      positionEmbeddings: positions,
      tieWordEmbeddings: try r.optionalBool("tie_word_embeddings") ?? true,
      finalNormParameters: 2 * h)
  }
}
