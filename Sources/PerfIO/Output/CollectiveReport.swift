import Foundation
import PerfModel

/// What `roofline collectives` prints and exports: each collective against
/// the α-β model, the fitted α and bandwidth per class, the summaries over
/// messages of at least a size, and tensor-parallel layers predicted from
/// the fit.
public struct CollectiveReport {
  /// The collectives' validation.
  public var validation: CollectiveValidation
  /// Layers: measured row, predicted seconds and its parts.
  public var layers:
    [(
      MeasuredCollective, TensorParallelLayer, String,
      (total: Double, gemm: Double, allReduce: Double)
    )]
  /// The smallest message the summaries count.
  public var minimumBytes: Double

  /// Creates a report.
  public init(
    validation: CollectiveValidation,
    layers: [(
      MeasuredCollective, TensorParallelLayer, String,
      (total: Double, gemm: Double, allReduce: Double)
    )],
    minimumBytes: Double
  ) {
    self.validation = validation
    self.layers = layers
    self.minimumBytes = minimumBytes
  }

  /// One row per collective, SI units.
  public func residualTable() -> ReportTable {
    var t = ReportTable(columns: [
      "collective", "backend", "ranks", "bytes", "subset", "measured_seconds",
      "descriptor_seconds", "descriptor_error", "fitted_seconds",
      "fitted_error",
      "bus_bandwidth_bytes_per_second",
    ])
    for c in validation.cases {
      let w = c.workload
      let wire = CollectiveModel.terms(w.kind, bytes: w.bytes, ranks: w.ranks)
        .wireBytes
      t.append([
        w.kind.rawValue, w.backend, String(w.ranks), String(Int(w.bytes)),
        c.heldOut ? "test" : "train", "\(c.measuredSeconds)",
        "\(c.descriptorSeconds)",
        "\(ResidualSummary.error(predicted: c.descriptorSeconds, measured: c.measuredSeconds))",
        c.fittedSeconds.map { "\($0)" } ?? "",
        c.fittedSeconds.map {
          "\(ResidualSummary.error(predicted: $0, measured: c.measuredSeconds))"
        } ?? "",
        "\(wire / c.measuredSeconds)",
      ])
    }
    return t
  }

  /// The fitted α and bandwidth fraction per class.
  public func fitTable() -> ReportTable {
    var t = ReportTable(columns: [
      "class", "alpha_seconds", "bandwidth_fraction",
      "bandwidth_bytes_per_second",
      "training_sizes",
    ])
    let b = validation.link.bandwidthBytesPerSecondPerDirection
    for (name, e) in validation.calibration.entries.sorted(by: {
      $0.key < $1.key
    }) {
      t.append([
        name, "\(e.alphaSeconds)", "\(e.bandwidthFraction)",
        "\(e.bandwidthFraction * b)", String(e.trainingCases),
      ])
    }
    return t
  }

  /// Median, p90 and mean |error| per collective and overall.
  public func summaryTable() -> ReportTable {
    var t = ReportTable(columns: [
      "model", "subset", "collective", "cases", "median_abs_error",
      "p90_abs_error", "mape",
    ])
    for r in validation.summaries(minimumBytes: minimumBytes) {
      t.append([
        r.model, r.subset, r.kernel, String(r.residuals.count),
        ValidationReport.percent(r.residuals.medianAbsoluteError),
        ValidationReport.percent(r.residuals.p90AbsoluteError),
        ValidationReport.percent(r.residuals.meanAbsoluteError),
      ])
    }
    return t
  }

  /// Layers measured against predicted.
  public func layerTable() -> ReportTable {
    var t = ReportTable(columns: [
      "phase", "tokens", "ranks", "measured_seconds", "predicted_seconds",
      "gemm_seconds", "all_reduce_seconds", "error",
    ])
    for (m, layer, phase, p) in layers {
      t.append([
        phase, String(layer.tokens), String(layer.ranks), "\(m.medianSeconds)",
        "\(p.total)", "\(p.gemm)", "\(p.allReduce)",
        "\(ResidualSummary.error(predicted: p.total, measured: m.medianSeconds))",
      ])
    }
    return t
  }

  /// The readable report.
  public func text() -> String {
    var cases = ReportTable(columns: [
      "collective", "ranks", "bytes", "set", "measured", "predicted", "error",
      "fitted", "error",
    ])
    for c in validation.cases {
      let w = c.workload
      cases.append([
        "\(w.kind.rawValue) (\(w.backend))", String(w.ranks),
        HumanUnits.bytes(w.bytes), c.heldOut ? "test" : "train",
        HumanUnits.seconds(c.measuredSeconds),
        HumanUnits.seconds(c.descriptorSeconds),
        ValidationReport.signedPercent(
          ResidualSummary.error(
            predicted: c.descriptorSeconds, measured: c.measuredSeconds)),
        c.fittedSeconds.map(HumanUnits.seconds) ?? "-",
        c.fittedSeconds.map {
          ValidationReport.signedPercent(
            ResidualSummary.error(predicted: $0, measured: c.measuredSeconds))
        } ?? "-",
      ])
    }
    var out = cases.text()
    out +=
      "\nfitted per class (link \(validation.link.name), \(HumanUnits.rate(validation.link.bandwidthBytesPerSecondPerDirection, "B/s")) a direction):\n"
    var fits = ReportTable(columns: [
      "class", "alpha", "bandwidth", "fraction", "sizes",
    ])
    for row in fitTable().rows {
      fits.append([
        row[0], HumanUnits.seconds(Double(row[1]) ?? 0),
        HumanUnits.rate(Double(row[3]) ?? 0, "B/s"),
        ValidationReport.percent(Double(row[2]) ?? 0), row[4],
      ])
    }
    out += fits.text()
    out +=
      "\nmessages of \(HumanUnits.bytes(minimumBytes)) and more:\n"
      + summaryTable().text()
    if !layers.isEmpty {
      var l = ReportTable(columns: [
        "phase", "tokens", "tp", "measured", "predicted", "gemms",
        "all-reduces", "error",
      ])
      for (m, layer, phase, p) in layers {
        l.append([
          phase, String(layer.tokens), String(layer.ranks),
          HumanUnits.seconds(m.medianSeconds), HumanUnits.seconds(p.total),
          HumanUnits.seconds(p.gemm), HumanUnits.seconds(p.allReduce),
          ValidationReport.signedPercent(
            ResidualSummary.error(predicted: p.total, measured: m.medianSeconds)
          ),
        ])
      }
      let errors = layers.map {
        ResidualSummary.error(
          predicted: $0.3.total, measured: $0.0.medianSeconds)
      }
      out +=
        "\ntensor-parallel layers, predicted from the fitted all-reduce and the descriptor's GEMM factors:\n"
        + l.text()
      if let s = ResidualSummary(errors: errors) {
        out +=
          "median |error| \(ValidationReport.percent(s.medianAbsoluteError)), p90 \(ValidationReport.percent(s.p90AbsoluteError)) over \(s.count) layers\n"
      }
    }
    return out
  }
}
