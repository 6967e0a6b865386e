import Foundation

/// One axis of a chart: its label (with the unit), its scale and how its
/// ticks read.
public struct ChartAxis: Sendable, Hashable {
  /// How values map to positions.
  public enum Scale: Sendable, Hashable {
    /// Equal steps for equal differences.
    case linear
    /// Equal steps for equal ratios; ticks at powers of the base (10 or 2).
    case log(base: Double)
  }

  /// How tick values are written.
  public enum TickFormat: Sendable, Hashable {
    /// With an SI prefix and the unit symbol: `10 ms`, `1 TFLOP/s`.
    case si(unit: String)
    /// With a binary prefix and the unit symbol: `32 KiB`; with no unit,
    /// context-length style `4K`, `128K`, `1M`.
    case binary(unit: String)
    /// Plain numbers with up to `digits` decimals.
    case plain(digits: Int)
  }

  /// The axis title, with the unit in parentheses.
  public var label: String
  /// The mapping.
  public var scale: Scale
  /// How ticks read.
  public var format: TickFormat
  /// A fixed domain; `nil` takes the data's extent.
  public var domain: ClosedRange<Double>?

  /// Creates an axis.
  public init(
    label: String, scale: Scale, format: TickFormat,
    domain: ClosedRange<Double>? = nil
  ) {
    self.label = label
    self.scale = scale
    self.format = format
    self.domain = domain
  }

  /// Whether `value` can be placed on the axis (positive on a log axis).
  func accepts(_ value: Double) -> Bool {
    guard value.isFinite else { return false }
    if case .log = scale { return value > 0 }
    return true
  }

  /// The domain widened to whole ticks: decades on a log axis, nice steps
  /// on a linear one.
  public func niceDomain(_ low: Double, _ high: Double) -> ClosedRange<Double> {
    if let domain { return domain }
    switch scale {
    case .log(let base):
      let lo = Foundation.pow(base, Foundation.floor(log(low, base) + 1e-9))
      var hi = Foundation.pow(base, Foundation.ceil(log(high, base) - 1e-9))
      if hi <= lo { hi = lo * base }
      return lo...hi
    case .linear:
      let step = linearStep(high - low)
      let lo = Foundation.floor(low / step) * step
      var hi = Foundation.ceil(high / step) * step
      if hi <= lo { hi = lo + step }
      return lo...hi
    }
  }

  /// Tick values inside `domain`.
  public func ticks(in domain: ClosedRange<Double>) -> [Double] {
    switch scale {
    case .log(let base):
      let first = Int(Foundation.floor(log(domain.lowerBound, base) + 1e-9))
      let last = Int(Foundation.ceil(log(domain.upperBound, base) - 1e-9))
      var major = (first...max(first, last)).map {
        Foundation.pow(base, Double($0))
      }
      // Thin a long base-2 axis to every other power; fill a short base-10
      // axis with 2 and 5.
      while major.count > 9 {
        major = stride(from: 0, to: major.count, by: 2).map { major[$0] }
      }
      if base == 10 && last - first <= 2 {
        major = major.flatMap { [$0, 2 * $0, 5 * $0] }
      }
      return major.filter {
        $0 >= domain.lowerBound * 0.999 && $0 <= domain.upperBound * 1.001
      }
    case .linear:
      let step = linearStep(domain.upperBound - domain.lowerBound)
      var values: [Double] = []
      var v = Foundation.ceil(domain.lowerBound / step - 1e-9) * step
      while v <= domain.upperBound + step * 1e-9 {
        values.append(abs(v) < step * 1e-9 ? 0 : v)
        v += step
      }
      return values
    }
  }

  /// The tick step of a linear axis spanning `span`: a nice step in the
  /// unit of the binary prefix for binary formats (so ticks read `16 GiB`),
  /// else in plain units.
  func linearStep(_ span: Double) -> Double {
    guard case .binary = format, span >= 1024 else {
      return Self.niceStep(span / 5)
    }
    var unit = 1.0
    while unit * 1024 <= span { unit *= 1024 }
    return Self.niceStep(span / unit / 5) * unit
  }

  /// 1, 2 or 5 times a power of ten, at least `raw`.
  static func niceStep(_ raw: Double) -> Double {
    guard raw > 0, raw.isFinite else { return 1 }
    let power = Foundation.pow(10, Foundation.floor(log10(raw)))
    for m in [1.0, 2, 5, 10] where m * power >= raw * 0.999 { return m * power }
    return 10 * power
  }

  /// Position in `0…1` of `value` within `domain`.
  func fraction(_ value: Double, in domain: ClosedRange<Double>) -> Double {
    switch scale {
    case .log:
      return Foundation.log(value / domain.lowerBound)
        / Foundation.log(domain.upperBound / domain.lowerBound)
    case .linear:
      return (value - domain.lowerBound)
        / (domain.upperBound - domain.lowerBound)
    }
  }

  /// The text of the tick at `value`.
  public func tickLabel(_ value: Double) -> String {
    Self.text(value, format)
  }

  /// `value` written in `format`.
  public static func text(_ value: Double, _ format: TickFormat) -> String {
    switch format {
    case .plain(let digits):
      return trimmed(String(format: "%.\(digits)f", value))
    case .si(let unit):
      let prefixes: [(Double, String)] = [
        (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1, ""),
        (1e-3, "m"), (1e-6, "µ"), (1e-9, "n"),
      ]
      let magnitude = abs(value)
      guard magnitude > 0 else { return unit.isEmpty ? "0" : "0 \(unit)" }
      let (scale, prefix) =
        prefixes.first { magnitude >= $0.0 * 0.9995 } ?? (1e-9, "n")
      let number = trimmed(String(format: "%.2f", value / scale))
      let symbol = prefix + unit
      return symbol.isEmpty ? number : "\(number) \(symbol)"
    case .binary(let unit):
      let prefixes: [(Double, String)] = [
        (1_125_899_906_842_624, "Pi"), (1_099_511_627_776, "Ti"),
        (1_073_741_824, "Gi"), (1_048_576, "Mi"), (1024, "Ki"), (1, ""),
      ]
      let magnitude = abs(value)
      guard magnitude > 0 else { return unit.isEmpty ? "0" : "0 \(unit)" }
      let (scale, prefix) =
        prefixes.first { magnitude >= $0.0 } ?? (1, "")
      let number = trimmed(String(format: "%.2f", value / scale))
      if unit.isEmpty {
        return number + prefix.replacingOccurrences(of: "i", with: "")
      }
      return "\(number) \(prefix + unit)"
    }
  }

  /// `12.50` → `12.5`, `3.00` → `3`.
  static func trimmed(_ text: String) -> String {
    guard text.contains(".") else { return text }
    var t = text
    while t.hasSuffix("0") { t.removeLast() }
    if t.hasSuffix(".") { t.removeLast() }
    return t == "-0" ? "0" : t
  }

  /// Logarithm of `x` in `base`.
  private func log(_ x: Double, _ base: Double) -> Double {
    Foundation.log(x) / Foundation.log(base)
  }
}
