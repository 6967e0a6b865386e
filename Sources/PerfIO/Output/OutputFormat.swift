import Foundation

/// How a command writes its answer.
public enum OutputFormat: String, Sendable, CaseIterable {
  /// An aligned, human-readable table (human units).
  case table
  /// CSV through libcsv (SI units, unit names in column keys).
  case csv
  /// JSON (SI units).
  case json
}

/// Encodes any of the model library's `Codable` answers as pretty JSON with
/// sorted keys.
public enum JSONOutput {
  /// The JSON text of `value`.
  public static func encode<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [
      .prettyPrinted, .sortedKeys, .withoutEscapingSlashes,
    ]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    guard let data = try? encoder.encode(value) else { return "{}\n" }
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
