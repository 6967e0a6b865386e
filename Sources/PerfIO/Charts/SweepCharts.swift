import PerfModel

/// Charts of a sweep over context length: latency and concurrency per model
/// on one device.
public enum SweepCharts {
  /// What a sweep chart plots against context.
  public enum Metric: String, Sendable, CaseIterable {
    /// Time to first token for a prompt of the context.
    case ttft
    /// One decode step at the context.
    case tpot
    /// Concurrent requests at the context that fit in memory.
    case concurrency

    var title: String {
      switch self {
      case .ttft: "Time to first token against context"
      case .tpot: "Time per output token against context"
      case .concurrency: "Concurrent requests that fit against context"
      }
    }

    var axis: ChartAxis {
      switch self {
      case .ttft:
        ChartAxis(
          label: "TTFT (s)", scale: .log(base: 10), format: .si(unit: "s"))
      case .tpot:
        ChartAxis(
          label: "TPOT (s)", scale: .log(base: 10), format: .si(unit: "s"))
      case .concurrency:
        ChartAxis(
          label: "max concurrent requests (requests)", scale: .log(base: 10),
          format: .si(unit: ""))
      }
    }

    func value(_ p: SweepPoint) -> Double {
      switch self {
      case .ttft: p.ttftSeconds
      case .tpot: p.tpotSeconds
      case .concurrency: Double(p.maxConcurrentRequests)
      }
    }
  }

  /// `metric` against context, a line per model.
  ///
  /// Each model's points share one batch and device count. Concurrency of 0 (nothing fits) is left off the
  /// log axis and counted in the subtitle. A latency whose deployment does
  /// not fit in memory at that context is drawn apart, as a hollow marker
  /// off the model's line (a series named "… (does not fit)"), and the
  /// subtitle says so.
  public static func chart(
    _ metric: Metric, models: [(name: String, points: [SweepPoint])],
    device: String, subtitle: String = ""
  ) -> XYChart {
    var series: [XYChart.Series] = []
    var dropped = 0
    var overflowing = 0
    for (i, model) in models.enumerated() {
      let sorted = model.points.sorted { $0.contextTokens < $1.contextTokens }
      func chartPoints(_ points: [SweepPoint]) -> [ChartPoint] {
        points.map { ChartPoint(Double($0.contextTokens), metric.value($0)) }
      }
      let marked = metric == .concurrency ? [] : sorted.filter { !$0.fits }
      let points = chartPoints(
        metric == .concurrency ? sorted : sorted.filter(\.fits))
      dropped += points.filter { !($0.y > 0) }.count
      series.append(
        XYChart.Series(
          name: model.name, points: points, style: .lineAndMarkers,
          styleIndex: i))
      if !marked.isEmpty {
        overflowing += marked.count
        series.append(
          XYChart.Series(
            name: "\(model.name) (does not fit)", points: chartPoints(marked),
            style: .markers, styleIndex: i, filled: false))
      }
    }
    var note = subtitle
    if dropped > 0 {
      note +=
        (note.isEmpty ? "" : "; ")
        + "\(dropped) points where nothing fits left off"
    }
    if overflowing > 0 {
      note +=
        (note.isEmpty ? "" : "; ")
        + "hollow markers: \(overflowing) points whose deployment does not fit in memory"
    }
    return XYChart(
      title: "\(metric.title) on \(device)", kind: metric.rawValue,
      x: ChartAxis(
        label: "context (tokens)", scale: .log(base: 2),
        format: .binary(unit: "")),
      y: metric.axis, series: series, subtitle: note)
  }

  /// Cost per million output tokens against TPOT for every feasible
  /// deployment of a plan, a marker style per device, with the Pareto
  /// front drawn through the cheapest at each latency.
  public static func cost(
    _ result: DeploymentPlanner.Result, subtitle: String = ""
  )
    -> XYChart
  {
    var series: [XYChart.Series] = []
    let devices = Array(Set(result.feasible.map(\.device))).sorted()
    for (i, device) in devices.enumerated() {
      let points = result.feasible.filter { $0.device == device }.map {
        ChartPoint($0.tpotSeconds, $0.cost.usdPerMillionOutputTokens)
      }
      series.append(
        XYChart.Series(
          name: device, points: points, style: .markers, styleIndex: i + 1,
          filled: false))
    }
    let front = result.pareto.sorted { $0.tpotSeconds < $1.tpotSeconds }.map {
      ChartPoint($0.tpotSeconds, $0.cost.usdPerMillionOutputTokens)
    }
    series.append(
      XYChart.Series(
        name: "Pareto front", points: front, style: .lineAndMarkers,
        styleIndex: 0, dashed: false))
    var annotations: [XYChart.Annotation] = []
    if let best = result.feasible.first {
      annotations.append(
        .init(
          "cheapest: \(best.devices) × \(best.device), batch \(best.batch)",
          at: ChartPoint(best.tpotSeconds, best.cost.usdPerMillionOutputTokens))
      )
    }
    return XYChart(
      title: "Cost against latency of deployments meeting the targets",
      kind: "cost",
      x: ChartAxis(
        label: "TPOT (s)", scale: .log(base: 10), format: .si(unit: "s")),
      y: ChartAxis(
        label: "cost (USD per million output tokens)", scale: .log(base: 10),
        format: .plain(digits: 3)),
      series: series, annotations: annotations, subtitle: subtitle)
  }
}
