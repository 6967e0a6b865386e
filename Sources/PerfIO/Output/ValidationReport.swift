import Foundation
import PerfModel

/// The residual tables `roofline validate` prints and exports.
public struct ValidationReport {
  /// The validation.
  public var validation: KernelValidation
  /// The measurements, in the validation's order.
  public var measurements: [MeasuredKernel]
  /// Earlier medians by kernel key (kind|backend|shape|threads).
  public var previous: [String: (run: Int, seconds: Double)]
  /// The slow-down fraction that counts as a regression.
  public var threshold: Double

  /// Creates a report.
  public init(
    validation: KernelValidation, measurements: [MeasuredKernel],
    previous: [String: (run: Int, seconds: Double)], threshold: Double
  ) {
    self.validation = validation
    self.measurements = measurements
    self.previous = previous
    self.threshold = threshold
  }

  /// The key a measurement is matched by across runs.
  public static func key(_ m: MeasuredKernel) -> String {
    StoredMeasurement.key(
      kind: m.workload.kind.rawValue, backend: m.backend,
      shape: m.workload.shapeKey, threads: m.workload.threads ?? 0)
  }

  /// One row per case, SI units: measured, both predictions, errors,
  /// limiter, subset, and the change against the last stored run.
  public func residualTable() -> ReportTable {
    var table = ReportTable(columns: [
      "kernel", "backend", "shape", "threads", "subset", "measured_seconds",
      "descriptor_seconds", "descriptor_error", "fitted_seconds",
      "fitted_error", "limiter", "memory_level", "flops", "bytes",
      "change_vs_previous",
    ])
    for (c, m) in zip(validation.cases, measurements) {
      var change = ""
      if let p = previous[Self.key(m)] {
        change = String(format: "%.4f", m.medianSeconds / p.seconds - 1)
      }
      table.append([
        c.workload.kind.rawValue, m.backend, c.workload.shapeKey,
        c.workload.threads.map(String.init) ?? "",
        c.heldOut ? "test" : "train", Self.g(c.measuredSeconds),
        Self.g(c.descriptor.seconds),
        String(
          format: "%.4f",
          ResidualSummary.error(
            predicted: c.descriptor.seconds, measured: c.measuredSeconds)),
        Self.g(c.fitted.seconds),
        String(
          format: "%.4f",
          ResidualSummary.error(
            predicted: c.fitted.seconds, measured: c.measuredSeconds)),
        c.fitted.limiter.rawValue, c.fitted.memoryLevel, Self.g(c.ideal.flops),
        Self.g(c.ideal.bytes), change,
      ])
    }
    return table
  }

  /// The summary rows: median, p90 and mean |error| per model, subset and
  /// kernel class.
  public func summaryTable() -> ReportTable {
    Self.summaryTable(validation.summaries, classColumn: "kernel")
  }

  /// `rows` as a table whose class column is named `classColumn`.
  static func summaryTable(
    _ rows: [KernelValidation.SummaryRow], classColumn: String
  ) -> ReportTable {
    var table = ReportTable(columns: [
      "model", "subset", classColumn, "cases", "median_abs_error",
      "p90_abs_error", "mape",
    ])
    for s in rows {
      table.append([
        s.model, s.subset, s.kernel, String(s.residuals.count),
        percent(s.residuals.medianAbsoluteError),
        percent(s.residuals.p90AbsoluteError),
        percent(s.residuals.meanAbsoluteError),
      ])
    }
    return table
  }

  /// Kernels slower than their last stored median by more than the
  /// threshold.
  public func regressions() -> [String] {
    measurements.compactMap { m in
      guard let p = previous[Self.key(m)],
        m.medianSeconds > p.seconds * (1 + threshold)
      else { return nil }
      return String(
        format: "%@ %@ threads=%d: %@ → %@ (%+.0f%% against run %d)",
        m.workload.kind.rawValue, m.workload.shapeKey, m.workload.threads ?? 0,
        HumanUnits.seconds(p.seconds), HumanUnits.seconds(m.medianSeconds),
        100 * (m.medianSeconds / p.seconds - 1), p.run)
    }
  }

  /// The readable report: cases, summaries, regressions.
  public func text() -> String {
    var cases = ReportTable(columns: [
      "kernel", "shape", "thr", "set", "measured", "predicted", "error",
      "fitted", "error", "limiter",
    ])
    for (c, m) in zip(validation.cases, measurements) {
      cases.append([
        m.backend.isEmpty || m.backend == "host"
          ? c.workload.kind.rawValue
          : "\(c.workload.kind.rawValue) (\(m.backend))",
        c.workload.shapeKey, c.workload.threads.map(String.init) ?? "-",
        c.heldOut ? "test" : "train", HumanUnits.seconds(c.measuredSeconds),
        HumanUnits.seconds(c.descriptor.seconds),
        Self.signedPercent(
          ResidualSummary.error(
            predicted: c.descriptor.seconds, measured: c.measuredSeconds)),
        HumanUnits.seconds(c.fitted.seconds),
        Self.signedPercent(
          ResidualSummary.error(
            predicted: c.fitted.seconds, measured: c.measuredSeconds)),
        c.fitted.limiter.rawValue,
      ])
    }
    var text = cases.text() + "\n" + summaryTable().text()
    let slow = regressions()
    text +=
      slow.isEmpty
      ? "\nno regressions beyond \(Int(threshold * 100))% against earlier runs of this machine\n"
      : "\nregressions (slower than the last stored run by over \(Int(threshold * 100))%):\n"
        + slow.map { "  \($0)\n" }.joined()
    return text
  }

  static func g(_ v: Double) -> String { String(format: "%.6g", v) }
  static func percent(_ v: Double) -> String {
    String(format: "%.1f%%", 100 * v)
  }
  static func signedPercent(_ v: Double) -> String {
    String(format: "%+.1f%%", 100 * v)
  }
}
