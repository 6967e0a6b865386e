import PerfModel

/// Measured whole-model phases against their predictions: every row, then
/// the median and 90th-percentile |error| per engine, model and phase.
public struct EndToEndReport: Sendable {
  /// The predicted cases.
  public var results: [EndToEndResult]
  /// The descriptor predicted on.
  public var hardware: String
  /// Where the host issue seconds came from.
  public var hostSpeed: HostSpeed = .calibration

  /// Creates a report.
  public init(results: [EndToEndResult], hardware: String) {
    self.results = results
    self.hardware = hardware
  }

  /// One row per case (SI units, for CSV and JSON).
  public func residualTable() -> ReportTable {
    var table = ReportTable(columns: [
      "row", "model", "engine", "fusion_profile", "launch_mode", "phase",
      "batch", "tokens", "measured_seconds", "predicted_seconds", "error",
      "measured_kernels", "predicted_kernels", "host_scale",
    ])
    for r in results {
      let c = r.measured
      table.append([
        "\(c.row)", c.model, c.engine,
        c.profile.name, c.launchMode.rawValue, c.phase.rawValue, "\(c.batch)",
        "\(c.tokens)", "\(c.measuredSeconds)", "\(r.predictedSeconds)",
        "\(r.relativeError)", c.measuredKernels.map { "\($0)" } ?? "",
        "\(r.predictedKernels)", r.hostScale.map { "\($0)" } ?? "",
      ])
    }
    return table
  }

  /// One summary: the residuals of `engine`'s rows of `model` (or
  /// `all`) in `phase` (or `both`), and their signed median.
  public struct Summary: Sendable {
    /// The engine.
    public var engine: String
    /// A model, or `all`.
    public var model: String
    /// `prefill`, `decode` or `both`.
    public var phase: String
    /// The |error| statistics.
    public var residuals: ResidualSummary
    /// The median signed error.
    public var medianError: Double
  }

  /// Per engine, model and phase, then per engine and phase over all
  /// models, then per engine.
  public func summaries() -> [Summary] {
    var out: [Summary] = []
    func add(
      _ engine: String, _ model: String, _ phase: String,
      _ rows: [EndToEndResult]
    ) {
      let errors = rows.map(\.relativeError)
      guard let residuals = ResidualSummary(errors: errors) else { return }
      out.append(
        Summary(
          engine: engine, model: model, phase: phase, residuals: residuals,
          medianError: ResidualSummary.median(sorted: errors.sorted())))
    }
    let engines = Array(Set(results.map(\.measured.engine))).sorted()
    for engine in engines {
      let ofEngine = results.filter { $0.measured.engine == engine }
      var models: [String] = []
      for r in ofEngine where !models.contains(r.measured.model) {
        models.append(r.measured.model)
      }
      for model in models {
        for phase in [OperatorGraph.Phase.prefill, .decode] {
          add(
            engine, model, phase.rawValue,
            ofEngine.filter {
              $0.measured.model == model && $0.measured.phase == phase
            })
        }
      }
      for phase in [OperatorGraph.Phase.prefill, .decode] {
        add(
          engine, "all", phase.rawValue,
          ofEngine.filter { $0.measured.phase == phase })
      }
      add(engine, "all", "both", ofEngine)
    }
    return out
  }

  /// The summaries as a table.
  public func summaryTable() -> ReportTable {
    var table = ReportTable(columns: [
      "engine", "model", "phase", "cases", "median_abs_error",
      "p90_abs_error", "median_error",
    ])
    for s in summaries() {
      table.append([
        s.engine, s.model, s.phase, "\(s.residuals.count)",
        ValidationReport.percent(s.residuals.medianAbsoluteError),
        ValidationReport.percent(s.residuals.p90AbsoluteError),
        ValidationReport.signedPercent(s.medianError),
      ])
    }
    return table
  }

  /// The readable report: rows in human units, the summary, and the
  /// classes priced at default factors.
  public func text() -> String {
    var rows = ReportTable(columns: [
      "model", "engine", "phase", "batch", "tokens", "launch", "measured",
      "predicted", "error", "kernels (measured/predicted)",
    ])
    for r in results {
      let c = r.measured
      rows.append([
        c.model, c.engine, c.phase.rawValue, "\(c.batch)", "\(c.tokens)",
        c.launchMode.rawValue, HumanUnits.seconds(c.measuredSeconds),
        HumanUnits.seconds(r.predictedSeconds),
        ValidationReport.signedPercent(r.relativeError),
        "\(c.measuredKernels.map { "\($0)" } ?? "-")/\(r.predictedKernels)",
      ])
    }
    var out =
      "whole-model phases predicted on \(hardware) (error = (predicted − measured) / measured; negative is optimistic)\n"
    out +=
      hostSpeed == .probe
      ? "host issue: as calibrated, scaled per row by its host probe (the narrowed model timed around it)\n\n"
      : "host issue: as calibrated\n\n"
    out += rows.text() + "\n" + summaryTable().text()
    let all = Set(results.flatMap(\.uncalibratedClasses)).sorted()
    let host = all.filter { $0.hasPrefix("host-issue/") }
    let missing = all.filter { !$0.hasPrefix("host-issue/") }
    if !missing.isEmpty {
      out +=
        "\nnot calibrated on \(hardware), priced at the default factors: \(missing.joined(separator: ", "))\n"
    }
    if !host.isEmpty {
      out +=
        "\nno host-issue entry on \(hardware) (tools/measure_host.py, validate --host-issue), eager kernels issued at their class's launch cost: \(host.map { String($0.dropFirst("host-issue/".count)) }.joined(separator: ", "))\n"
    }
    return out
  }
}
