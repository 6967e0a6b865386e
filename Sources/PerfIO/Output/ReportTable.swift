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
  ///
  /// Linear in the size of the cells: each cell's width is counted once,
  /// and trailing padding is cut without a regular expression (whose
  /// backtracking over a 20K-character cell's padding took seconds).
  public func text() -> String {
    let counts = rows.map { $0.map(\.count) }
    var widths = columns.map(\.count)
    for row in counts {
      for (i, count) in row.enumerated() {
        widths[i] = max(widths[i], count)
      }
    }
    func line(_ cells: [String], _ cellCounts: [Int]) -> String {
      var out = ""
      for (i, cell) in cells.enumerated() {
        if i > 0 { out += "  " }
        let pad = String(repeating: " ", count: widths[i] - cellCounts[i])
        out += Self.isNumeric(cell) ? pad + cell : cell + pad
      }
      while out.last == " " { out.removeLast() }
      return out
    }
    var out = line(columns, columns.map(\.count)) + "\n"
    out +=
      widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
      + "\n"
    for (row, rowCounts) in zip(rows, counts) {
      out += line(row, rowCounts) + "\n"
    }
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
  ///
  /// Scanned by hand over the grammar
  /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`: a regular expression
  /// compiled per cell made JSON output of long tables slow.
  static func isJSONNumber(_ cell: String) -> Bool {
    let bytes = Array(cell.utf8)
    var i = 0
    func digits() -> Int {
      let start = i
      while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
      return i - start
    }
    if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
    guard i < bytes.count else { return false }
    if bytes[i] == UInt8(ascii: "0") {
      i += 1
    } else if digits() == 0 {
      return false
    }
    if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
      i += 1
      guard digits() > 0 else { return false }
    }
    if i < bytes.count,
      bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")
    {
      i += 1
      if i < bytes.count,
        bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")
      {
        i += 1
      }
      guard digits() > 0 else { return false }
    }
    return i == bytes.count
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
