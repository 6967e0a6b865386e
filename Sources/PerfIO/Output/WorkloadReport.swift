import PerfModel

/// What `roofline workload list|show` prints.
public enum WorkloadReport {
  /// One row per model, in SI units.
  public static func list(
    _ models: [ModelArchitecture], cacheType: DataType = .bf16
  )
    -> ReportTable
  {
    var t = ReportTable(columns: [
      "name", "model_type", "families", "layers", "hidden_size", "parameters",
      "active_parameters", "kv_bytes_per_token", "state_bytes_per_request",
      "max_context_tokens",
    ])
    let format = StorageFormat.cache(cacheType)
    for m in models {
      t.append([
        m.name, m.modelType, m.families.joined(separator: " "),
        String(m.layerCount),
        String(m.hiddenSize), HumanUnits.plain(m.totalParameters),
        HumanUnits.plain(m.activeParametersPerToken),
        HumanUnits.plain(m.cacheBytesPerToken(format: format)),
        HumanUnits.plain(m.stateBytesPerRequest(format: format)),
        contextText(m),
      ])
    }
    return t
  }

  /// The list in human units.
  public static func listText(_ models: [ModelArchitecture]) -> String {
    var t = ReportTable(columns: [
      "model", "families", "layers", "params", "active", "KV/token (bf16)",
      "state/request",
      "max context",
    ])
    let format = StorageFormat.cache(.bf16)
    for m in models {
      t.append([
        m.name, m.families.joined(separator: ", "), String(m.layerCount),
        HumanUnits.count(m.totalParameters),
        HumanUnits.count(m.activeParametersPerToken),
        HumanUnits.bytes(m.cacheBytesPerToken(format: format)),
        HumanUnits.bytes(m.stateBytesPerRequest(format: format)),
        contextText(m),
      ])
    }
    return t.text()
  }

  static func contextText(_ m: ModelArchitecture) -> String {
    m.maxContextTokens >= 1 << 40 ? "none" : String(m.maxContextTokens)
  }

  /// A vision tower's line: what it is and its parameters, apart from the
  /// language model's.
  public static func visionText(_ v: VisionTower) -> String {
    guard let encoder = v.encoderParameters else {
      return "vision: \(v.summary); the figures are the language model's"
    }
    let projector = v.projectorParameters ?? 0
    return
      "vision: \(v.summary): encoder \(HumanUnits.count(Double(encoder))) + projector \(HumanUnits.count(Double(projector))) parameters (\(encoder + projector)), not in the language model's figures"
  }

  /// One model: its layer groups and per-layer cache figures.
  public static func showText(_ m: ModelArchitecture) -> String {
    let format = StorageFormat.cache(.bf16)
    var out =
      "\(m.name) (model_type \(m.modelType)): \(m.families.joined(separator: ", "))\n"
    out += "source: \(m.source)\n"
    out +=
      "hidden \(m.hiddenSize), vocab \(m.vocabSize), \(m.layerCount) layers, max context \(contextText(m)), weights \(m.weightDataType.rawValue)\(m.weightQuantization.map { ", linear weights \($0.summary)" } ?? "")\n"
    out +=
      "parameters \(HumanUnits.count(m.totalParameters)), active per token \(HumanUnits.count(m.activeParametersPerToken))\n"
    out +=
      "KV cache per token (bf16): \(HumanUnits.plain(m.cacheBytesPerToken(format: format))) B; state per request: \(HumanUnits.bytes(m.stateBytesPerRequest(format: format)))\n"
    if let vision = m.vision { out += visionText(vision) + "\n" }
    out += "\n"
    var t = ReportTable(columns: [
      "layers", "mixer", "feed-forward", "params/layer", "KV B/token",
      "state/request",
    ])
    var first = 0
    for g in m.layerGroups {
      let range = g.count == 1 ? "\(first)" : "\(first)–\(first + g.count - 1)"
      first += g.count
      t.append([
        range, mixerText(g.layer.mixer), ffnText(g.layer.feedForward),
        HumanUnits.count(
          g.layer.parameters(hiddenSize: m.hiddenSize, tensorParallel: 1)),
        HumanUnits.plain(
          g.layer.cacheBytesPerToken(tensorParallel: 1, format: format)),
        HumanUnits.bytes(g.layer.stateBytes(tensorParallel: 1, format: format)),
      ])
    }
    return out + t.text()
  }

  static func mixerText(_ mixer: MixerSpec) -> String {
    mixer.family.summary
  }

  static func ffnText(_ ffn: FeedForwardSpec) -> String {
    ffn.family?.summary ?? "—"
  }
}
