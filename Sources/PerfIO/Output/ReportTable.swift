import Foundation

/// A table of text cells: what every command prints, as an aligned table,
/// CSV or JSON.
public struct ReportTable: Sendable, Hashable {
  /// Column names (snake case with units, as CSV and JSON keys).
  public var columns: [String]
  /// Rows, one cell per column.
  public var rows: [[String]]

  /// Creates a table.
  public init(columns: [String], rows: [[String]] = []) {
    self.columns = columns
    self.rows = rows
  }

  /// Appends a row.
  public mutating func append(_ row: [String]) {
    precondition(row.count == columns.count, "one cell per column")
    rows.append(row)
  }

  /// The table as aligned text: a header, a rule, the rows; numbers
  /// right-aligned.
  public func text() -> String {
    var widths = columns.map(\.count)
    for row in rows {
      for (i, cell) in row.enumerated() {
        widths[i] = max(widths[i], cell.count)
      }
    }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, cell in
        let pad = String(repeating: " ", count: widths[i] - cell.count)
        return Self.isNumeric(cell) ? pad + cell : cell + pad
      }.joined(separator: "  ").replacingOccurrences(
        of: "\\s+$", with: "", options: .regularExpression)
    }
    var out = line(columns) + "\n"
    out +=
      widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
      + "\n"
    for row in rows { out += line(row) + "\n" }
    return out
  }

  /// The table as CSV (through libcsv).
  public func csv() -> String {
    CSVWriter.document(header: columns, rows: rows)
  }

  /// The table as a JSON array of objects keyed by column; cells that
  /// parse as numbers are written as numbers.
  public func json() -> String {
    let objects = rows.map { row in
      "  {"
        + zip(columns, row).map { key, cell in
          "\(Self.jsonString(key)): \(Self.isJSONNumber(cell) ? cell : Self.jsonString(cell))"
        }.joined(separator: ", ") + "}"
    }
    return "[\n" + objects.joined(separator: ",\n") + "\n]\n"
  }

  /// Whether `cell` is a number in JSON's grammar (not `nan`, `inf`,
  /// `0x1p3`, `+1` or `1,234`, which Swift's `Double` would read).
  static func isJSONNumber(_ cell: String) -> Bool {
    cell.range(
      of: #"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$"#,
      options: .regularExpression) != nil
  }

  static func isNumeric(_ cell: String) -> Bool {
    !cell.isEmpty && Double(cell.replacingOccurrences(of: ",", with: "")) != nil
  }

  static func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          out += String(format: "\\u%04x", scalar.value)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}
