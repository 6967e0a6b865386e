import PerfModel

extension ModelConfigDecoder {
  /// MiniMax-Text-01 (`MiniMaxConfig`): Lightning Attention layers
  /// (linear attention with a fixed per-head decay: one fused q, k, v
  /// projection, an output gate, an RMSNorm over all heads, no
  /// convolution) and softmax-attention layers as `layer_types` lists
  /// them (alternating, full first, when absent); a mixture of
  /// `num_local_experts` SwiGLU experts in every layer.
  ///
  /// [MiniMax-01]: https://arxiv.org/abs/2501.08313
  static func decodeMiniMax(_ r: YAMLNodeReader) throws(DescriptorError)
    -> Parsed
  {
    let h = try r.int("hidden_size")
    let count = try r.optionalInt("num_hidden_layers") ?? 32
    let types = try layerTypes(
      r, count: count, allowed: ["full_attention", "linear_attention"]
    ) { ($0 + 1) % 2 == 1 ? "full_attention" : "linear_attention" }
    let (heads, kv, headDim) = try defaultedHeads(
      r, hidden: h, heads: 32, kv: 8)
    let attention = AttentionSpec(
      queryHeads: heads, kvHeads: kv, headDim: headDim)
    var lightning = LinearAttentionSpec(
      heads: heads, keyHeadDim: headDim, valueHeadDim: headDim,
      gateLowRankDim: 0, outputGate: true, shortConvKernel: 0)
    lightning.fullWidthNorm = true
    let n = try r.optionalInt("num_local_experts") ?? 8
    let moe = MixtureOfExpertsSpec(
      experts: n, expertsPerToken: try expertsPerToken(r, experts: n),
      expert: MLPSpec(
        intermediateSize: try r.optionalInt("intermediate_size") ?? 14336,
        gated: true))
    let layers = types.map { kind in
      LayerSpec(
        mixer: kind == "full_attention"
          ? .attention(attention) : .linearAttention(lightning),
        feedForward: .moe(moe), normParameters: 2 * h)
    }
    return Parsed(
      layers: layers, hiddenSize: h,
      vocabSize: try r.optionalInt("vocab_size") ?? 32000,
      maxContextTokens: try r.optionalInt("max_position_embeddings") ?? 131072,
      tieWordEmbeddings: try r.optionalBool("tie_word_embeddings") ?? false,
      finalNormParameters: h)
  }
}
