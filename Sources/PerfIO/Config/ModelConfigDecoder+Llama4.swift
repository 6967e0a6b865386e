import PerfModel

extension ModelConfigDecoder {
  /// Llama 4's language model (`Llama4TextConfig`): attention without
  /// norms of its own (the q/k norm is a parameter-free L2 norm), chunked
  /// local attention (`attention_chunk_size`) in the RoPE layers and full
  /// attention in the NoPE layers (every `no_rope_layer_interval`-th, or
  /// as `no_rope_layers` or `layer_types` say); in the layers of
  /// `moe_layers` (every `interleave_moe_layer_step`-th) a mixture of
  /// SwiGLU experts with a sigmoid router beside a shared expert of the
  /// same width, elsewhere a SwiGLU MLP of `intermediate_size_mlp`.
  static func decodeLlama4Text(_ r: YAMLNodeReader) throws(DescriptorError)
    -> Parsed
  {
    let h = try r.optionalInt("hidden_size") ?? 5120
    let count = try r.optionalInt("num_hidden_layers") ?? 48
    let (heads, kv, headDim) = try defaultedHeads(
      r, hidden: h, heads: 40, kv: 8, headDim: 128)
    let bias = try r.optionalBool("attention_bias") ?? false
    let chunk =
      r.isNull("attention_chunk_size")
      ? nil : try r.optionalInt("attention_chunk_size") ?? 8192
    let interval = try r.optionalInt("no_rope_layer_interval") ?? 4
    var ropeLayers = try r.optionalInts("no_rope_layers") ?? []
    if ropeLayers.isEmpty {
      ropeLayers = (0..<count).map { ($0 + 1) % interval != 0 ? 1 : 0 }
    }
    guard ropeLayers.count == count else {
      throw r.error(
        .range, "no_rope_layers",
        "\(ropeLayers.count) entries for \(count) layers; list one per layer")
    }
    let types = try layerTypes(
      r, count: count, allowed: ["chunked_attention", "full_attention"]
    ) { ropeLayers[$0] != 0 ? "chunked_attention" : "full_attention" }
    let step = try r.optionalInt("interleave_moe_layer_step") ?? 1
    let moeLayers = Set(
      try r.optionalInts("moe_layers")
        ?? Array(stride(from: step - 1, to: count, by: step)))
    let experts = try r.optionalInt("num_local_experts") ?? 16
    let expert = MLPSpec(
      intermediateSize: try r.optionalInt("intermediate_size") ?? 8192,
      gated: true)
    let moe = MixtureOfExpertsSpec(
      experts: experts,
      expertsPerToken: r.has("num_experts_per_tok")
        ? try expertsPerToken(r, experts: experts) : 1,
      expert: expert, sharedExperts: 1, sharedExpert: expert)
    let dense = MLPSpec(
      intermediateSize: try r.optionalInt("intermediate_size_mlp") ?? 16384,
      gated: true)
    let layers = types.enumerated().map { i, kind in
      var attention = AttentionSpec(
        queryHeads: heads, kvHeads: kv, headDim: headDim, qkvBias: bias,
        outputBias: bias)
      if kind == "chunked_attention" { attention.chunkSize = chunk }
      return LayerSpec(
        mixer: .attention(attention),
        feedForward: moeLayers.contains(i) ? .moe(moe) : .dense(dense),
        normParameters: 2 * h)
    }
    return Parsed(
      layers: layers, hiddenSize: h,
      vocabSize: try r.optionalInt("vocab_size") ?? 202048,
      maxContextTokens: try r.optionalInt("max_position_embeddings") ?? 131072,
      tieWordEmbeddings: try r.optionalBool("tie_word_embeddings") ?? false,
      finalNormParameters: h)
  }

  /// Llama 4's vision model (`Llama4VisionModel`): a ViT with a class
  /// token, LayerNorms before and after, and a pixel-shuffle MLP adapter
  /// (intermediate → projector_input_dim, projector_output_dim²); the
  /// projector maps `vision_output_dim` to the text width, no biases.
  static func llama4Vision(_ v: YAMLNodeReader?, textHidden h: Int)
    throws(DescriptorError) -> VisionTower
  {
    func field(_ key: String, _ fallback: Int) throws(DescriptorError) -> Int {
      try v?.optionalInt(key) ?? fallback
    }
    let d = try field("hidden_size", 768)
    let layers = try field("num_hidden_layers", 34)
    let intermediate = try field("intermediate_size", 5632)
    let encoder = VisionTower.vitParameters(
      layers: layers, hidden: d, intermediate: intermediate,
      patch: try field("patch_size", 14), image: try field("image_size", 448),
      classToken: true, patchBias: false, preNorm: true)
    let output = try field("projector_output_dim", 4096)
    let adapter =
      intermediate * (try field("projector_input_dim", 4096)) + output * output
    return VisionTower(
      summary: "Llama 4 ViT, \(layers) layers × \(d), pixel-shuffle adapter",
      encoderParameters: encoder + adapter,
      projectorParameters: try field("vision_output_dim", 7680) * h)
  }
}
