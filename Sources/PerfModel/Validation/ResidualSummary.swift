/// The error of a set of predictions against their measurements.
///
/// The error of one case is `(predicted − measured) / measured`; the
/// summary reports the median and 90th percentile of its magnitude and the
/// mean absolute percentage error (MAPE), all as fractions.
public struct ResidualSummary: Sendable, Hashable, Codable {
  /// Cases summarised.
  public var count: Int
  /// Median of `|error|`.
  public var medianAbsoluteError: Double
  /// 90th percentile (nearest rank) of `|error|`.
  public var p90AbsoluteError: Double
  /// Mean of `|error|`.
  public var meanAbsoluteError: Double

  /// Summarises `errors` (signed fractions); `nil` when there are none.
  public init?(errors: [Double]) {
    guard !errors.isEmpty else { return nil }
    let magnitudes = errors.map(abs).sorted()
    count = magnitudes.count
    medianAbsoluteError = Self.median(sorted: magnitudes)
    p90AbsoluteError = Self.percentile(0.9, sorted: magnitudes)
    meanAbsoluteError = magnitudes.reduce(0, +) / Double(count)
  }

  /// The signed error of one case.
  public static func error(predicted: Double, measured: Double) -> Double {
    precondition(measured > 0, "a measured time is positive")
    return (predicted - measured) / measured
  }

  /// The median of sorted values (the mean of the middle two when even).
  public static func median(sorted values: [Double]) -> Double {
    precondition(!values.isEmpty)
    let mid = values.count / 2
    return values.count % 2 == 1
      ? values[mid] : (values[mid - 1] + values[mid]) / 2
  }

  /// The nearest-rank percentile `p` (0…1] of sorted values:
  /// the value at rank `⌈p·n⌉`.
  public static func percentile(_ p: Double, sorted values: [Double])
    -> Double
  {
    precondition(!values.isEmpty && p > 0 && p <= 1)
    let rank = Int((p * Double(values.count)).rounded(.up))
    return values[max(1, min(values.count, rank)) - 1]
  }
}
