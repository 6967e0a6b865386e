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
/// sorted keys, in the CSV's terms: snake_case keys with their units
/// (`cache_bytes_per_request`), and an enum case's payload under the case's
/// name (`{"dense": {"intermediate_size": …}}`, not Swift's `"_0"`).
public enum JSONOutput {
  /// The JSON text of `value`.
  public static func encode<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    guard let data = try? encoder.encode(value),
      let tree = try? JSONSerialization.jsonObject(
        with: data, options: [.fragmentsAllowed]),
      let out = try? JSONSerialization.data(
        withJSONObject: flattened(tree),
        options: [
          .prettyPrinted, .sortedKeys, .withoutEscapingSlashes,
          .fragmentsAllowed,
        ])
    else { return "{}\n" }
    return String(decoding: out, as: UTF8.self) + "\n"
  }

  /// `tree` with every object whose only key is `_0` (an enum case's
  /// unnamed payload) replaced by that payload.
  static func flattened(_ tree: Any) -> Any {
    if let object = tree as? [String: Any] {
      if object.count == 1, let payload = object["_0"] {
        return flattened(payload)
      }
      return object.mapValues(flattened)
    }
    if let array = tree as? [Any] { return array.map(flattened) }
    return tree
  }
}
