import PerfModel

/// Reads and writes request traces for `roofline simulate --trace`.
///
/// Columns (header names exact, any order):
///
///     arrival_seconds   when the request arrives, seconds from the start
///                       (≥ 0, rows in arrival order)
///     prompt_tokens     prompt length (≥ 1)
///     output_tokens     tokens generated (≥ 1)
///     prefix_group      optional: requests with the same id share a prefix
///     prefix_tokens     optional: that prefix's length (< prompt_tokens)
public enum TraceCSV {
  /// Columns every trace needs.
  public static let required = [
    "arrival_seconds", "prompt_tokens", "output_tokens",
  ]
  /// The most tokens a request may hold.
  static let maxTokens = 1 << 26

  /// Reads and checks the trace at `path`.
  ///
  /// - Throws: ``MeasuredCSVError`` naming the row and column at fault.
  public static func load(_ path: String) throws(MeasuredCSVError)
    -> [ServingRequest]
  {
    try parse(MeasuredCSV.text(path), path: path)
  }

  /// Reads and checks trace `text`, naming `path` in errors.
  public static func parse(_ text: String, path: String)
    throws(MeasuredCSVError) -> [ServingRequest]
  {
    var requests: [ServingRequest] = []
    var previous = 0.0
    for row in try MeasuredCSV.rows(
      text, path: path, required: required,
      missing:
        "a trace needs the columns \(required.joined(separator: ", ")) (prefix_group and prefix_tokens optional)"
    ) {
      let arrivalText = row.text("arrival_seconds") ?? ""
      guard let arrival = Double(arrivalText), arrival.isFinite, arrival >= 0
      else {
        throw row.error(
          "arrival_seconds",
          "expected seconds ≥ 0 as a plain number, found \"\(arrivalText)\"")
      }
      guard arrival >= previous else {
        throw row.error(
          "arrival_seconds",
          "\(arrivalText) is before the previous row's \(previous); sort the trace by arrival time"
        )
      }
      previous = arrival
      let prompt = try tokens(row, "prompt_tokens")
      let output = try tokens(row, "output_tokens")
      var group: Int?
      var prefix = 0
      if let g = row.text("prefix_group") {
        guard let id = Int(g), id >= 0 else {
          throw row.error(
            "prefix_group", "expected a whole number ≥ 0, found \"\(g)\"")
        }
        group = id
        prefix = try tokens(row, "prefix_tokens")
        guard prefix < prompt else {
          throw row.error(
            "prefix_tokens",
            "\(prefix) leaves nothing of the \(prompt)-token prompt; give fewer than prompt_tokens"
          )
        }
      }
      requests.append(
        ServingRequest(
          arrivalSeconds: arrival, promptTokens: prompt, outputTokens: output,
          prefixGroup: group, prefixTokens: prefix))
    }
    guard !requests.isEmpty else {
      throw MeasuredCSVError(
        path: path, row: nil, column: nil,
        message: "the trace has a header but no requests")
    }
    return requests
  }

  static func tokens(_ row: MeasuredRow, _ column: String)
    throws(MeasuredCSVError) -> Int
  {
    let t = row.text(column) ?? ""
    guard let v = Int(t), v >= 1 else {
      throw row.error(column, "expected a whole number ≥ 1, found \"\(t)\"")
    }
    guard v <= maxTokens else {
      throw row.error(column, "\(v) tokens; at most \(maxTokens)")
    }
    return v
  }

  /// `requests` as trace CSV text.
  public static func text(_ requests: [ServingRequest]) -> String {
    var table = ReportTable(
      columns: required + ["prefix_group", "prefix_tokens"])
    for r in requests {
      table.rows.append([
        "\(r.arrivalSeconds)", "\(r.promptTokens)", "\(r.outputTokens)",
        r.prefixGroup.map(String.init) ?? "",
        r.prefixGroup == nil ? "" : "\(r.prefixTokens)",
      ])
    }
    return table.csv()
  }
}
