import PerfModel

/// Multimodal wrappers whose language model sits in `text_config`: the
/// language model is read as its own family (with its configuration
/// class's defaults for the fields `text_config` leaves out), the vision
/// encoder and projector are counted apart (``VisionTower``).
extension ModelConfigDecoder {
  /// Wrapper `model_type` → the language model's type when `text_config`
  /// does not name it.
  static let wrappers: [String: String] = [
    "gemma3": "gemma3_text", "llama4": "llama4_text", "llava": "llama",
    "mistral3": "mistral",
    "qwen2_5_vl": "qwen2",
  ]

  /// Defaults of the configuration classes a `text_config` is read as
  /// (transformers' `LlamaConfig`, `MistralConfig`, `Gemma3TextConfig`,
  /// `Qwen2_5_VLTextConfig`).
  static let textDefaults: [String: [(String, String)]] = [
    "llama": [
      ("hidden_size", "4096"), ("intermediate_size", "11008"),
      ("num_hidden_layers", "32"), ("num_attention_heads", "32"),
      ("vocab_size", "32000"), ("max_position_embeddings", "2048"),
    ],
    "mistral": [
      ("hidden_size", "4096"), ("intermediate_size", "14336"),
      ("num_hidden_layers", "32"), ("num_attention_heads", "32"),
      ("num_key_value_heads", "8"), ("vocab_size", "32000"),
      ("max_position_embeddings", "131072"),
    ],
    "gemma3_text": [
      ("hidden_size", "2304"), ("intermediate_size", "9216"),
      ("num_hidden_layers", "26"), ("num_attention_heads", "8"),
      ("num_key_value_heads", "4"),
    ],
    "qwen2": [
      ("hidden_size", "8192"), ("intermediate_size", "29568"),
      ("num_hidden_layers", "80"), ("num_attention_heads", "64"),
      ("num_key_value_heads", "8"), ("vocab_size", "152064"),
      ("max_position_embeddings", "32768"),
    ],
  ]

  /// The language model's reader and type in a wrapper config.
  static func textModel(_ r: YAMLNodeReader, wrapper: String)
    throws(DescriptorError) -> (YAMLNodeReader, String)
  {
    let text = try r.child("text_config")
    let named = try text.optionalString("model_type") ?? wrappers[wrapper] ?? ""
    let type = named == "qwen2_5_vl_text" ? "qwen2" : named
    guard supported.contains(type) else {
      throw text.error(
        .unsupported, "model_type",
        "the language model's type \"\(named)\" is not supported; supported: \(supported.joined(separator: ", "))"
      )
    }
    return (text.withDefaults(textDefaults[type] ?? []), type)
  }

  /// The vision encoder and projector of a wrapper, counted where this
  /// toolkit knows the encoder (CLIP in LLaVA, SigLIP in Gemma 3).
  static func visionTower(
    _ r: YAMLNodeReader, wrapper: String, textHidden h: Int
  ) throws(DescriptorError) -> VisionTower {
    let v = try r.optionalChild("vision_config")
    func field(_ key: String, _ fallback: Int) throws(DescriptorError) -> Int {
      try v?.optionalInt(key) ?? fallback
    }
    switch wrapper {
    case "llava":
      // CLIPVisionConfig's defaults; LLaVA's two-layer projector (biases
      // unless multimodal_projector_bias is false).
      let d = try field("hidden_size", 768)
      let layers = try field("num_hidden_layers", 12)
      let encoder = VisionTower.vitParameters(
        layers: layers, hidden: d,
        intermediate: try field("intermediate_size", 3072),
        patch: try field("patch_size", 32), image: try field("image_size", 224),
        classToken: true, patchBias: false, preNorm: true)
      let bias = try r.optionalBool("multimodal_projector_bias") ?? true
      return VisionTower(
        summary: "CLIP ViT, \(layers) layers × \(d), two-layer projector",
        encoderParameters: encoder,
        projectorParameters: d * h + h * h + (bias ? 2 * h : 0))
    case "gemma3":
      // SiglipVisionConfig's defaults; Gemma 3's projector: a d × h matrix
      // and an RMSNorm over the vision width.
      let d = try field("hidden_size", 768)
      let layers = try field("num_hidden_layers", 12)
      let encoder = VisionTower.vitParameters(
        layers: layers, hidden: d,
        intermediate: try field("intermediate_size", 3072),
        patch: try field("patch_size", 16), image: try field("image_size", 224),
        classToken: false, patchBias: true, preNorm: false)
      return VisionTower(
        summary: "SigLIP ViT, \(layers) layers × \(d), linear projector",
        encoderParameters: encoder, projectorParameters: d * h + d)
    case "llama4":
      return try llama4Vision(v, textHidden: h)
    default:
      return VisionTower(
        summary: "\(wrapper)'s vision encoder: not counted (not modelled)",
        encoderParameters: nil, projectorParameters: nil)
    }
  }
}
