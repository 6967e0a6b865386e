import Foundation

/// Human units for the edges (tables and reports): the library itself works
/// in SI base units only.
public enum HumanUnits {
  /// Bytes in binary multiples: `131072` → `128.0 KiB`.
  public static func bytes(_ value: Double) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
    var v = value
    var i = 0
    while abs(v) >= 1024 && i < units.count - 1 {
      v /= 1024
      i += 1
    }
    return i == 0
      ? String(format: "%.0f B", v) : String(format: "%.2f ", v) + units[i]
  }

  /// A rate in decimal multiples: `3.35e12, "B/s"` → `3.35 TB/s`.
  public static func rate(_ value: Double, _ unit: String) -> String {
    let prefixes = ["", "k", "M", "G", "T", "P", "E"]
    var v = value
    var i = 0
    while abs(v) >= 1000 && i < prefixes.count - 1 {
      v /= 1000
      i += 1
    }
    return String(format: "%.3g ", v) + prefixes[i] + unit
  }

  /// A count with a short scale: `8.03e9` → `8.03 B`.
  public static func count(_ value: Double) -> String {
    switch abs(value) {
    case 1e12...: String(format: "%.2f T", value / 1e12)
    case 1e9...: String(format: "%.2f B", value / 1e9)
    case 1e6...: String(format: "%.2f M", value / 1e6)
    default: String(format: "%.0f", value)
    }
  }

  /// Seconds with a fitting unit: `2.5e-6` → `2.5 µs`.
  public static func seconds(_ value: Double) -> String {
    switch value {
    case 1...: String(format: "%.3g s", value)
    case 1e-3...: String(format: "%.3g ms", value * 1e3)
    case 1e-6...: String(format: "%.3g µs", value * 1e6)
    default: String(format: "%.3g ns", value * 1e9)
    }
  }

  /// A plain number for CSV: whole numbers, and anything of 1000 or more
  /// (bytes, parameters), as integers; smaller fractions with enough digits
  /// to round-trip.
  public static func plain(_ value: Double) -> String {
    guard value.isFinite, abs(value) < 9e18 else { return "\(value)" }
    if value == value.rounded() || abs(value) >= 1000 {
      return String(Int64(value.rounded()))
    }
    return "\(value)"
  }
}
