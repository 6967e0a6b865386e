import PerfModel

/// Decoders whose attention normalises queries and keys (Qwen3, Qwen3-MoE,
/// OLMo-2, OLMoE, Gemma 2 and 3): the Llama layout with extra norms, and
/// per-layer patterns of sliding windows and experts from the config's own
/// fields.
extension ModelConfigDecoder {
  /// The layer kinds `layer_types` may name, transformers' spelling.
  static let attentionLayerTypes: Set<String> = [
    "full_attention", "sliding_attention",
  ]

  /// Each layer's kind: `layer_types` when the config lists them (checked
  /// against `count` and the kinds this family has), else `fallback(i)`.
  static func layerTypes(
    _ r: YAMLNodeReader, count: Int, allowed: Set<String>,
    fallback: (Int) -> String
  ) throws(DescriptorError) -> [String] {
    guard let listed = try r.optionalStrings("layer_types") else {
      return (0..<count).map(fallback)
    }
    guard listed.count == count else {
      throw r.error(
        .range, "layer_types",
        "\(listed.count) layer types for \(count) layers (num_hidden_layers); list one per layer"
      )
    }
    for (i, kind) in listed.enumerated() where !allowed.contains(kind) {
      throw r.error(
        .unsupported, "layer_types[\(i)]",
        "\"\(kind)\" is not a layer kind of this model; use one of \(allowed.sorted().joined(separator: ", "))"
      )
    }
    return listed
  }

  /// Qwen3 (`Qwen3Config`) and Qwen3-MoE (`Qwen3MoeConfig`): Llama layers
  /// with RMSNorms over each head's queries and keys (`q_norm`, `k_norm`,
  /// head_dim weights each), head_dim 128 unless given; sliding windows
  /// from layer `max_window_layers` on when `use_sliding_window`; in the
  /// MoE, experts in every layer `i` with `(i + 1) % decoder_sparse_step
  /// == 0` not listed in `mlp_only_layers`.
  static func decodeQwen3(_ r: YAMLNodeReader, moe: Bool)
    throws(DescriptorError) -> Parsed
  {
    let h = try r.int("hidden_size")
    let count = try r.int("num_hidden_layers")
    let (heads, kv, _) = try heads(r, hidden: h)
    let headDim = try r.optionalInt("head_dim") ?? 128
    let window = try r.optionalInt("sliding_window") ?? 4096
    let sliding = try r.optionalBool("use_sliding_window") ?? false
    let firstSliding =
      try r.optionalInt("max_window_layers", .nonNegative) ?? 28
    let types = try layerTypes(r, count: count, allowed: attentionLayerTypes) {
      sliding && $0 >= firstSliding ? "sliding_attention" : "full_attention"
    }
    let bias = try r.optionalBool("attention_bias") ?? false
    let dense = MLPSpec(
      intermediateSize: try r.int("intermediate_size"), gated: true)
    var experts: MixtureOfExpertsSpec?
    var denseLayers = Set<Int>()
    var step = 1
    if moe {
      let n = try r.int("num_experts")
      experts = MixtureOfExpertsSpec(
        experts: n, expertsPerToken: try expertsPerToken(r, experts: n),
        expert: MLPSpec(
          intermediateSize: try r.int("moe_intermediate_size"), gated: true))
      denseLayers = Set(try r.optionalInts("mlp_only_layers") ?? [])
      step = try r.optionalInt("decoder_sparse_step") ?? 1
    }
    let layers = types.enumerated().map { i, kind in
      let attention = AttentionSpec(
        queryHeads: heads, kvHeads: kv, headDim: headDim,
        slidingWindow: kind == "sliding_attention" ? window : nil,
        qkvBias: bias, outputBias: bias, queryKeyNorm: true)
      let routed = experts.flatMap { e in
        !denseLayers.contains(i) && (i + 1) % step == 0 ? e : nil
      }
      return LayerSpec(
        mixer: .attention(attention),
        feedForward: routed.map { .moe($0) } ?? .dense(dense),
        normParameters: 2 * h + 2 * headDim)
    }
    return Parsed(
      layers: layers, hiddenSize: h, vocabSize: try r.int("vocab_size"),
      maxContextTokens: try r.int("max_position_embeddings"),
      tieWordEmbeddings: try r.optionalBool("tie_word_embeddings") ?? false,
      finalNormParameters: h)
  }

  /// OLMo-2 (`Olmo2Config`) and OLMoE (`OlmoeConfig`): norms after
  /// attention and MLP (no input norm in OLMo-2), RMSNorms over all the
  /// queries and all the keys (heads · head_dim and KV heads · head_dim
  /// weights); OLMoE routes every layer's MLP over `num_experts` experts
  /// of `intermediate_size`.
  static func decodeOLMo(_ r: YAMLNodeReader, moe: Bool)
    throws(DescriptorError) -> Parsed
  {
    let h = try r.int("hidden_size")
    let (heads, kv, headDim) = try heads(r, hidden: h)
    let bias = try r.optionalBool("attention_bias") ?? false
    let attention = AttentionSpec(
      queryHeads: heads, kvHeads: kv, headDim: headDim, qkvBias: bias,
      outputBias: bias, queryKeyNorm: true)
    let mlp = MLPSpec(
      intermediateSize: try r.int("intermediate_size"), gated: true)
    let ffn: FeedForwardSpec
    if moe {
      let n = try r.int("num_experts")
      ffn = .moe(
        MixtureOfExpertsSpec(
          experts: n, expertsPerToken: try expertsPerToken(r, experts: n),
          expert: mlp))
    } else {
      ffn = .dense(mlp)
    }
    let layer = LayerSpec(
      mixer: .attention(attention), feedForward: ffn,
      normParameters: 2 * h + (heads + kv) * headDim)
    return Parsed(
      layers: Array(repeating: layer, count: try r.int("num_hidden_layers")),
      hiddenSize: h, vocabSize: try r.int("vocab_size"),
      maxContextTokens: try r.int("max_position_embeddings"),
      tieWordEmbeddings: try r.optionalBool("tie_word_embeddings") ?? false,
      finalNormParameters: h)
  }

  /// Gemma 2 (`Gemma2Config`) and Gemma 3's text model (`Gemma3TextConfig`):
  /// four norms a layer (before and after attention and MLP), head_dim 256
  /// unless given, tied embeddings; sliding windows on every other layer
  /// (Gemma 2: layers 0, 2, …) or on all but every `sliding_window_pattern`th
  /// (Gemma 3: 5 of 6), unless `layer_types` lists them; Gemma 3 adds
  /// RMSNorms over each head's queries and keys.
  static func decodeGemma(_ r: YAMLNodeReader, version: Int)
    throws(DescriptorError) -> Parsed
  {
    let h = try r.int("hidden_size")
    let count = try r.int("num_hidden_layers")
    let (heads, kv, _) = try heads(r, hidden: h)
    let headDim = try r.optionalInt("head_dim") ?? 256
    let window = try r.optionalInt("sliding_window") ?? 4096
    let period =
      version == 2 ? 2 : try r.optionalInt("sliding_window_pattern") ?? 6
    let types = try layerTypes(r, count: count, allowed: attentionLayerTypes) {
      ($0 + 1) % period != 0 ? "sliding_attention" : "full_attention"
    }
    let bias = try r.optionalBool("attention_bias") ?? false
    let mlp = MLPSpec(
      intermediateSize: try r.int("intermediate_size"), gated: true)
    let layers = types.map { kind in
      LayerSpec(
        mixer: .attention(
          AttentionSpec(
            queryHeads: heads, kvHeads: kv, headDim: headDim,
            slidingWindow: kind == "sliding_attention" ? window : nil,
            qkvBias: bias, outputBias: bias, queryKeyNorm: version == 3)),
        feedForward: .dense(mlp),
        normParameters: 4 * h + (version == 3 ? 2 * headDim : 0))
    }
    return Parsed(
      layers: layers, hiddenSize: h,
      vocabSize: try r.optionalInt("vocab_size")
        ?? (version == 2 ? 256_000 : 262_208),
      maxContextTokens: try r.optionalInt("max_position_embeddings")
        ?? (version == 2 ? 8192 : 131_072),
      tieWordEmbeddings: try r.optionalBool("tie_word_embeddings") ?? true,
      finalNormParameters: h)
  }
}
