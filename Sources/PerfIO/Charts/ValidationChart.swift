import PerfModel

/// Predicted against measured kernel times.
public enum ValidationChart {
  /// Log–log, measured against predicted, a marker per kernel class
  /// (held-out cases filled, training cases open), the `y = x` line and
  /// the band `predicted · (1 + low … 1 + high)`.
  public static func chart(
    _ points: [MeasuredPoint], band: ErrorBand?, subtitle: String = ""
  ) -> XYChart {
    var series: [XYChart.Series] = []
    let all = points.flatMap { [$0.predictedSeconds, $0.measuredSeconds] }
      .filter { $0 > 0 }
    let low = (all.min() ?? 1e-6) / 1.5
    let high = (all.max() ?? 1) * 1.5
    let diagonal = [ChartPoint(low, low), ChartPoint(high, high)]
    if let band {
      series.append(
        XYChart.Series(
          name: "held-out p10–p90 band",
          points: diagonal.map { ChartPoint($0.x, $0.x * (1 + band.low)) },
          upper: diagonal.map { ChartPoint($0.x, $0.x * (1 + band.high)) },
          style: .band, styleIndex: 5))
    }
    series.append(
      XYChart.Series(
        name: "measured = predicted", points: diagonal, style: .line,
        styleIndex: 6, dashed: true))
    let kernels = Array(Set(points.map(\.kernel))).sorted()
    for (i, kernel) in kernels.enumerated() {
      for heldOut in [false, true] {
        let group = points.filter {
          $0.kernel == kernel && $0.heldOut == heldOut
        }
        guard !group.isEmpty else { continue }
        series.append(
          XYChart.Series(
            name: "\(kernel) (\(heldOut ? "held out" : "train"))",
            points: group.map {
              ChartPoint($0.predictedSeconds, $0.measuredSeconds)
            },
            style: .markers, styleIndex: i, filled: heldOut))
      }
    }
    return XYChart(
      title: "Measured against predicted kernel time", kind: "validation",
      x: ChartAxis(
        label: "predicted (s)", scale: .log(base: 10), format: .si(unit: "s")),
      y: ChartAxis(
        label: "measured (s)", scale: .log(base: 10), format: .si(unit: "s")),
      series: series, subtitle: subtitle)
  }
}
