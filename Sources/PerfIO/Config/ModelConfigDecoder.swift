import PerfModel

/// Reads a Hugging Face `config.json` (or a workload YAML written with the
/// same field names) into a ``ModelArchitecture``.
///
/// Dispatches on `model_type`; each family reads the fields its
/// `transformers` configuration class defines, with that class's defaults
/// where a field is absent.
enum ModelConfigDecoder {
  /// The `model_type` values this toolkit models.
  static let supported = [
    "deepseek_v2", "deepseek_v3", "falcon", "falcon_h1", "falcon_mamba",
    "gemma2",
    "gemma3_text", "gla", "glm4_moe", "gpt2", "gpt_oss", "granitemoehybrid",
    "jamba", "llama", "llama4_text", "mamba", "mamba2", "minimax", "mistral",
    "mixtral",
    "nemotron_h",
    "olmo2", "olmoe", "phi3", "qwen2", "qwen3", "qwen3_moe", "qwen3_next",
    "smollm3", "zamba2",
  ]

  /// Reads the family-specific fields of a `modelType` config.
  static func decodeFamily(_ modelType: String, _ r: YAMLNodeReader)
    throws(DescriptorError)
    -> Parsed?
  {
    switch modelType {
    case "llama", "mistral", "mixtral", "phi3", "smollm3":
      try decodeLlamaFamily(r, qkvBiasDefault: false)
    case "qwen2": try decodeLlamaFamily(r, qkvBiasDefault: true)
    case "falcon": try decodeFalcon(r)
    case "gpt2": try decodeGPT2(r)
    case "deepseek_v2", "deepseek_v3": try decodeDeepSeek(r)
    case "mamba", "falcon_mamba": try decodeMamba(r)
    case "qwen3": try decodeQwen3(r, moe: false)
    case "qwen3_moe": try decodeQwen3(r, moe: true)
    case "olmo2": try decodeOLMo(r, moe: false)
    case "olmoe": try decodeOLMo(r, moe: true)
    case "gpt_oss": try decodeGptOss(r)
    case "glm4_moe": try decodeGLM4MoE(r)
    case "gemma2": try decodeGemma(r, version: 2)
    case "gemma3_text": try decodeGemma(r, version: 3)
    case "mamba2": try decodeMamba2(r)
    case "jamba": try decodeJamba(r)
    case "gla": try decodeGLA(r)
    case "nemotron_h": try decodeNemotronH(r)
    case "granitemoehybrid": try decodeGraniteHybrid(r)
    case "qwen3_next": try decodeQwen3Next(r)
    case "falcon_h1": try decodeFalconH1(r)
    case "minimax": try decodeMiniMax(r)
    case "llama4_text": try decodeLlama4Text(r)
    case "zamba2": try decodeZamba2(r)
    default: nil
    }
  }

  /// What a family decoder returns; the shared fields are read once here.
  struct Parsed {
    var layers: [LayerSpec]
    var hiddenSize: Int
    var vocabSize: Int
    var maxContextTokens: Int
    var positionEmbeddings = 0
    var tieWordEmbeddings: Bool
    var finalNormParameters: Int
  }

  /// Decodes the config read by `r`, naming the result `name`.
  static func decode(_ r: YAMLNodeReader, name: String) throws(DescriptorError)
    -> ModelArchitecture
  {
    let list = (supported + wrappers.keys).sorted().joined(separator: ", ")
    guard let modelType = try r.optionalString("model_type") else {
      throw r.missing(
        "model_type", "the Hugging Face model type (one of \(list))")
    }
    var family = (reader: r, type: modelType)
    var vision: VisionTower?
    if wrappers[modelType] != nil {
      family = try textModel(r, wrapper: modelType)
    }
    guard let parsed = try decodeFamily(family.type, family.reader) else {
      let near = NameSuggestion.closest(
        to: modelType, in: supported + wrappers.keys)
      throw r.error(
        .unsupported, "model_type",
        "\"\(modelType)\" is not a supported decoder architecture"
          + (near.map { " (nearest: \($0))" } ?? "") + "; supported: \(list)")
    }
    if wrappers[modelType] != nil {
      vision = try visionTower(
        r, wrapper: modelType, textHidden: parsed.hiddenSize)
    }
    let dtypeKey = r.has("torch_dtype") ? "torch_dtype" : "dtype"
    var dtype = DataType.bf16
    if let text = try r.optionalString(dtypeKey) {
      guard let parsedType = DataType(spelling: text) else {
        throw r.error(
          .type, dtypeKey,
          "unknown data type \"\(text)\"; use bfloat16, float16 or float32")
      }
      dtype = parsedType
    }
    // A quantized checkpoint says how in `quantization_config`.
    var quantization: WeightQuantization?
    if let q = try r.optionalChild("quantization_config") {
      quantization = try QuantizationConfigDecoder.decode(q)
    }
    let source = try r.optionalString("source") ?? r.path
    try r.refuseMisspellings()
    var model = ModelArchitecture(
      name: name, modelType: modelType, hiddenSize: parsed.hiddenSize,
      vocabSize: parsed.vocabSize, maxContextTokens: parsed.maxContextTokens,
      positionEmbeddings: parsed.positionEmbeddings,
      tieWordEmbeddings: parsed.tieWordEmbeddings,
      finalNormParameters: parsed.finalNormParameters,
      layerGroups: ModelArchitecture.groups(parsed.layers),
      weightDataType: dtype,
      quantizedWeightDataType: quantization?.computeType == .fp8 ? .fp8 : nil,
      weightQuantization: quantization, source: source)
    model.vision = vision
    return model
  }

  /// Models with no position limit (SSMs, linear attention) get this one.
  static let unlimitedContext = 1 << 40

  /// Reads the attention head layout shared by the Llama-like families.
  static func heads(
    _ r: YAMLNodeReader, hidden: Int, headsKey: String = "num_attention_heads",
    kvKey: String = "num_key_value_heads"
  ) throws(DescriptorError) -> (heads: Int, kv: Int, headDim: Int) {
    let heads = try r.int(headsKey)
    let kv = try r.optionalInt(kvKey) ?? heads
    guard heads % kv == 0 else {
      throw r.error(
        .range, kvKey,
        "\(kv) KV heads do not divide \(heads) query heads; check the config")
    }
    let headDim = try r.optionalInt("head_dim") ?? hidden / heads
    guard r.has("head_dim") || hidden % heads == 0 else {
      throw r.error(
        .range, headsKey,
        "\(heads) heads do not divide hidden_size \(hidden); add head_dim")
    }
    return (heads, kv, headDim)
  }

  /// The head layout of a family whose configuration class gives every
  /// field a default: `num_attention_heads` (else `heads`),
  /// `num_key_value_heads` (else `kv`), `head_dim` (else `headDim`, or
  /// hidden / heads), the KV heads dividing the query heads.
  static func defaultedHeads(
    _ r: YAMLNodeReader, hidden: Int, heads defaultHeads: Int,
    kv defaultKV: Int,
    headDim defaultHeadDim: Int? = nil
  ) throws(DescriptorError) -> (heads: Int, kv: Int, headDim: Int) {
    let heads = try r.optionalInt("num_attention_heads") ?? defaultHeads
    let kv = try r.optionalInt("num_key_value_heads") ?? defaultKV
    guard heads % kv == 0 else {
      throw r.error(
        .range, "num_key_value_heads",
        "\(kv) KV heads do not divide \(heads) query heads; check the config")
    }
    let headDim =
      try r.optionalInt("head_dim") ?? defaultHeadDim ?? hidden / heads
    return (heads, kv, headDim)
  }
}
