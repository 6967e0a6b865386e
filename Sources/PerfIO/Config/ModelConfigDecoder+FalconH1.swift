import PerfModel

extension ModelConfigDecoder {
  /// Falcon-H1 (`FalconH1Config`): in every layer, attention and a Mamba-2
  /// mixer read the same normed input side by side, then a SwiGLU MLP.
  ///
  /// The Mamba width is `mamba_d_ssm` (1024 unless given; `null` means
  /// `mamba_expand · hidden_size`) over `mamba_n_heads` heads; its gated
  /// RMSNorm has weights only with `mamba_rms_norm`. The µP multipliers
  /// scale activations and hold no parameters.
  static func decodeFalconH1(_ r: YAMLNodeReader) throws(DescriptorError)
    -> Parsed
  {
    let h = try r.int("hidden_size")
    let count = try r.optionalInt("num_hidden_layers") ?? 32
    let (heads, kv, headDim) = try defaultedHeads(
      r, hidden: h, heads: 32, kv: 8)
    let bias = try r.optionalBool("attention_bias") ?? false
    let attention = AttentionSpec(
      queryHeads: heads, kvHeads: kv, headDim: headDim, qkvBias: bias,
      outputBias: bias)
    let expand = try r.optionalInt("mamba_expand") ?? 2
    let inner =
      r.isNull("mamba_d_ssm")
      ? expand * h : try r.optionalInt("mamba_d_ssm") ?? 1024
    let mambaHeads = try r.optionalInt("mamba_n_heads") ?? 128
    var mambaHeadDim = inner / mambaHeads
    if try r.optionalString("mamba_d_head") != "auto",
      let given = try r.optionalInt("mamba_d_head")
    {
      mambaHeadDim = given
    }
    guard mambaHeadDim * mambaHeads == inner else {
      throw r.error(
        .range, "mamba_n_heads",
        "mamba_n_heads \(mambaHeads) × mamba_d_head \(mambaHeadDim) must equal the Mamba width \(inner) (mamba_d_ssm)"
      )
    }
    let projectionBias = try r.optionalBool("mamba_proj_bias") ?? false
    let outputBias = try r.optionalBool("projectors_bias") ?? false
    let convBias = try r.optionalBool("mamba_conv_bias") ?? true
    if projectionBias || outputBias || !convBias {
      throw r.error(
        .unsupported, projectionBias ? "mamba_proj_bias" : "projectors_bias",
        "Mamba projections with biases or a convolution without one are not modelled; this toolkit sizes mamba_proj_bias and projectors_bias false, mamba_conv_bias true"
      )
    }
    var mamba = StateSpaceSpec.mamba2(
      innerSize: inner, stateSize: try r.optionalInt("mamba_d_state") ?? 256,
      convKernel: try r.optionalInt("mamba_d_conv") ?? 4, heads: mambaHeads,
      groups: try r.optionalInt("mamba_n_groups") ?? 1)
    mamba.gatedNorm = try r.optionalBool("mamba_rms_norm") ?? false
    let mlp = MLPSpec(
      intermediateSize: try r.optionalInt("intermediate_size") ?? 14336,
      gated: true, bias: try r.optionalBool("mlp_bias") ?? false)
    let layer = LayerSpec(
      mixer: .parallel(
        ParallelMixerSpec(attention: attention, stateSpace: mamba)),
      feedForward: .dense(mlp), normParameters: 2 * h)
    return Parsed(
      layers: Array(repeating: layer, count: count), hiddenSize: h,
      vocabSize: try r.optionalInt("vocab_size") ?? 128000,
      maxContextTokens: try r.optionalInt("max_position_embeddings") ?? 8192,
      tieWordEmbeddings: try r.optionalBool("tie_word_embeddings") ?? false,
      finalNormParameters: h)
  }
}
