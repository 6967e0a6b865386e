/// One measured collective: which, over how many bytes and ranks.
public struct CollectiveWorkload: Sendable, Hashable {
  /// The collective.
  public var kind: CollectiveModel.Kind
  /// Bytes as nccl-tests counts them (``CollectiveModel``).
  public var bytes: Double
  /// Ranks (GPUs) taking part.
  public var ranks: Int
  /// The library (`nccl`, `gloo`).
  public var backend: String

  /// Creates a workload.
  public init(
    kind: CollectiveModel.Kind, bytes: Double, ranks: Int, backend: String
  ) {
    self.kind = kind
    self.bytes = bytes
    self.ranks = ranks
    self.backend = backend
  }

  /// `all-reduce/nccl/8r`: each collective, library and rank count is
  /// fitted apart.
  public var calibrationClass: String {
    "\(kind.rawValue)/\(backend)/\(ranks)r"
  }
}

/// Per-class α and bandwidth fraction of collectives, fitted on a training
/// subset of message sizes and checked on the held-out rest.
///
/// Fitting: `t = a + c · wire / B` by the kernel calibration's non-negative
/// least squares (``KernelCalibration``) on
/// relative error over a class's training sizes, where `wire` is the bytes
/// one rank sends (``CollectiveModel/terms(_:bytes:ranks:)``) and `B` the
/// link's per-direction bandwidth; then `α = a / steps` and the bandwidth
/// fraction `e = 1 / c`.
public struct CollectiveCalibration: Sendable, Hashable {
  /// One class's fit.
  public struct Entry: Sendable, Hashable {
    /// Seconds per latency step.
    public var alphaSeconds: Double
    /// Fraction of the link bandwidth reached.
    public var bandwidthFraction: Double
    /// Training sizes behind the fit.
    public var trainingCases: Int
  }

  /// Fits per class.
  public var entries: [String: Entry]

  /// Fits `training` (workload, measured seconds) on `link`.
  public static func fit(
    _ training: [(CollectiveWorkload, Double)], link: LinkSpec
  ) -> CollectiveCalibration {
    var entries: [String: Entry] = [:]
    let b = link.bandwidthBytesPerSecondPerDirection
    for (name, cases) in Dictionary(
      grouping: training, by: \.0.calibrationClass)
    {
      // The kernel fit with one term: the wire time at the full link.
      let samples = cases.map { w, seconds in
        let wire = CollectiveModel.terms(w.kind, bytes: w.bytes, ranks: w.ranks)
          .wireBytes
        return KernelCalibration.Sample(
          calibrationClass: name,
          ideal: KernelEstimate(
            seconds: wire / b, limiter: .link, flops: 0, exponentials: 0,
            bytes: wire, memoryLevel: link.name, idealMatrixSeconds: 0,
            idealSpecialSeconds: 0, idealMemorySeconds: wire / b),
          measuredSeconds: seconds)
      }
      guard
        let c = KernelCalibration.fitGroup(
          samples, terms: [\.idealMemorySeconds])
      else { continue }
      let w = cases[0].0
      let steps = CollectiveModel.terms(w.kind, bytes: w.bytes, ranks: w.ranks)
        .steps
      entries[name] = Entry(
        alphaSeconds: steps > 0 ? c[0] / steps : 0,
        bandwidthFraction: 1 / c[1], trainingCases: cases.count)
    }
    return CollectiveCalibration(entries: entries)
  }

  /// Seconds of `w` on `link` with the class's fit, or `nil` when the class
  /// was not fitted.
  public func seconds(_ w: CollectiveWorkload, link: LinkSpec) -> Double? {
    guard let e = entries[w.calibrationClass] else { return nil }
    return CollectiveModel.seconds(
      w.kind, bytes: w.bytes, ranks: w.ranks, alpha: e.alphaSeconds,
      bandwidth: link.bandwidthBytesPerSecondPerDirection * e.bandwidthFraction)
  }
}

/// Measured collectives against the α-β model: with the descriptor's link
/// (bandwidth, latency) at the default link efficiency, and with α and β
/// fitted per class on two thirds of the sizes.
public struct CollectiveValidation: Sendable {
  /// One measured collective and its predictions.
  public struct Case: Sendable {
    /// What ran.
    public var workload: CollectiveWorkload
    /// Measured median seconds.
    public var measuredSeconds: Double
    /// From the descriptor.
    public var descriptorSeconds: Double
    /// From the fit, when the class had training sizes.
    public var fittedSeconds: Double?
    /// Whether the size was held out of the fit.
    public var heldOut: Bool
  }

  /// The cases, in input order.
  public var cases: [Case]
  /// The fit.
  public var calibration: CollectiveCalibration
  /// The link predicted.
  public var link: LinkSpec

  /// Validates `measured` on `device`'s scale-up link.
  ///
  /// - Throws: ``PlanError`` when the device has no scale-up link.
  public init(
    _ measured: [(CollectiveWorkload, Double)], on device: DeviceSpec,
    efficiency: EfficiencyFactors = .defaults
  ) throws(PlanError) {
    guard let link = device.interconnect.scaleUp else {
      throw PlanError(
        .devices,
        "\(device.name) lists no scale-up link (interconnect.scale_up); measure collectives on a device that has one"
      )
    }
    self.link = link
    let test = HoldOut.testIndices(
      classes: measured.map(\.0.calibrationClass),
      sizes: measured.map(\.0.bytes))
    let calibration = CollectiveCalibration.fit(
      measured.indices.filter { !test.contains($0) }.map { measured[$0] },
      link: link)
    self.calibration = calibration
    cases = measured.enumerated().map { i, m in
      Case(
        workload: m.0, measuredSeconds: m.1,
        descriptorSeconds: CollectiveModel.seconds(
          m.0.kind, bytes: m.0.bytes, ranks: m.0.ranks, on: link,
          efficiency: efficiency),
        fittedSeconds: calibration.seconds(m.0, link: link),
        heldOut: test.contains(i))
    }
  }

  /// Summaries per collective and overall of the descriptor model (all
  /// sizes) and the fitted model (train and held-out sizes), over messages
  /// of at least `minimumBytes`.
  public func summaries(minimumBytes: Double) -> [KernelValidation.SummaryRow] {
    var rows: [KernelValidation.SummaryRow] = []
    let kinds = CollectiveModel.Kind.allCases.map(\.rawValue).filter { k in
      cases.contains { $0.workload.kind.rawValue == k }
    }
    let plans: [(String, String, (Case) -> Double?)] = [
      (KernelValidation.descriptorModel, "all", { $0.descriptorSeconds }),
      (
        KernelValidation.fittedModel, "train",
        { $0.heldOut ? nil : $0.fittedSeconds }
      ),
      (
        KernelValidation.fittedModel, "test",
        { $0.heldOut ? $0.fittedSeconds : nil }
      ),
    ]
    for (model, subset, predicted) in plans {
      for kind in kinds + ["overall"] {
        let errors = cases.filter {
          $0.workload.bytes >= minimumBytes
            && (kind == "overall" || $0.workload.kind.rawValue == kind)
        }.compactMap { c in
          predicted(c).map {
            ResidualSummary.error(predicted: $0, measured: c.measuredSeconds)
          }
        }
        if let s = ResidualSummary(errors: errors) {
          rows.append(
            KernelValidation.SummaryRow(
              model: model, subset: subset, kernel: kind, residuals: s))
        }
      }
    }
    return rows
  }
}
