import PerfModel

/// The report section of a stored validation run: measured against
/// predicted, from the run store alone.
public enum ValidationSection {
  /// The run's kernels (with the fitted model's predictions) and the
  /// section charting them, with the held-out band and residual summary.
  ///
  /// - Throws: ``RunStoreError`` when the store cannot be read.
  public static func make(store: RunStore, run: StoredRun) throws(RunStoreError)
    -> (points: [MeasuredPoint], section: ReportDocument.Section)
  {
    let rows = try store.measurements(
      run: run.id, model: KernelValidation.fittedModel)
    let points = rows.compactMap { m -> MeasuredPoint? in
      guard let predicted = m.predictedSeconds, predicted > 0 else {
        return nil
      }
      return MeasuredPoint(
        kernel: m.kind, flops: m.flops, bytes: m.bytes,
        predictedSeconds: predicted, measuredSeconds: m.medianSeconds,
        heldOut: m.heldOut)
    }
    let band = ErrorBand(
      heldOut: points.filter(\.heldOut).map {
        ($0.measuredSeconds - $0.predictedSeconds) / $0.predictedSeconds
      })
    var summary = ReportTable(columns: [
      "kernel", "subset", "cases", "median_abs_error", "p90_abs_error",
    ])
    for kernel in Array(Set(points.map(\.kernel))).sorted() + ["overall"] {
      for (subset, held) in [("train", false), ("test", true)] {
        let errors = points.filter {
          $0.heldOut == held && (kernel == "overall" || $0.kernel == kernel)
        }.map {
          ResidualSummary.error(
            predicted: $0.predictedSeconds, measured: $0.measuredSeconds)
        }
        guard let s = ResidualSummary(errors: errors) else { continue }
        summary.append([
          kernel, subset, String(s.count), "\(s.medianAbsoluteError)",
          "\(s.p90AbsoluteError)",
        ])
      }
    }
    var cases = ReportTable(columns: [
      "kernel", "flops", "bytes", "predicted_seconds", "measured_seconds",
      "held_out",
    ])
    for p in points {
      cases.append([
        p.kernel, "\(p.flops)", "\(p.bytes)", "\(p.predictedSeconds)",
        "\(p.measuredSeconds)", p.heldOut ? "true" : "false",
      ])
    }
    let subtitle =
      "run \(run.id) on \(run.machine), \(run.startedAt); \(points.count) kernels"
    let section = ReportDocument.Section(
      "Measured against predicted",
      [
        .paragraph(
          "Run \(run.id) of the store (\(run.source)): each kernel's measured median against the time the factors fitted on the training two thirds predict. Held-out kernels (filled) never reached the fit; the band is their 10th to 90th percentile of relative error."
        ),
        .chart(
          name: "validation",
          svg: ValidationChart.chart(points, band: band, subtitle: subtitle)
            .svg()),
        .table(name: "validation-summary", summary),
        .table(name: "validation-cases", cases),
      ])
    return (points, section)
  }
}
