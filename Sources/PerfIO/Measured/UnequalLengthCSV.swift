import PerfModel

/// Reads `tools/serving_kernels.py`'s CSV into the attention tail over
/// unequal cache lengths (``UnequalLengthTail``).
///
/// Columns: `kind` (`varlen`, `varlen-unequal`, and others ignored),
/// `batch`, `context_tokens` (an unequal row's mean), and
/// `longest_context_tokens`, `median_seconds`. Each `varlen-unequal` row
/// is paired with the `varlen` row of its batch at its whole mean; its
/// seconds per excess token is the time difference over
/// `longest − mean`, and each batch takes the median of its rows.
public enum UnequalLengthCSV {
  static let required = [
    "kind", "batch", "context_tokens", "longest_context_tokens",
    "median_seconds",
  ]

  /// The tail measured in the file at `path`.
  ///
  /// - Throws: ``MeasuredCSVError`` naming the row and column at fault,
  ///   or the file when it holds no paired rows.
  public static func load(_ path: String) throws(MeasuredCSVError)
    -> UnequalLengthTail
  {
    try parse(MeasuredCSV.text(path), path: path)
  }

  /// The tail measured in CSV `text`, naming `path` in errors.
  public static func parse(_ text: String, path: String)
    throws(MeasuredCSVError) -> UnequalLengthTail
  {
    var equal: [String: Double] = [:]
    var unequal: [(row: MeasuredRow, batch: Int, mean: Double, longest: Int)] =
      []
    for row in try MeasuredCSV.rows(
      text, path: path, required: required,
      missing:
        "tools/serving_kernels.py writes \(required.joined(separator: ", "))"
    ) {
      let kind = row.text("kind") ?? ""
      guard kind == "varlen" || kind == "varlen-unequal" else { continue }
      let batch = try row.int("batch")
      let meanText = row.text("context_tokens") ?? ""
      guard let mean = Double(meanText), mean >= 1, mean.isFinite else {
        throw row.error(
          "context_tokens", "expected tokens ≥ 1, found \"\(meanText)\"")
      }
      let seconds = try row.seconds("median_seconds")
      if kind == "varlen" {
        equal["\(batch)/\(Int(mean))"] = seconds
      } else {
        unequal.append(
          (row, batch, mean, try row.int("longest_context_tokens")))
        equal["u\(unequal.count - 1)"] = seconds
      }
    }
    var perBatch: [Int: [Double]] = [:]
    for (i, u) in unequal.enumerated() {
      guard let t = equal["u\(i)"], Double(u.longest) > u.mean,
        let base = equal["\(u.batch)/\(Int(u.mean))"]
      else { continue }
      perBatch[u.batch, default: []].append(
        (t - base) / (Double(u.longest) - u.mean))
    }
    guard !perBatch.isEmpty else {
      throw MeasuredCSVError(
        path: path, row: nil, column: nil,
        message:
          "no varlen-unequal row has a varlen row of its batch at its mean; run tools/serving_kernels.py"
      )
    }
    return UnequalLengthTail(
      points: perBatch.map { batch, values in
        let sorted = values.sorted()
        return .init(
          batch: batch,
          secondsPerToken: max(0, sorted[(sorted.count - 1) / 2]))
      })
  }
}
