import PerfModel

extension ModelConfigDecoder {
  /// Zamba2 (`Zamba2Config`): Mamba-2 layers and hybrid layers.
  ///
  /// The hybrid layers (`layers_block_type`) first run one of `num_mem_blocks` shared
  /// transformer blocks (attention over the hidden state concatenated
  /// with the embeddings, head dim 2·hidden / heads, and a gated MLP of
  /// `intermediate_size`, 4·hidden unless given), with per-use adapters of
  /// `adapter_rank`, then a linear and the Mamba-2 layer. The hybrid
  /// layers take the blocks in turn; a block's weights are counted at its
  /// first use (``SharedBlockSpec``).
  static func decodeZamba2(_ r: YAMLNodeReader) throws(DescriptorError)
    -> Parsed
  {
    let h = try r.optionalInt("hidden_size") ?? 2560
    let allowed: Set<String> = ["linear_attention", "hybrid"]
    let defaultKinds =
      ["linear_attention"]
      + Array(
        repeating: [
          "linear_attention", "linear_attention", "linear_attention",
          "linear_attention", "linear_attention", "hybrid",
        ], count: 7
      ).flatMap { $0 }
      + Array(repeating: "linear_attention", count: 4) + ["hybrid"]
      + Array(repeating: "linear_attention", count: 3) + ["hybrid"]
      + ["linear_attention", "linear_attention"]
    let kinds =
      try layerKinds(r, "layers_block_type", allowed: allowed)
      ?? defaultKinds
    if let count = try r.optionalInt("num_hidden_layers"), count != kinds.count
    {
      throw r.error(
        .range, "num_hidden_layers",
        "\(count) layers but \(kinds.count) in layers_block_type; make them agree"
      )
    }
    if try r.optionalBool("add_bias_linear") == true {
      throw r.error(
        .unsupported, "add_bias_linear",
        "biases on Zamba2's projections are not modelled; this toolkit sizes add_bias_linear false"
      )
    }
    let heads = try r.optionalInt("num_attention_heads") ?? 32
    let kv = try r.optionalInt("num_key_value_heads") ?? heads
    guard heads % kv == 0, (2 * h) % heads == 0 else {
      throw r.error(
        .range, "num_attention_heads",
        "\(heads) heads over \(kv) KV heads must divide each other and 2 × hidden_size \(2 * h)"
      )
    }
    let attention = AttentionSpec(
      queryHeads: heads, kvHeads: kv, headDim: 2 * h / heads)
    let inner = (try r.optionalInt("mamba_expand") ?? 2) * h
    let mambaHeads = try r.optionalInt("n_mamba_heads") ?? 8
    guard inner % mambaHeads == 0 else {
      throw r.error(
        .range, "n_mamba_heads",
        "\(mambaHeads) heads do not divide the Mamba width \(inner)")
    }
    let mamba = StateSpaceSpec.mamba2(
      innerSize: inner, stateSize: try r.optionalInt("mamba_d_state") ?? 64,
      convKernel: try r.optionalInt("mamba_d_conv") ?? 4, heads: mambaHeads,
      groups: try r.optionalInt("mamba_ngroups") ?? 1)
    let mlp = MLPSpec(
      intermediateSize: try r.optionalInt("intermediate_size") ?? 4 * h,
      gated: true)
    let blocks = try r.optionalInt("num_mem_blocks") ?? 1
    let rank = try r.optionalInt("adapter_rank") ?? 128
    let attentionAdapters =
      try r.optionalBool("use_shared_attention_adapter") ?? false
    var uses = 0
    var layers: [LayerSpec] = []
    for kind in kinds {
      guard kind == "hybrid" else {
        layers.append(
          LayerSpec(
            mixer: .stateSpace(mamba), feedForward: .none, normParameters: h))
        continue
      }
      let block = SharedBlockSpec(
        attention: attention, mlp: mlp, adapterRank: rank,
        attentionAdapters: attentionAdapters, stateSpace: mamba,
        ownsSharedWeights: uses < blocks)
      uses += 1
      layers.append(
        LayerSpec(
          mixer: .sharedBlock(block), feedForward: .none, normParameters: h))
    }
    let long = try r.optionalBool("use_long_context") ?? false
    return Parsed(
      layers: layers, hiddenSize: h,
      vocabSize: try r.optionalInt("vocab_size") ?? 32000,
      maxContextTokens: long
        ? 16384 : try r.optionalInt("max_position_embeddings") ?? 4096,
      tieWordEmbeddings: try r.optionalBool("tie_word_embeddings") ?? true,
      finalNormParameters: h)
  }
}
