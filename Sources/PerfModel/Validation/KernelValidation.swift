/// Predicts measured kernels on a device, with the descriptor's factors and
/// with factors fitted on a training subset, and summarises the residuals
/// of each on the subsets that keep them honest.
///
/// The held-out subset (``HoldOut``) never reaches the fit: the fitted
/// model's error is reported on it, and its per-class residuals become the
/// calibration's error bands.
public struct KernelValidation: Sendable {
  /// One measured case and its three estimates.
  public struct Case: Sendable {
    /// What ran.
    public var workload: KernelWorkload
    /// Measured median seconds.
    public var measuredSeconds: Double
    /// At efficiency 1 with no overhead.
    public var ideal: KernelEstimate
    /// With the descriptor's factors (its calibration, else the defaults).
    public var descriptor: KernelEstimate
    /// With the factors fitted on the training subset.
    public var fitted: KernelEstimate
    /// Whether the case was held out of the fit.
    public var heldOut: Bool
  }

  /// The model names stored beside predictions.
  public static let descriptorModel = "roofline-descriptor"
  /// See ``descriptorModel``.
  public static let fittedModel = "roofline-fitted"

  /// The cases, in input order.
  public var cases: [Case]
  /// The factors fitted on the training subset, with held-out bands.
  public var calibration: KernelCalibration

  /// Validates `measured` (workload, median seconds) on `device`.
  ///
  /// - Throws: ``PlanError`` when a case cannot be predicted on the device.
  public init(
    _ measured: [(KernelWorkload, Double)], on device: DeviceSpec,
    source: String
  ) throws(PlanError) {
    let ideal = KernelEfficiency.ideal
    var ideals: [KernelEstimate] = []
    var described: [KernelEstimate] = []
    for (workload, _) in measured {
      ideals.append(
        try KernelCostModel.estimate(workload, on: device, efficiency: ideal))
      let factors =
        device.calibration?.efficiency(for: workload.calibrationClass)
        ?? .uncalibrated
      described.append(
        try KernelCostModel.estimate(workload, on: device, efficiency: factors))
    }
    let test = HoldOut.testIndices(
      classes: measured.map(\.0.calibrationClass),
      sizes: ideals.map { $0.idealMatrixSeconds + $0.idealMemorySeconds })
    let training = measured.indices.filter { !test.contains($0) }.map { i in
      KernelCalibration.Sample(
        calibrationClass: measured[i].0.calibrationClass, ideal: ideals[i],
        measuredSeconds: measured[i].1)
    }
    var calibration = KernelCalibration.fit(
      training,
      source:
        "\(source); fitted on \(training.count) cases, held out \(test.count)"
    )
    var heldOut: [(String, Double)] = []
    cases = []
    for (i, (workload, seconds)) in measured.enumerated() {
      var fitted = ideals[i]
      (fitted.seconds, fitted.limiter) = fitted.seconds(
        with: calibration.efficiency(for: workload.calibrationClass))
      if test.contains(i) {
        heldOut.append(
          (
            workload.calibrationClass,
            (seconds - fitted.seconds) / fitted.seconds
          ))
      }
      cases.append(
        Case(
          workload: workload, measuredSeconds: seconds, ideal: ideals[i],
          descriptor: described[i], fitted: fitted, heldOut: test.contains(i)))
    }
    calibration.setBands(heldOut: heldOut)
    self.calibration = calibration
  }

  /// One line of the summary: a model on a subset of one kernel class.
  public struct SummaryRow: Sendable {
    /// ``descriptorModel`` or ``fittedModel``.
    public var model: String
    /// `all`, `train` or `test`.
    public var subset: String
    /// A kernel class, or `overall`.
    public var kernel: String
    /// The statistics.
    public var residuals: ResidualSummary
  }

  /// Summaries per kernel class and overall: the descriptor model on every
  /// case, the fitted model on its training and its held-out cases.
  public var summaries: [SummaryRow] {
    var rows: [SummaryRow] = []
    let classes = Array(Set(cases.map(\.workload.kind.rawValue))).sorted()
    let plans: [(String, String, (Case) -> Bool, (Case) -> Double)] = [
      (Self.descriptorModel, "all", { _ in true }, { $0.descriptor.seconds }),
      (Self.fittedModel, "train", { !$0.heldOut }, { $0.fitted.seconds }),
      (Self.fittedModel, "test", { $0.heldOut }, { $0.fitted.seconds }),
    ]
    for (model, subset, include, predicted) in plans {
      for kernel in classes + ["overall"] {
        let errors = cases.filter {
          include($0)
            && (kernel == "overall" || $0.workload.kind.rawValue == kernel)
        }.map {
          ResidualSummary.error(
            predicted: predicted($0), measured: $0.measuredSeconds)
        }
        if let summary = ResidualSummary(errors: errors) {
          rows.append(
            SummaryRow(
              model: model, subset: subset, kernel: kernel, residuals: summary))
        }
      }
    }
    return rows
  }
}
