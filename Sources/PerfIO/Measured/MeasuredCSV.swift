import Foundation
import PerfModel

/// Reads the measured-kernel CSV that `tools/measure_gpu.py` writes and
/// `roofline validate --measured` imports.
///
/// Columns (header names exact; empty fields allowed where unused):
///
///     kernel          gemm | flash-attention | standard-attention |
///                     decode-attention | linear-attention | selective-scan |
///                     elementwise
///     dtype           fp32 | bf16 | fp16 | fp8 | …
///     median_seconds  median seconds of one call (> 0)
///     min_seconds     fastest seconds of one call (> 0, ≤ median)
///     repetitions     timed repetitions (≥ 1)
///     backend, device, threads                     optional
///     m, n, k                                      gemm
///     groups                                       gemm: weight matrices
///                                                  (experts touched), grouped
///     batch, heads, kv_heads, query_length,        attention kinds
///     key_length, head_dim, causal (true|false)
///     tokens, key_dim, value_dim, chunk            linear-attention (+ batch, heads)
///     length, channels, state                      selective-scan (+ batch)
///     elements, reads, writes                      elementwise (tensors of
///                                                  `elements` read and written)
///     splits, row_block, column_block              optional tiling
///     launch_mode     graph | eager (empty: graph); eager rows are a
///                     calibration class of their own
public enum MeasuredCSV {
  /// Every column the schema knows.
  public static let columns = [
    "kernel", "backend", "dtype", "device", "threads", "batch", "heads",
    "kv_heads", "query_length", "key_length", "head_dim", "causal", "m", "n",
    "k", "tokens", "key_dim", "value_dim", "chunk", "length", "channels",
    "state", "groups", "elements", "reads", "writes", "splits", "row_block",
    "column_block", "launch_mode", "repetitions", "median_seconds",
    "min_seconds",
  ]
  static let required = [
    "kernel", "dtype", "repetitions", "median_seconds", "min_seconds",
  ]

  /// Reads and checks the file at `path`.
  ///
  /// - Throws: ``MeasuredCSVError`` naming the row and column at fault.
  public static func load(_ path: String) throws(MeasuredCSVError)
    -> [MeasuredKernel]
  {
    try parse(text(path), path: path)
  }

  /// The UTF-8 text of the file at `path`.
  static func text(_ path: String) throws(MeasuredCSVError) -> String {
    guard let data = FileManager.default.contents(atPath: path),
      let text = String(data: data, encoding: .utf8)
    else {
      throw MeasuredCSVError(
        path: path, row: nil, column: nil,
        message: "cannot read the file; check the path and its permissions")
    }
    return text
  }

  /// The records of CSV `text` and its header, which must exist; errors
  /// name `path` and, for an empty file, the `required` columns.
  static func records(_ text: String, path: String, required: [String])
    throws(MeasuredCSVError) -> (header: [String], records: [[String]])
  {
    let records: [[String]]
    do { records = try CSVReader.records(text) } catch {
      throw MeasuredCSVError(
        path: path, row: nil, column: nil, message: error.description)
    }
    guard let header = records.first else {
      throw MeasuredCSVError(
        path: path, row: nil, column: nil,
        message:
          "the file is empty; it needs a header row: \(required.joined(separator: ","))…"
      )
    }
    return (header, records)
  }

  /// The data rows of CSV `text`, each checked to have the header's
  /// field count, after checking the header holds `required`; a missing
  /// column's error says `missing` (what writes the file, what it needs).
  static func rows(
    _ text: String, path: String, required: [String], missing: String
  ) throws(MeasuredCSVError) -> [MeasuredRow] {
    let (header, records) = try records(text, path: path, required: required)
    for column in required where !header.contains(column) {
      throw MeasuredCSVError(
        path: path, row: 1, column: column, message: "missing; \(missing)")
    }
    var rows: [MeasuredRow] = []
    for (offset, fields) in records.dropFirst().enumerated() {
      let row = MeasuredRow(
        path: path, number: offset + 2, header: header, fields: fields)
      guard fields.count == header.count else {
        throw row.error(
          nil, "has \(fields.count) fields, the header \(header.count)")
      }
      rows.append(row)
    }
    return rows
  }

  /// Reads and checks CSV `text`, naming `path` in errors.
  public static func parse(_ text: String, path: String)
    throws(MeasuredCSVError) -> [MeasuredKernel]
  {
    let (header, records) = try records(text, path: path, required: required)
    try checkHeader(header, path: path)
    var seen: [String: Int] = [:]
    var result: [MeasuredKernel] = []
    for (offset, fields) in records.dropFirst().enumerated() {
      let row = MeasuredRow(
        path: path, number: offset + 2, header: header, fields: fields)
      let kernel = try row.kernel()
      let key =
        "\(kernel.workload.kind.rawValue) \(kernel.backend) \(kernel.workload.shapeKey) threads=\(kernel.workload.threads ?? 0) device=\(kernel.device) launch=\(kernel.workload.launchMode?.rawValue ?? "graph")"
      if let first = seen[key] {
        throw MeasuredCSVError(
          path: path, row: row.number, column: nil,
          message:
            "duplicates row \(first) (same kernel, backend, shape, threads, device and launch mode); keep one, or merge their repetitions"
        )
      }
      seen[key] = row.number
      result.append(kernel)
    }
    guard !result.isEmpty else {
      throw MeasuredCSVError(
        path: path, row: nil, column: nil,
        message: "the file has a header but no measurements")
    }
    return result
  }

  static func checkHeader(
    _ header: [String], path: String, columns: [String] = columns,
    required: [String] = required
  )
    throws(MeasuredCSVError)
  {
    var names = Set<String>()
    for name in header {
      guard names.insert(name).inserted else {
        throw MeasuredCSVError(
          path: path, row: 1, column: name,
          message: "appears twice in the header; keep one")
      }
      guard columns.contains(name) else {
        throw MeasuredCSVError(
          path: path, row: 1, column: name,
          message: unknownColumnMessage(name, columns: columns))
      }
    }
    for name in required where !names.contains(name) {
      throw MeasuredCSVError(
        path: path, row: 1, column: name,
        message: "missing; the header needs \(required.joined(separator: ", "))"
      )
    }
  }

  static func unknownColumnMessage(_ name: String, columns: [String]) -> String
  {
    let lower = name.lowercased()
    for (suffix, factor) in [
      ("_ms", "1e3"), ("_us", "1e6"), ("_ns", "1e9"), ("milliseconds", "1e3"),
      ("microseconds", "1e6"),
    ] where lower.hasSuffix(suffix) {
      let stem = lower.hasPrefix("min") ? "min_seconds" : "median_seconds"
      return
        "times must be in seconds: rename it \(stem) and divide its values by \(factor)"
    }
    if let close = NameSuggestion.closest(to: name, in: columns) {
      return "unknown column; did you mean \(close)?"
    }
    return "unknown column; the schema has \(columns.joined(separator: ", "))"
  }
}
