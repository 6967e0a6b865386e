import PerfModel

/// One record of a measured-kernel CSV, read field by field with errors
/// that name its row and column.
struct MeasuredRow {
  var path: String
  var number: Int
  var header: [String]
  var fields: [String]

  func error(_ column: String?, _ message: String) -> MeasuredCSVError {
    MeasuredCSVError(path: path, row: number, column: column, message: message)
  }

  func text(_ column: String) -> String? {
    guard let index = header.firstIndex(of: column), index < fields.count
    else { return nil }
    let value = fields[index].trimmingCharacters(in: .whitespaces)
    return value.isEmpty ? nil : value
  }

  /// The largest value a column may hold: beyond it the work the model
  /// multiplies out of a row would overflow.
  static let limits: [String: Int] = [
    "batch": 1 << 20, "heads": 1 << 16, "kv_heads": 1 << 16,
    "query_length": 1 << 26, "key_length": 1 << 26, "head_dim": 1 << 16,
    "m": 1 << 24, "n": 1 << 24, "k": 1 << 24, "groups": 1 << 16,
    "tokens": 1 << 26, "key_dim": 1 << 16, "value_dim": 1 << 16,
    "chunk": 1 << 16, "length": 1 << 26, "channels": 1 << 24,
    "state": 1 << 16, "elements": 1 << 40, "reads": 64, "writes": 64,
    "splits": 1 << 16, "row_block": 1 << 24, "column_block": 1 << 24,
    "threads": 1 << 16, "layers": 4096,
  ]

  func int(_ column: String, default value: Int? = nil)
    throws(MeasuredCSVError) -> Int
  {
    guard let t = text(column) else {
      if let value { return value }
      throw error(column, "empty; this kernel needs it (a whole number ≥ 1)")
    }
    guard let v = Int(t), v >= 1 else {
      throw error(column, "expected a whole number ≥ 1, found \"\(t)\"")
    }
    if let most = Self.limits[column], v > most {
      throw error(
        column, "\(v) is beyond what the model computes; at most \(most)")
    }
    return v
  }

  func optionalInt(_ column: String) throws(MeasuredCSVError) -> Int? {
    text(column) == nil ? nil : try int(column)
  }

  func seconds(_ column: String) throws(MeasuredCSVError) -> Double {
    guard let t = text(column) else {
      throw error(column, "empty; give the time in seconds")
    }
    guard let v = Double(t), v.isFinite else {
      throw error(
        column,
        "expected seconds as a plain number (e.g. 2.5e-05), found \"\(t)\"")
    }
    guard v > 0 else {
      throw error(column, "a time must be positive, found \(t)")
    }
    return v
  }

  /// The `dtype` column.
  func dataType() throws(MeasuredCSVError) -> DataType {
    let typeText = text("dtype") ?? ""
    guard let type = DataType(rawValue: typeText) else {
      throw error(
        "dtype",
        "unknown data type \"\(typeText)\"; use one of \(DataType.allCases.map(\.rawValue).joined(separator: ", "))"
      )
    }
    return type
  }

  /// The `fusion_profile` column (``EndToEndCSV/profile(_:)``).
  func fusionProfile() throws(MeasuredCSVError) -> EngineProfile {
    let text = text("fusion_profile") ?? ""
    guard let profile = EndToEndCSV.profile(text) else {
      throw error(
        "fusion_profile",
        "unknown fusion profile \"\(text)\"; use one of \(EngineProfile.all.map(\.name).joined(separator: ", ")) (or torch-…)"
      )
    }
    return profile
  }

  /// The `phase` column.
  func phase() throws(MeasuredCSVError) -> OperatorGraph.Phase {
    let text = text("phase") ?? ""
    guard let phase = OperatorGraph.Phase(rawValue: text) else {
      throw error("phase", "unknown phase \"\(text)\"; use prefill or decode")
    }
    return phase
  }

  /// The `model` column.
  func model() throws(MeasuredCSVError) -> String {
    guard let model = text("model") else {
      throw error("model", "empty; name a workload or a config.json")
    }
    return model
  }

  /// `median_seconds` and `min_seconds`, the minimum not above the median.
  func times() throws(MeasuredCSVError) -> (median: Double, minimum: Double) {
    let median = try seconds("median_seconds")
    let minimum = try seconds("min_seconds")
    guard minimum <= median else {
      throw error(
        "min_seconds",
        "\(minimum) is above median_seconds \(median); swap the columns?")
    }
    return (median, minimum)
  }

  func kernel() throws(MeasuredCSVError) -> MeasuredKernel {
    guard fields.count == header.count else {
      throw error(
        nil, "has \(fields.count) fields, the header \(header.count)")
    }
    let kindText = text("kernel") ?? ""
    guard let kind = KernelWorkload.Kind(rawValue: kindText) else {
      throw error(
        "kernel",
        "unknown kernel \"\(kindText)\"; use one of \(KernelWorkload.Kind.allCases.map(\.rawValue).joined(separator: ", "))"
      )
    }
    let type = try dataType()
    let (median, minimum) = try times()
    var tiling: AttentionTiling?
    if let r = try optionalInt("row_block"),
      let c = try optionalInt("column_block")
    {
      tiling = AttentionTiling(rowBlock: r, columnBlock: c)
    }
    var mode: KernelWorkload.LaunchMode?
    if let modeText = text("launch_mode") {
      guard let m = KernelWorkload.LaunchMode(rawValue: modeText) else {
        throw error(
          "launch_mode",
          "unknown launch mode \"\(modeText)\"; use one of \(KernelWorkload.LaunchMode.allCases.map(\.rawValue).joined(separator: ", ")) (or leave it empty: graph)"
        )
      }
      mode = m
    }
    let workload = KernelWorkload(
      kind: kind, shape: try shape(kind, type), dataType: type,
      threads: try optionalInt("threads"), tiling: tiling,
      splits: try optionalInt("splits"), backend: text("backend"),
      launchMode: mode)
    return MeasuredKernel(
      workload: workload, backend: text("backend") ?? "",
      device: text("device") ?? "", repetitions: try int("repetitions"),
      medianSeconds: median, minSeconds: minimum, row: number)
  }

  func shape(_ kind: KernelWorkload.Kind, _ type: DataType)
    throws(MeasuredCSVError)
    -> KernelWorkload.Shape
  {
    switch kind {
    case .gemm:
      if let groups = try optionalInt("groups") {
        return .groupedGemm(
          m: try int("m"), n: try int("n"), k: try int("k"), groups: groups)
      }
      return .gemm(m: try int("m"), n: try int("n"), k: try int("k"))
    case .flashAttention, .standardAttention, .decodeAttention:
      let heads = try int("heads")
      let kvHeads = try int("kv_heads", default: heads)
      guard heads % kvHeads == 0 else {
        throw error("kv_heads", "\(kvHeads) must divide heads \(heads)")
      }
      let causal: Bool
      switch text("causal")?.lowercased() {
      case nil, "false", "0": causal = false
      case "true", "1": causal = true
      case let other?:
        throw error("causal", "expected true or false, found \"\(other)\"")
      }
      let queries = try int("query_length")
      if kind == .decodeAttention && queries != 1 {
        throw error(
          "query_length",
          "decode-attention has one query token, found \(queries)")
      }
      return .attention(
        AttentionShape(
          batch: try int("batch", default: 1), heads: heads, kvHeads: kvHeads,
          queryLength: queries, keyLength: try int("key_length"),
          headDim: try int("head_dim"), causal: causal,
          elementBytes: max(1, Int(type.bytesPerElement))))
    case .linearAttention:
      return .linearAttention(
        batch: try int("batch", default: 1), heads: try int("heads"),
        tokens: try int("tokens"), keyDim: try int("key_dim"),
        valueDim: try int("value_dim"), chunk: try int("chunk"))
    case .selectiveScan:
      return .selectiveScan(
        batch: try int("batch", default: 1), length: try int("length"),
        channels: try int("channels"), state: try int("state"))
    case .elementwise:
      // A kernel may read nothing at its size (an outer product written
      // from two small operands) or write nothing (a reduction), not both.
      func count(_ column: String, _ what: String) throws(MeasuredCSVError)
        -> Int
      {
        guard let t = text(column), let n = Int(t), n >= 0, n <= 64 else {
          throw error(
            column, "expected the tensors \(what), a whole number 0 to 64")
        }
        return n
      }
      let reads = try count("reads", "read")
      let writes = try count("writes", "written")
      guard reads + writes > 0 else {
        throw error(
          "reads", "a streaming kernel reads or writes at least one tensor")
      }
      return .stream(
        elements: try int("elements"), reads: reads, writes: writes)
    }
  }
}
