import PerfModel

/// Hybrids whose layers mix attention with Mamba-2 or gated DeltaNet, each
/// layer's kind read from the config's own list: Nemotron-H
/// (`hybrid_override_pattern` or `layers_block_type`), Granite 4.0-H
/// (`layer_types`), Qwen3-Next (`layer_types` or `full_attention_interval`).
extension ModelConfigDecoder {
  /// transformers' older layer-kind names, as its configs remap them.
  static let legacyLayerTypes = [
    "mamba": "linear_attention", "attention": "full_attention",
  ]

  /// A per-layer kind list from `key` (legacy names remapped), each one of
  /// `allowed`; at most the layer limit.
  static func layerKinds(
    _ r: YAMLNodeReader, _ key: String, allowed: Set<String>
  ) throws(DescriptorError) -> [String]? {
    guard let listed = try r.optionalStrings(key) else { return nil }
    let limit = YAMLNodeReader.countLimits["num_hidden_layers"] ?? 4096
    guard !listed.isEmpty, listed.count <= limit else {
      throw r.error(
        .range, key, "\(listed.count) layers; list 1 to \(limit) layer kinds")
    }
    var kinds: [String] = []
    for (i, raw) in listed.enumerated() {
      let kind = legacyLayerTypes[raw] ?? raw
      guard allowed.contains(kind) else {
        throw r.error(
          .unsupported, "\(key)[\(i)]",
          "\"\(raw)\" is not a layer kind of this model; use one of \(allowed.sorted().joined(separator: ", "))"
        )
      }
      kinds.append(kind)
    }
    return kinds
  }

  /// Nemotron-H (`NemotronHConfig`): blocks of one kind each.
  ///
  /// Each block is a norm and one of a Mamba-2 mixer (`M`), attention
  /// without biases (`*`), a squared-ReLU MLP (`-`) or a mixture of
  /// squared-ReLU experts with a shared expert (`E`). The kinds come from `layers_block_type` (or
  /// `layer_types`) or, in older configs, `hybrid_override_pattern`; the
  /// SSM's inner width is `mamba_num_heads · mamba_head_dim`.
  static func decodeNemotronH(_ r: YAMLNodeReader) throws(DescriptorError)
    -> Parsed
  {
    let h = try r.int("hidden_size")
    let allowed: Set<String> = [
      "linear_attention", "full_attention", "mlp", "moe",
    ]
    var kinds = try layerKinds(r, "layers_block_type", allowed: allowed)
    if kinds == nil {
      kinds = try layerKinds(r, "layer_types", allowed: allowed)
    }
    if kinds == nil,
      let pattern = try r.optionalString("hybrid_override_pattern")
    {
      let symbols = [
        "M": "linear_attention", "*": "full_attention", "-": "mlp", "E": "moe",
      ]
      var parsed: [String] = []
      for (i, c) in pattern.enumerated() {
        guard let kind = symbols[String(c)] else {
          throw r.error(
            .unsupported, "hybrid_override_pattern",
            "character \(i + 1) \"\(c)\" is not a block kind; use M (Mamba-2), * (attention), - (MLP) or E (experts)"
          )
        }
        parsed.append(kind)
      }
      guard !parsed.isEmpty, parsed.count <= 4096 else {
        throw r.error(
          .range, "hybrid_override_pattern",
          "\(parsed.count) blocks; give 1 to 4096")
      }
      kinds = parsed
    }
    guard let kinds else {
      throw r.missing(
        "layers_block_type",
        "the kind of each block (or hybrid_override_pattern, e.g. \"M-M*-\")")
    }
    if let count = try r.optionalInt("num_hidden_layers"), count != kinds.count
    {
      throw r.error(
        .range, "num_hidden_layers",
        "\(count) layers but \(kinds.count) block kinds; make them agree")
    }
    let (heads, kv, headDim) = try heads(r, hidden: h)
    let attention = AttentionSpec(
      queryHeads: heads, kvHeads: kv, headDim: headDim)
    let mambaHeads = try r.optionalInt("mamba_num_heads") ?? 128
    let mamba = StateSpaceSpec.mamba2(
      innerSize: mambaHeads * (try r.optionalInt("mamba_head_dim") ?? 64),
      stateSize: try r.optionalInt("ssm_state_size") ?? 128,
      convKernel: try r.optionalInt("conv_kernel") ?? 4, heads: mambaHeads,
      groups: try r.optionalInt("n_groups") ?? 8)
    let projectionBias = try r.optionalBool("use_bias") ?? false
    let convBias = try r.optionalBool("use_conv_bias") ?? true
    if projectionBias || !convBias {
      throw r.error(
        .unsupported, "use_bias",
        "Mamba projections with biases or a convolution without one are not modelled; this toolkit sizes use_bias false, use_conv_bias true"
      )
    }
    let mlpBias = try r.optionalBool("mlp_bias") ?? false
    let mlp = MLPSpec(
      intermediateSize: try r.optionalInt("intermediate_size") ?? 21504,
      gated: false, bias: mlpBias)
    var moe: MixtureOfExpertsSpec?
    if kinds.contains("moe") {
      if try r.optionalInt("moe_latent_size") != nil {
        throw r.error(
          .unsupported, "moe_latent_size",
          "experts in a latent space are not modelled yet; remove the field to size full-width experts"
        )
      }
      let n = try r.optionalInt("n_routed_experts") ?? 8
      let shared = try r.optionalInt("n_shared_experts") ?? 1
      var spec = MixtureOfExpertsSpec(
        experts: n, expertsPerToken: try expertsPerToken(r, experts: n),
        expert: MLPSpec(
          intermediateSize: try r.optionalInt("moe_intermediate_size") ?? 7688,
          gated: false, bias: mlpBias),
        // The router keeps a score-correction bias (e_score_correction_bias).
        routerBias: true)
      // transformers builds one shared MLP of the shared width, whatever
      // n_shared_experts says.
      if shared > 0 {
        spec.sharedExperts = 1
        spec.sharedExpert = MLPSpec(
          intermediateSize: try r.optionalInt(
            "moe_shared_expert_intermediate_size") ?? 7688,
          gated: false, bias: mlpBias)
      }
      moe = spec
    }
    let layers = kinds.map { kind in
      switch kind {
      case "linear_attention":
        LayerSpec(
          mixer: .stateSpace(mamba), feedForward: .none, normParameters: h)
      case "full_attention":
        LayerSpec(
          mixer: .attention(attention), feedForward: .none, normParameters: h)
      case "moe":
        LayerSpec(
          mixer: .noMixer, feedForward: moe.map { .moe($0) } ?? .dense(mlp),
          normParameters: h)
      default:
        LayerSpec(mixer: .noMixer, feedForward: .dense(mlp), normParameters: h)
      }
    }
    return Parsed(
      layers: layers, hiddenSize: h, vocabSize: try r.int("vocab_size"),
      maxContextTokens: try r.optionalInt("max_position_embeddings") ?? 4096,
      tieWordEmbeddings: try r.optionalBool("tie_word_embeddings") ?? false,
      finalNormParameters: h)
  }

  /// Granite 4.0-H (`GraniteMoeHybridConfig`): Mamba-2 or attention layers
  /// from `layer_types` (all Mamba when absent), each with a mixture of
  /// `num_local_experts` SwiGLU experts beside an always-on shared SwiGLU
  /// MLP of `shared_intermediate_size`, or that MLP alone when there are
  /// no experts.
  static func decodeGraniteHybrid(_ r: YAMLNodeReader) throws(DescriptorError)
    -> Parsed
  {
    let h = try r.int("hidden_size")
    let count = try r.int("num_hidden_layers")
    let allowed: Set<String> = ["linear_attention", "full_attention"]
    var listed = try layerKinds(r, "layer_types", allowed: allowed)
    if listed == nil {
      listed = try layerKinds(r, "layers_block_type", allowed: allowed)
    }
    let kinds = listed ?? Array(repeating: "linear_attention", count: count)
    guard kinds.count == count else {
      throw r.error(
        .range, "layer_types",
        "\(kinds.count) layer types for \(count) layers (num_hidden_layers); list one per layer"
      )
    }
    let (heads, kv, headDim) = try heads(r, hidden: h)
    let bias = try r.optionalBool("attention_bias") ?? false
    let attention = AttentionSpec(
      queryHeads: heads, kvHeads: kv, headDim: headDim, qkvBias: bias,
      outputBias: bias)
    let inner = (try r.optionalInt("mamba_expand") ?? 2) * h
    let mambaHeads = try r.optionalInt("mamba_n_heads") ?? 128
    if try r.optionalString("mamba_d_head") != "auto",
      let headDim = try r.optionalInt("mamba_d_head"),
      headDim * mambaHeads != inner
    {
      throw r.error(
        .range, "mamba_d_head",
        "mamba_n_heads \(mambaHeads) × mamba_d_head \(headDim) must equal mamba_expand × hidden_size \(inner)"
      )
    }
    guard inner % mambaHeads == 0 else {
      throw r.error(
        .range, "mamba_n_heads",
        "\(mambaHeads) heads do not divide the Mamba width \(inner)")
    }
    let projectionBias = try r.optionalBool("mamba_proj_bias") ?? false
    let convBias = try r.optionalBool("mamba_conv_bias") ?? true
    if projectionBias || !convBias {
      throw r.error(
        .unsupported, "mamba_proj_bias",
        "Mamba projections with biases or a convolution without one are not modelled; this toolkit sizes mamba_proj_bias false, mamba_conv_bias true"
      )
    }
    let mamba = StateSpaceSpec.mamba2(
      innerSize: inner, stateSize: try r.optionalInt("mamba_d_state") ?? 256,
      convKernel: try r.optionalInt("mamba_d_conv") ?? 4, heads: mambaHeads,
      groups: try r.optionalInt("mamba_n_groups") ?? 1)
    let shared = MLPSpec(
      intermediateSize: try r.optionalInt("shared_intermediate_size") ?? 1024,
      gated: true)
    let experts = try r.optionalInt("num_local_experts", .nonNegative) ?? 8
    var ffn = FeedForwardSpec.dense(shared)
    if experts > 0 {
      ffn = .moe(
        MixtureOfExpertsSpec(
          experts: experts,
          expertsPerToken: try expertsPerToken(r, experts: experts),
          expert: MLPSpec(
            intermediateSize: try r.optionalInt("intermediate_size") ?? 11008,
            gated: true),
          sharedExperts: 1, sharedExpert: shared))
    }
    let layers = kinds.map { kind in
      LayerSpec(
        mixer: kind == "full_attention"
          ? .attention(attention) : .stateSpace(mamba),
        feedForward: ffn, normParameters: 2 * h)
    }
    return Parsed(
      layers: layers, hiddenSize: h, vocabSize: try r.int("vocab_size"),
      maxContextTokens: try r.optionalInt("max_position_embeddings") ?? 2048,
      tieWordEmbeddings: try r.optionalBool("tie_word_embeddings") ?? false,
      finalNormParameters: h)
  }

  /// Qwen3-Next (`Qwen3NextConfig`): gated DeltaNet layers and, every
  /// `full_attention_interval`-th layer (or as `layer_types` lists),
  /// gated attention with q/k norms over head_dim 256; experts in every
  /// layer `i` with `(i + 1) % decoder_sparse_step == 0` not in
  /// `mlp_only_layers`, beside a gated shared SwiGLU expert.
  static func decodeQwen3Next(_ r: YAMLNodeReader) throws(DescriptorError)
    -> Parsed
  {
    let h = try r.int("hidden_size")
    let count = try r.optionalInt("num_hidden_layers") ?? 48
    let interval = try r.optionalInt("full_attention_interval") ?? 4
    let types = try layerTypes(
      r, count: count, allowed: ["linear_attention", "full_attention"]
    ) { (($0 + 1) % interval == 0) ? "full_attention" : "linear_attention" }
    let (heads, kv, headDim) = try defaultedHeads(
      r, hidden: h, heads: 16, kv: 2, headDim: 256)
    let bias = try r.optionalBool("attention_bias") ?? false
    var attention = AttentionSpec(
      queryHeads: heads, kvHeads: kv, headDim: headDim, qkvBias: bias,
      outputBias: bias, queryKeyNorm: true)
    attention.outputGate = true
    let keyHeads = try r.optionalInt("linear_num_key_heads") ?? 16
    let valueHeads = try r.optionalInt("linear_num_value_heads") ?? 32
    guard valueHeads % keyHeads == 0 else {
      throw r.error(
        .range, "linear_num_value_heads",
        "\(valueHeads) value heads are not a multiple of the \(keyHeads) key heads"
      )
    }
    let deltaNet = GatedDeltaNetSpec(
      keyHeads: keyHeads, valueHeads: valueHeads,
      keyHeadDim: try r.optionalInt("linear_key_head_dim") ?? 128,
      valueHeadDim: try r.optionalInt("linear_value_head_dim") ?? 128,
      convKernel: try r.optionalInt("linear_conv_kernel_dim") ?? 4)
    let dense = MLPSpec(
      intermediateSize: try r.optionalInt("intermediate_size") ?? 5632,
      gated: true)
    let n = try r.optionalInt("num_experts", .nonNegative) ?? 512
    var moe: MixtureOfExpertsSpec?
    if n > 0 {
      var spec = MixtureOfExpertsSpec(
        experts: n, expertsPerToken: try expertsPerToken(r, experts: n),
        expert: MLPSpec(
          intermediateSize: try r.optionalInt("moe_intermediate_size") ?? 512,
          gated: true),
        sharedExperts: 1,
        sharedExpert: MLPSpec(
          intermediateSize: try r.optionalInt(
            "shared_expert_intermediate_size") ?? 512, gated: true))
      spec.sharedExpertGate = true
      moe = spec
    }
    let denseLayers = Set(try r.optionalInts("mlp_only_layers") ?? [])
    let step = try r.optionalInt("decoder_sparse_step") ?? 1
    let layers = types.enumerated().map { i, kind in
      let routed = moe.flatMap { e in
        !denseLayers.contains(i) && (i + 1) % step == 0 ? e : nil
      }
      let isAttention = kind == "full_attention"
      return LayerSpec(
        mixer: isAttention ? .attention(attention) : .gatedDeltaNet(deltaNet),
        feedForward: routed.map { .moe($0) } ?? .dense(dense),
        normParameters: 2 * h + (isAttention ? 2 * headDim : 0))
    }
    return Parsed(
      layers: layers, hiddenSize: h, vocabSize: try r.int("vocab_size"),
      maxContextTokens: try r.optionalInt("max_position_embeddings") ?? 32768,
      tieWordEmbeddings: try r.optionalBool("tie_word_embeddings") ?? false,
      finalNormParameters: h)
  }
}
