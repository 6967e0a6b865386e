import Foundation
import PerfModel

/// One row of a collectives CSV: a collective or a tensor-parallel layer,
/// with its measured times.
public struct MeasuredCollective: Sendable {
  /// What was timed.
  public enum Workload: Sendable {
    /// A collective over `bytes` among `ranks`.
    case collective(CollectiveWorkload)
    /// A Megatron layer at one phase (`prefill`, `decode`), with the
    /// library of its GEMMs and of its all-reduces.
    case layer(
      TensorParallelLayer, phase: String, gemmBackend: String, backend: String)
  }

  /// What was timed.
  public var workload: Workload
  /// The device as the harness named it.
  public var device: String
  /// Timed repetitions.
  public var repetitions: Int
  /// Median seconds of one call.
  public var medianSeconds: Double
  /// Fastest seconds of one call.
  public var minSeconds: Double
  /// The CSV row (header is row 1).
  public var row: Int
}

/// Reads the collectives CSV that `tools/measure_collectives.py` writes
/// and `roofline collectives --measured` imports.
///
///     kernel          all-reduce | all-gather | reduce-scatter |
///                     all-to-all | send-recv | tp-layer
///     backend         nccl | gloo (for tp-layer: the library of its GEMMs
///                     is `gemm_backend`, of its all-reduces `backend`)
///     dtype           bf16 | fp32 | …
///     bytes, ranks    collectives (bytes as nccl-tests counts them)
///     phase, tokens, hidden, ffn, heads, kv_heads, head_dim, ranks
///                     tp-layer
///     repetitions, median_seconds, min_seconds, device   as for kernels
public enum CollectiveCSV {
  /// Every column the schema knows.
  public static let columns = [
    "kernel", "backend", "gemm_backend", "dtype", "device", "bytes", "ranks",
    "phase", "tokens", "hidden", "ffn", "heads", "kv_heads", "head_dim",
    "repetitions", "median_seconds", "min_seconds",
  ]
  static let required = [
    "kernel", "backend", "dtype", "ranks", "repetitions", "median_seconds",
    "min_seconds",
  ]

  /// Reads and checks the file at `path`.
  ///
  /// - Throws: ``MeasuredCSVError`` naming the row and column at fault.
  public static func load(_ path: String) throws(MeasuredCSVError)
    -> [MeasuredCollective]
  {
    try parse(MeasuredCSV.text(path), path: path)
  }

  /// Reads and checks CSV `text`, naming `path` in errors.
  public static func parse(_ text: String, path: String)
    throws(MeasuredCSVError) -> [MeasuredCollective]
  {
    let records: [[String]]
    do { records = try CSVReader.records(text) } catch {
      throw MeasuredCSVError(
        path: path, row: nil, column: nil, message: error.description)
    }
    guard let header = records.first, records.count > 1 else {
      throw MeasuredCSVError(
        path: path, row: nil, column: nil,
        message:
          "no measurements; the file needs a header (\(required.joined(separator: ","))…) and rows"
      )
    }
    try MeasuredCSV.checkHeader(
      header, path: path, columns: columns, required: required)
    var seen: [String: Int] = [:]
    var result: [MeasuredCollective] = []
    for (offset, fields) in records.dropFirst().enumerated() {
      let row = MeasuredRow(
        path: path, number: offset + 2, header: header, fields: fields)
      let m = try measured(row)
      let key = fields.enumerated().filter {
        !["repetitions", "median_seconds", "min_seconds"].contains(
          header[$0.offset])
      }.map(\.element).joined(separator: "|")
      if let first = seen[key] {
        throw MeasuredCSVError(
          path: path, row: row.number, column: nil,
          message:
            "duplicates row \(first) (same collective, size and ranks); keep one"
        )
      }
      seen[key] = row.number
      result.append(m)
    }
    return result
  }

  static func measured(_ row: MeasuredRow) throws(MeasuredCSVError)
    -> MeasuredCollective
  {
    guard row.fields.count == row.header.count else {
      throw row.error(
        nil, "has \(row.fields.count) fields, the header \(row.header.count)")
    }
    let kindText = row.text("kernel") ?? ""
    let type = try row.dataType()
    let backend = row.text("backend") ?? ""
    let ranks = try row.int("ranks")
    let workload: MeasuredCollective.Workload
    if kindText == "tp-layer" {
      let phase = row.text("phase") ?? ""
      guard phase == "prefill" || phase == "decode" else {
        throw row.error(
          "phase", "expected prefill or decode, found \"\(phase)\"")
      }
      let layer = TensorParallelLayer(
        tokens: try row.int("tokens"), hidden: try row.int("hidden"),
        ffn: try row.int("ffn"), heads: try row.int("heads"),
        kvHeads: try row.int("kv_heads"), headDim: try row.int("head_dim"),
        ranks: ranks, dataType: type)
      guard layer.kvHeads % ranks == 0, layer.ffn % ranks == 0 else {
        throw row.error("ranks", "\(ranks) must divide kv_heads and ffn")
      }
      workload = .layer(
        layer, phase: phase, gemmBackend: row.text("gemm_backend") ?? "",
        backend: backend)
    } else {
      guard let kind = CollectiveModel.Kind(rawValue: kindText) else {
        throw row.error(
          "kernel",
          "unknown collective \"\(kindText)\"; use one of \((CollectiveModel.Kind.allCases.map(\.rawValue) + ["tp-layer"]).joined(separator: ", "))"
        )
      }
      workload = .collective(
        CollectiveWorkload(
          kind: kind, bytes: Double(try row.int("bytes")), ranks: ranks,
          backend: backend))
    }
    let (median, minimum) = try row.times()
    return MeasuredCollective(
      workload: workload, device: row.text("device") ?? "",
      repetitions: try row.int("repetitions"), medianSeconds: median,
      minSeconds: minimum, row: row.number)
  }
}
