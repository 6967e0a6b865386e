import CCSV
import Foundation

/// Writes CSV through libcsv's `csv_write`, which quotes every field and
/// doubles embedded quotes (RFC 4180); records end with `\n`.
///
///     "model","kv_bytes_per_token"
///     "llama-3-8b","131072"
public enum CSVWriter {
  /// One CSV field, quoted by libcsv; a cell a spreadsheet would run as a
  /// formula is neutralised first (``neutralised(_:)``).
  public static func field(_ text: String) -> String {
    var source = Array(neutralised(text).utf8)
    if source.isEmpty { return "\"\"" }
    // csv_write needs at most 2·n + 2 bytes: every byte a quote, plus two.
    var destination = [UInt8](repeating: 0, count: 2 * source.count + 2)
    let written = source.withUnsafeMutableBytes { src in
      destination.withUnsafeMutableBytes { dst in
        csv_write(dst.baseAddress, dst.count, src.baseAddress, src.count)
      }
    }
    return String(decoding: destination.prefix(written), as: UTF8.self)
  }

  /// `text`, or `'` and `text` when it starts with `=`, `+`, `-`, `@`, a
  /// tab or a carriage return and is not a plain number (OWASP's advice
  /// against CSV injection): `=HYPERLINK(…)` is written `'=HYPERLINK(…)`,
  /// while `-1.5`, `+12%` and `-` stay as they are.
  public static func neutralised(_ text: String) -> String {
    guard let first = text.unicodeScalars.first,
      "=+-@\t\r".unicodeScalars.contains(first),
      text.count > 1, !isPlainNumber(text)
    else { return text }
    return "'" + text
  }

  /// A signed decimal, with an optional exponent and percent sign.
  static func isPlainNumber(_ text: String) -> Bool {
    text.range(
      of: #"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?%?$"#,
      options: .regularExpression) != nil
  }

  /// One record: quoted fields joined by commas, ending in a newline.
  public static func record(_ fields: [String]) -> String {
    fields.map(field).joined(separator: ",") + "\n"
  }

  /// A whole document: the header record, then the rows.
  public static func document(header: [String], rows: [[String]]) -> String {
    var text = record(header)
    for row in rows {
      precondition(
        row.count == header.count, "every CSV row has one field per column")
      text += record(row)
    }
    return text
  }
}
