import PerfModel

/// Reads the host-issue CSV that `tools/measure_host.py` writes and
/// `roofline validate --host-issue` fits (``HostIssue``).
///
/// Columns (header names exact):
///
///     model            a catalogue name or a config.json path (the layer
///                      kind comes from its architecture)
///     fusion_profile   torch | torch-… | hf | vllm | minimal
///     phase            prefill | decode
///     layers           layers of the narrowed model timed (≥ 1)
///     median_seconds   median seconds of one eager pass (> 0)
///     engine, batch, tokens, repetitions, min_seconds, device   read, not needed
public enum HostIssueCSV {
  /// One timed pass.
  public struct Row: Sendable, Hashable {
    /// The model whose layers were timed.
    public var model: String
    /// The engine's fusion profile.
    public var profile: EngineProfile
    /// Prefill or decode.
    public var phase: OperatorGraph.Phase
    /// Layers of the narrowed model.
    public var layers: Int
    /// Median seconds of one pass.
    public var seconds: Double
    /// The CSV record (the header is 1).
    public var row: Int
  }

  static let required = [
    "model", "fusion_profile", "phase", "layers", "median_seconds",
  ]
  static let columns =
    required + [
      "engine", "batch", "tokens", "repetitions", "min_seconds", "device",
    ]

  /// Reads and checks the file at `path`.
  ///
  /// - Throws: ``MeasuredCSVError`` naming the row and column at fault.
  public static func load(_ path: String) throws(MeasuredCSVError) -> [Row] {
    try parse(MeasuredCSV.text(path), path: path)
  }

  /// Reads and checks CSV `text`, naming `path` in errors.
  public static func parse(_ text: String, path: String)
    throws(MeasuredCSVError) -> [Row]
  {
    let (header, records) = try MeasuredCSV.records(
      text, path: path, required: required)
    try MeasuredCSV.checkHeader(
      header, path: path, columns: columns, required: required)
    var rows: [Row] = []
    for (offset, fields) in records.dropFirst().enumerated() {
      let row = MeasuredRow(
        path: path, number: offset + 2, header: header, fields: fields)
      guard fields.count == header.count else {
        throw row.error(
          nil, "has \(fields.count) fields, the header \(header.count)")
      }
      let model = try row.model()
      let profile = try row.fusionProfile()
      let phase = try row.phase()
      let layers = try row.int("layers")
      guard layers <= 4096 else {
        throw row.error("layers", "\(layers) layers; at most 4096")
      }
      rows.append(
        Row(
          model: model, profile: profile, phase: phase, layers: layers,
          seconds: try row.seconds("median_seconds"), row: row.number))
    }
    guard !rows.isEmpty else {
      throw MeasuredCSVError(
        path: path, row: nil, column: nil,
        message: "the file has a header but no measurements")
    }
    return rows
  }
}
