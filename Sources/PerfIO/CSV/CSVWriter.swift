import CCSV

/// Writes CSV through libcsv's `csv_write`, which quotes every field and
/// doubles embedded quotes (RFC 4180); records end with `\n`.
///
///     "model","kv_bytes_per_token"
///     "llama-3-8b","131072"
public enum CSVWriter {
  /// One CSV field, quoted by libcsv.
  public static func field(_ text: String) -> String {
    var source = Array(text.utf8)
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
