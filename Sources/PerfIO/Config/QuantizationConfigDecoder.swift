import PerfModel

/// Reads a checkpoint's `quantization_config` into a ``WeightQuantization``.
///
/// How its linear weights are stored, and which modules it leaves in the
/// checkpoint's dtype (`modules_to_not_convert`, `ignore`,
/// `llm_int8_skip_modules`). An unknown method is refused with the list,
/// never sized as bf16.
///
/// Routers stay unquantized unless a format's own list says otherwise:
/// AutoAWQ, GPTQModel and llm-compressor's recipes skip them.
enum QuantizationConfigDecoder {
  /// The `quant_method` values read.
  static let methods = [
    "awq", "bitsandbytes", "compressed-tensors", "fp8", "gptq", "modelopt",
    "mxfp4",
  ]

  /// The format of `q` (the `quantization_config` mapping).
  static func decode(_ q: YAMLNodeReader) throws(DescriptorError)
    -> WeightQuantization
  {
    let list = methods.joined(separator: ", ")
    guard let method = try q.optionalString("quant_method") else {
      throw q.missing(
        "quant_method", "the quantization method (one of \(list))")
    }
    var format: WeightQuantization
    var skipped: [String] = []
    switch method {
    case "awq":
      let bitsKey = q.has("w_bit") ? "w_bit" : "bits"
      let bits = try q.optionalInt(bitsKey) ?? 4
      let groupKey = q.has("q_group_size") ? "q_group_size" : "group_size"
      let group = try q.optionalInt(groupKey) ?? 128
      let zeros = try q.optionalBool("zero_point") ?? true
      format = WeightQuantization(
        method: method,
        summary:
          "AWQ int\(bits), group \(group), fp16 scales\(zeros ? ", int\(bits) zeros" : "")",
        bits: Double(bits), groupSize: group,
        groupBytes: 2 + (zeros ? Double(bits) / 8 : 0))
      skipped = try q.optionalStrings("modules_to_not_convert") ?? []
    case "gptq":
      let bits = try q.optionalInt("bits") ?? 4
      let group = try signedGroup(q, "group_size") ?? 128
      format = WeightQuantization(
        method: method,
        summary:
          "GPTQ int\(bits), \(group.map { "group \($0)" } ?? "per channel"), fp16 scales, int\(bits) zeros, int32 g_idx",
        bits: Double(bits), groupSize: group, groupBytes: 2 + Double(bits) / 8,
        rowBytes: 4)
      skipped = try q.optionalStrings("modules_to_not_convert") ?? []
    case "bitsandbytes":
      format = try bitsAndBytes(q)
      skipped = try q.optionalStrings("llm_int8_skip_modules") ?? []
    case "fp8":
      let block = try q.optionalInts("weight_block_size")
      if let block, block.count == 2, block.allSatisfy({ $0 > 0 }) {
        format = WeightQuantization(
          method: method,
          summary: "fp8, an fp32 scale per \(block[0]) × \(block[1]) block",
          bits: 8, groupSize: block[0] * block[1], groupBytes: 4,
          computeType: .fp8)
      } else if block != nil {
        throw q.error(
          .range, "weight_block_size",
          "expected two positive whole numbers (rows, columns of a block)")
      } else {
        format = WeightQuantization(
          method: method, summary: "fp8, an fp32 scale per tensor", bits: 8,
          groupSize: nil, groupBytes: 0, tensorBytes: 4, computeType: .fp8)
      }
      skipped = try q.optionalStrings("modules_to_not_convert") ?? []
    case "mxfp4":
      format = WeightQuantization(
        method: method, summary: "mxfp4, an E8M0 scale per 32 weights",
        bits: 4, groupSize: 32, groupBytes: 1)
      skipped = try q.optionalStrings("modules_to_not_convert") ?? []
    case "modelopt":
      let algorithm = try q.optionalString("quant_algo") ?? ""
      guard algorithm.uppercased() == "NVFP4" else {
        throw q.error(
          .unsupported, "quant_algo",
          "\"\(algorithm)\" is not read; modelopt checkpoints are read for NVFP4"
        )
      }
      let group = try q.optionalInt("group_size") ?? 16
      format = WeightQuantization(
        method: method,
        summary: "NVFP4, an fp8 scale per \(group) weights, fp32 per tensor",
        bits: 4, groupSize: group, groupBytes: 1, tensorBytes: 8)
      skipped = try q.optionalStrings("exclude_modules") ?? []
    case "compressed-tensors":
      format = try compressedTensors(q)
      skipped = try q.optionalStrings("ignore") ?? []
    default:
      let near = NameSuggestion.closest(to: method, in: methods)
      throw q.error(
        .unsupported, "quant_method",
        "\"\(method)\" is not a quantization method this reads"
          + (near.map { " (nearest: \($0))" } ?? "")
          + "; it would be sized wrongly as unquantized; read: \(list)")
    }
    format.modules.remove(.router)
    for name in skipped {
      format.modules.subtract(modules(named: name))
    }
    return format
  }

  /// A group size where -1 means one group per output channel.
  static func signedGroup(_ q: YAMLNodeReader, _ key: String)
    throws(DescriptorError) -> Int??
  {
    guard q.has(key) else { return nil }
    if try q.optionalInt(key, .any) == -1 { return .some(nil) }
    return .some(try q.int(key))
  }

  /// The module kinds a `modules_to_not_convert` (or `ignore`) entry names,
  /// by the names transformers gives them (`self_attn`, `mlp.gate`,
  /// `experts`, `shared_expert`, `mixer`, `lm_head`, `embed_tokens`, and
  /// llm-compressor's `re:` patterns).
  static func modules(named name: String) -> Set<WeightQuantization.Module> {
    let n = name.lowercased()
    if n.contains("lm_head") || n.contains("embed") { return [] }
    if n.contains("shared_expert") { return [.sharedExperts] }
    if n.contains("expert") { return [.experts] }
    if n.contains("router") || n == "gate" || n.hasSuffix(".gate")
      || n.hasSuffix("mlp.gate$")
    {
      return [.router]
    }
    if n.contains("attn") || n.contains("attention") { return [.attention] }
    if n.contains("mlp") { return [.mlp, .experts, .sharedExperts] }
    if n.contains("mamba") || n.contains("mixer") { return [.mixer] }
    return []
  }

  /// bitsandbytes: 4-bit (nf4 or fp4 codes, an fp32 absmax per block of 64;
  /// double quantisation stores it as int8 with an fp32 per 256 blocks, and
  /// each matrix its 16-entry and 256-entry code tables) or LLM.int8()
  /// (an fp32 scale per output row).
  static func bitsAndBytes(_ q: YAMLNodeReader) throws(DescriptorError)
    -> WeightQuantization
  {
    if try q.optionalBool("load_in_4bit") == true {
      let type = try q.optionalString("bnb_4bit_quant_type") ?? "fp4"
      guard type == "nf4" || type == "fp4" else {
        throw q.error(
          .unsupported, "bnb_4bit_quant_type",
          "\"\(type)\" is not a bitsandbytes 4-bit type; use nf4 or fp4")
      }
      let double = try q.optionalBool("bnb_4bit_use_double_quant") ?? false
      return WeightQuantization(
        method: "bitsandbytes",
        summary:
          "bitsandbytes \(type), block 64, \(double ? "int8 absmax (double quantisation)" : "fp32 absmax")",
        bits: 4, groupSize: 64, groupBytes: double ? 1 + 4.0 / 256 : 4,
        tensorBytes: double ? 16 * 4 + 256 * 4 + 4 : 16 * 4)
    }
    if try q.optionalBool("load_in_8bit") == true {
      return WeightQuantization(
        method: "bitsandbytes",
        summary: "bitsandbytes LLM.int8(), fp32 row scales",
        bits: 8, groupSize: nil, groupBytes: 4)
    }
    throw q.error(
      .missing, "load_in_4bit",
      "a bitsandbytes config says load_in_4bit: true or load_in_8bit: true")
  }

  /// compressed-tensors (llm-compressor): the first config group's weight
  /// scheme: int or float weights of `num_bits`, scales in the model's
  /// 16-bit type per group, per output channel or per tensor, zero points
  /// when asymmetric; with 8-bit input activations, the GEMMs run in int8
  /// or fp8 (W8A8).
  static func compressedTensors(_ q: YAMLNodeReader) throws(DescriptorError)
    -> WeightQuantization
  {
    let groups = try q.child("config_groups")
    guard let first = groups.keys.sorted().first else {
      throw q.missing("config_groups", "at least one group with its weights")
    }
    let group = try groups.child(first)
    let weights = try group.child("weights")
    let bits = try weights.int("num_bits")
    let type = try weights.optionalString("type") ?? "int"
    let strategy = try weights.optionalString("strategy") ?? "tensor"
    let symmetric = try weights.optionalBool("symmetric") ?? true
    let zero = symmetric ? 0 : (type == "int" ? Double(bits) / 8 : 2)
    var format: WeightQuantization
    let name = "\(type)\(bits)"
    switch strategy {
    case "group":
      let size = try weights.int("group_size")
      format = WeightQuantization(
        method: "compressed-tensors", summary: "\(name), group \(size)",
        bits: Double(bits), groupSize: size, groupBytes: 2 + zero)
    case "channel":
      format = WeightQuantization(
        method: "compressed-tensors", summary: "\(name), per channel",
        bits: Double(bits), groupSize: nil, groupBytes: 2 + zero)
    case "tensor":
      format = WeightQuantization(
        method: "compressed-tensors", summary: "\(name), per tensor",
        bits: Double(bits), groupSize: nil, groupBytes: 0, tensorBytes: 2 + zero
      )
    default:
      throw weights.error(
        .unsupported, "strategy",
        "\"\(strategy)\" is not read; use group, channel or tensor")
    }
    if let inputs = try group.optionalChild("input_activations"),
      try inputs.optionalInt("num_bits") == 8
    {
      format.computeType =
        try inputs.optionalString("type") == "float" ? .fp8 : .int8
      format.summary += ", 8-bit activations"
    }
    return format
  }
}
