import PerfModel

/// Charts of a serving simulation: latency distributions and the load
/// over time.
public enum SimulationCharts {
  /// The most points a curve keeps (evenly spaced in rank or time).
  static let pointsPerCurve = 600

  /// Empirical CDFs of TTFT, time between tokens (each gap weighted by
  /// the tokens that saw it) and end-to-end latency, on a log time axis.
  public static func latencyCDF(_ result: ServingSimulator.Result) -> XYChart {
    let r = result.requests
    let curves: [(String, [Double], [Int]?)] = [
      ("TTFT", r.map(\.ttftSeconds), nil),
      ("time between tokens", result.gapSeconds, result.gapWeights),
      ("end to end", r.map(\.endToEndSeconds), nil),
    ]
    var series: [XYChart.Series] = []
    for (i, (name, values, weights)) in curves.enumerated()
    where !values.isEmpty {
      series.append(
        XYChart.Series(
          name: name, points: cdf(values, weights), style: .line,
          styleIndex: i, dashed: false))
    }
    return XYChart(
      title: "Latency distributions", kind: "latency-cdf",
      x: ChartAxis(
        label: "seconds", scale: .log(base: 10), format: .si(unit: "s")),
      y: ChartAxis(
        label: "fraction at or below", scale: .linear,
        format: .plain(digits: 2),
        domain: 0...1),
      series: series,
      subtitle: "\(r.count) requests; gaps weighted by the tokens that saw them"
    )
  }

  /// The points of the CDF of `values` with `weights`, at most
  /// ``pointsPerCurve`` of them.
  static func cdf(_ values: [Double], _ weights: [Int]?) -> [ChartPoint] {
    let w = weights ?? Array(repeating: 1, count: values.count)
    let order = values.indices.sorted { values[$0] < values[$1] }
    let total = Double(w.reduce(0, +))
    guard total > 0 else { return [] }
    let stride = max(1, order.count / pointsPerCurve)
    var points: [ChartPoint] = []
    var seen = 0.0
    for (rank, i) in order.enumerated() {
      seen += Double(w[i])
      if rank % stride == 0 || rank == order.count - 1 {
        points.append(ChartPoint(values[i], seen / total))
      }
    }
    return points
  }

  /// Sequences running and requests waiting, and the cache fraction used,
  /// at each pass of replica 0 over time.
  public static func load(_ iterations: [IterationRecord]) -> [XYChart] {
    let passes = iterations.filter { $0.replica == 0 }
    let stride = max(1, passes.count / pointsPerCurve)
    let kept = passes.enumerated().filter { $0.offset % stride == 0 }.map(
      \.element)
    let time = ChartAxis(
      label: "time (s)", scale: .linear, format: .plain(digits: 0))
    let counts = XYChart(
      title: "Requests running and waiting (replica 0)", kind: "load",
      x: time,
      y: ChartAxis(
        label: "requests", scale: .linear, format: .plain(digits: 0)),
      series: [
        XYChart.Series(
          name: "running",
          points: kept.map {
            ChartPoint($0.startSeconds, Double($0.runningSequences))
          }, style: .line, styleIndex: 0, dashed: false),
        XYChart.Series(
          name: "waiting",
          points: kept.map {
            ChartPoint($0.startSeconds, Double($0.waitingRequests))
          }, style: .line, styleIndex: 1, dashed: false),
      ],
      subtitle: "every \(stride == 1 ? "" : "\(stride)th ")pass")
    let cache = XYChart(
      title: "KV cache in use (replica 0)", kind: "cache", x: time,
      y: ChartAxis(
        label: "fraction of the pool", scale: .linear,
        format: .plain(digits: 2),
        domain: 0...1),
      series: [
        XYChart.Series(
          name: "cache used",
          points: kept.map {
            ChartPoint($0.startSeconds, $0.cacheUsedFraction)
          },
          style: .line, styleIndex: 2, dashed: false)
      ])
    return [counts, cache]
  }
}
