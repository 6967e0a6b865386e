import PerfModel

/// gpt-oss (`GptOssConfig`): attention with biases and a learned sink per
/// head, alternating sliding (128) and full layers as `layer_types` lists
/// them, and a mixture of `num_local_experts` SwiGLU experts with biases
/// behind a router with a bias in every layer.
extension ModelConfigDecoder {
  static func decodeGptOss(_ r: YAMLNodeReader) throws(DescriptorError)
    -> Parsed
  {
    let h = try r.int("hidden_size")
    let count = try r.int("num_hidden_layers")
    let (heads, kv, headDim) = try heads(r, hidden: h)
    let window = try r.optionalInt("sliding_window") ?? 128
    let types = try layerTypes(r, count: count, allowed: attentionLayerTypes) {
      $0 % 2 == 0 ? "sliding_attention" : "full_attention"
    }
    let bias = try r.optionalBool("attention_bias") ?? true
    let experts = try r.int("num_local_experts")
    let moe = MixtureOfExpertsSpec(
      experts: experts,
      expertsPerToken: try expertsPerToken(r, experts: experts),
      expert: MLPSpec(
        intermediateSize: try r.int("intermediate_size"), gated: true,
        bias: true),
      routerBias: true)
    let layers = types.map { kind in
      var attention = AttentionSpec(
        queryHeads: heads, kvHeads: kv, headDim: headDim,
        slidingWindow: kind == "sliding_attention" ? window : nil,
        qkvBias: bias, outputBias: bias)
      attention.sinks = true
      return LayerSpec(
        mixer: .attention(attention), feedForward: .moe(moe),
        normParameters: 2 * h)
    }
    return Parsed(
      layers: layers, hiddenSize: h, vocabSize: try r.int("vocab_size"),
      maxContextTokens: try r.int("max_position_embeddings"),
      tieWordEmbeddings: try r.optionalBool("tie_word_embeddings") ?? false,
      finalNormParameters: h)
  }
}
