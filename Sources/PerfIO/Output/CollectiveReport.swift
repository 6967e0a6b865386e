import Foundation
import PerfModel

/// What `roofline collectives` prints and exports: each collective against
/// the α-β model, the fitted α and bandwidth per class, the summaries over
/// messages of at least a size, and tensor-parallel layers predicted from
/// the fit.
public struct CollectiveReport {
  /// A measured tensor-parallel layer and its prediction.
  public struct Layer: Sendable {
    /// The measured row.
    public var measured: MeasuredCollective
    /// The layer's shape.
    public var layer: TensorParallelLayer
    /// `prefill` or `decode`.
    public var phase: String
    /// The prediction.
    public var predicted: TensorParallelLayer.Time

    /// Creates a layer row.
    public init(
      measured: MeasuredCollective, layer: TensorParallelLayer, phase: String,
      predicted: TensorParallelLayer.Time
    ) {
      self.measured = measured
      self.layer = layer
      self.phase = phase
      self.predicted = predicted
    }

    /// `(measured − predicted) / predicted`.
    var error: Double {
      ResidualSummary.error(
        predicted: predicted.total, measured: measured.medianSeconds)
    }
  }

  /// The collectives' validation.
  public var validation: CollectiveValidation
  /// The layers.
  public var layers: [Layer]
  /// The smallest message the summaries count.
  public var minimumBytes: Double

  /// Creates a report.
  public init(
    validation: CollectiveValidation, layers: [Layer], minimumBytes: Double
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

  /// Median, p90 and mean |error| per collective and overall.
  public func summaryTable() -> ReportTable {
    ValidationReport.summaryTable(
      validation.summaries(minimumBytes: minimumBytes),
      classColumn: "collective")
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
    let bandwidth = validation.link.bandwidthBytesPerSecondPerDirection
    for (name, e) in validation.calibration.entries.sorted(by: {
      $0.key < $1.key
    }) {
      fits.append([
        name, HumanUnits.seconds(e.alphaSeconds),
        HumanUnits.rate(e.bandwidthFraction * bandwidth, "B/s"),
        ValidationReport.percent(e.bandwidthFraction), String(e.trainingCases),
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
      for r in layers {
        l.append([
          r.phase, String(r.layer.tokens), String(r.layer.ranks),
          HumanUnits.seconds(r.measured.medianSeconds),
          HumanUnits.seconds(r.predicted.total),
          HumanUnits.seconds(r.predicted.gemm),
          HumanUnits.seconds(r.predicted.allReduce),
          ValidationReport.signedPercent(r.error),
        ])
      }
      let errors = layers.map(\.error)
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
