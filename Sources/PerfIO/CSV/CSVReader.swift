import CCSV

/// Reads CSV through libcsv's parser in strict mode (RFC 4180 quoting).
public enum CSVReader {
  /// A file that libcsv refuses.
  public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// libcsv's reason.
    public var message: String
    /// Records read before the failure.
    public var recordsRead: Int

    public var description: String {
      "malformed CSV after record \(recordsRead): \(message); check the quoting (a quote inside a quoted field is doubled)"
    }
  }

  /// Collects fields and records from libcsv's callbacks.
  final class Collector {
    var records: [[String]] = []
    var current: [String] = []
  }

  /// The records of `text`, each a list of fields; libcsv skips blank
  /// lines.
  ///
  /// - Throws: ``ParseError`` for malformed quoting.
  public static func records(_ text: String) throws(ParseError) -> [[String]] {
    var parser = csv_parser()
    guard
      csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
        == 0
    else {
      throw ParseError(message: "libcsv could not start", recordsRead: 0)
    }
    defer { csv_free(&parser) }
    let collector = Collector()
    let context = Unmanaged.passUnretained(collector).toOpaque()
    let onField:
      @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?)
        -> Void = {
          field, length, data in
          guard let data else { return }
          let c = Unmanaged<Collector>.fromOpaque(data).takeUnretainedValue()
          let bytes = UnsafeRawBufferPointer(start: field, count: length)
          c.current.append(String(decoding: bytes, as: UTF8.self))
        }
    let onRecord: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = {
      _, data in
      guard let data else { return }
      let c = Unmanaged<Collector>.fromOpaque(data).takeUnretainedValue()
      c.records.append(c.current)
      c.current = []
    }
    var bytes = Array(text.utf8)
    let parsed = bytes.withUnsafeMutableBytes { buffer in
      csv_parse(
        &parser, buffer.baseAddress, buffer.count, onField, onRecord, context)
    }
    if parsed != bytes.count
      || csv_fini(&parser, onField, onRecord, context) != 0
    {
      let reason = String(cString: csv_strerror(csv_error(&parser)))
      throw ParseError(message: reason, recordsRead: collector.records.count)
    }
    return collector.records
  }
}
