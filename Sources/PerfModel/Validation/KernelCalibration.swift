/// Efficiency factors fitted per calibration class, with the error band
/// their held-out residuals showed.
///
/// Fitting: a class's training cases are split by the limiter the ideal
/// roofline assigns, a case within a factor of two of the ridge going to
/// both groups (either term may bind once fitted). Compute-bound cases fit
/// `t = o_c + a·matrix + b·special + f·stream`, memory-bound ones
/// `t = o_m + c·memory`, each by non-negative least squares on relative
/// error; then `e_matrix = 1/a`, `e_special = 1/b`, `e_stream = 1/f`
/// (each absent when zero), `e_memory = 1/c`. A group with fewer cases
/// than its features, or whose fit zeroes `a` (or `c`), makes `e_matrix`
/// exceed 1, or gives an overhead over 1.25× its cheapest call (one up to
/// that is held at the cheapest call), drops the last
/// term (stream, then special), then the overhead, then tries the terms
/// again without it; a group with no case keeps the uncalibrated
/// efficiencies and takes the other group's overhead (a call's fixed cost
/// is the class's, whichever term binds).
public struct KernelCalibration: Sendable, Hashable, Codable {
  /// One class's fitted factors.
  public struct Entry: Sendable, Hashable, Codable {
    /// The factors.
    public var efficiency: KernelEfficiency
    /// The held-out error band, when test cases of the class existed.
    public var band: ErrorBand?
    /// Training cases the factors came from.
    public var trainingCases: Int

    /// Creates an entry.
    public init(
      efficiency: KernelEfficiency, band: ErrorBand?, trainingCases: Int
    ) {
      self.efficiency = efficiency
      self.band = band
      self.trainingCases = trainingCases
    }
  }

  /// One measured case: the ideal estimate and the measured seconds.
  public struct Sample: Sendable, Hashable {
    /// The calibration class (``KernelWorkload/calibrationClass``).
    public var calibrationClass: String
    /// The estimate at efficiency 1 and no overhead.
    public var ideal: KernelEstimate
    /// The measured median seconds.
    public var measuredSeconds: Double

    /// Creates a sample.
    public init(
      calibrationClass: String, ideal: KernelEstimate, measuredSeconds: Double
    ) {
      self.calibrationClass = calibrationClass
      self.ideal = ideal
      self.measuredSeconds = measuredSeconds
    }
  }

  /// Factors per calibration class.
  public var entries: [String: Entry]
  /// Host issue costs of eager passes, by ``HostIssue/key(profile:layerKind:phase:)``.
  public var hostIssue: [String: HostIssue]
  /// Where the factors came from (command, date, cases, held-out error).
  public var source: String

  /// Creates a calibration.
  public init(
    entries: [String: Entry], hostIssue: [String: HostIssue] = [:],
    source: String
  ) {
    self.entries = entries
    self.hostIssue = hostIssue
    self.source = source
  }

  /// The host issue entry of `profile`'s eager passes of `layerKind`
  /// layers in `phase`, if fitted.
  public func hostIssue(
    profile: String, layerKind: String, phase: OperatorGraph.Phase
  ) -> HostIssue? {
    hostIssue[
      HostIssue.key(profile: profile, layerKind: layerKind, phase: phase)]
  }

  /// The host's speed relative to this calibration: `probeSeconds`, a
  /// host-bound pass of a model narrowed as `tools/measure_host.py`
  /// narrows it (`layers` layers of `layerKind`, `profile`'s eager
  /// `phase`), over what the fitted entry gives that pass; `nil` without
  /// the entry or when it gives no time.
  public func hostScale(
    probeSeconds: Double, layers: Int, profile: String, layerKind: String,
    phase: OperatorGraph.Phase
  ) -> Double? {
    guard
      let entry = hostIssue(
        profile: profile, layerKind: layerKind, phase: phase)
    else { return nil }
    let calibrated = entry.seconds(layers: layers)
    return calibrated > 0 ? probeSeconds / calibrated : nil
  }

  /// The factors for `calibrationClass`, or the uncalibrated ones.
  public func efficiency(for calibrationClass: String) -> KernelEfficiency {
    entries[calibrationClass]?.efficiency ?? .uncalibrated
  }

  /// Fits factors per class on `training`.
  public static func fit(_ training: [Sample], source: String)
    -> KernelCalibration
  {
    var entries: [String: Entry] = [:]
    for (name, cases) in Dictionary(grouping: training, by: \.calibrationClass)
    {
      var e = KernelEfficiency.uncalibrated
      // An overhead is a fixed cost per call: no fit may make it longer
      // than the cheapest call the class measured.
      let cheapest = cases.map(\.measuredSeconds).min() ?? 0
      // Within a factor of two of the ridge either term may bind once the
      // efficiencies scale them (host decode: 0.3 of the FMA peak, 0.9 of
      // DRAM), so such a case informs both fits.
      let compute = cases.filter {
        2 * $0.ideal.idealComputeSeconds >= $0.ideal.idealMemorySeconds
      }
      let memory = cases.filter {
        2 * $0.ideal.idealMemorySeconds >= $0.ideal.idealComputeSeconds
      }
      let computeFit = fitGroup(
        compute,
        terms: [
          \.idealMatrixSeconds, \.idealSpecialSeconds, \.idealStreamSeconds,
        ],
        overheadAtMost: cheapest, firstAtLeast: 1)
      if let c = computeFit {
        e.computeOverheadSeconds = c[0]
        if c[1] > 0 { e.matrix = 1 / c[1] }
        e.special = c[2] > 0 ? 1 / c[2] : nil
        e.stream = c[3] > 0 ? 1 / c[3] : nil
      }
      let memoryFit = fitGroup(
        memory, terms: [\.idealMemorySeconds], overheadAtMost: cheapest
      ).flatMap { $0[1] > 0 ? $0 : nil }
      if let c = memoryFit {
        e.memoryOverheadSeconds = c[0]
        e.memory = 1 / c[1]
      }
      // A call's fixed cost is the class's, whichever term binds: a class
      // measured on one side only (streaming copies, decode attention)
      // pays its measured overhead on the other too, not the default's
      // 4 µs (which made a 1 µs graph-launched copy cost 4).
      if computeFit == nil, let c = memoryFit {
        e.computeOverheadSeconds = c[0]
      } else if memoryFit == nil, let c = computeFit {
        e.memoryOverheadSeconds = c[0]
      }
      entries[name] = Entry(
        efficiency: e, band: nil, trainingCases: cases.count)
    }
    return KernelCalibration(entries: entries, source: source)
  }

  /// Coefficients `[overhead, term…]`, trying fewer features when the
  /// cases cannot determine them all, when they give an overhead above
  /// `overheadAtMost` (the class's cheapest measured call), or a first
  /// coefficient below `firstAtLeast` (1 for the matrix term: an
  /// efficiency above the peak is not a speed but terms traded against
  /// each other; with the stream term, H100 cuDNN attention fitted 1.19).
  static func fitGroup(
    _ cases: [Sample], terms: [KeyPath<KernelEstimate, Double>],
    overheadAtMost: Double = .infinity, firstAtLeast: Double = 0
  ) -> [Double]? {
    guard !cases.isEmpty else { return nil }
    let targets = cases.map(\.measuredSeconds)
    let full = cases.map { s in [1] + terms.map { s.ideal[keyPath: $0] } }
    // Most features first, dropping terms from the last (the overhead
    // and the first term alone: a line through two sizes); then the same
    // without the overhead.
    let masks: [[Bool]] = [true, false].flatMap { overhead in
      stride(from: terms.count, through: 1, by: -1).map { kept in
        [overhead] + terms.indices.map { $0 < kept }
      }
    }
    for mask in masks where mask.filter({ $0 }).count <= cases.count {
      let rows = full.map { row in row.enumerated().map { mask[$0] ? $1 : 0 } }
      // The first term (matrix, or memory) cannot be switched off in the
      // prediction, so a fit that zeroes it (collinear terms: attention's
      // exponentials grow with its FLOPs) is refused for the next mask.
      // An overhead above `overheadAtMost` (two noisy sizes extrapolated
      // to a large intercept: 3.2 ms for a 0.87 ms call) is refused too.
      // An intercept up to a quarter above the cheapest call is that
      // call's noise (a graph-launched 4 KiB copy: 1.05 µs measured, 1.1
      // fitted) and is kept, at the cheapest call.
      if var c = LeastSquares.fitRelative(features: rows, targets: targets),
        c[1] > 0, c[1] >= firstAtLeast, c[0] <= overheadAtMost * 1.25
      {
        c[0] = min(c[0], overheadAtMost)
        return c
      }
    }
    return nil
  }

  /// Sets each class's band from held-out `(class, signed error)` pairs,
  /// where the error is `(measured − predicted) / predicted`.
  public mutating func setBands(heldOut: [(String, Double)]) {
    for (name, pairs) in Dictionary(grouping: heldOut, by: \.0) {
      guard var entry = entries[name],
        let band = ErrorBand(heldOut: pairs.map(\.1))
      else { continue }
      entry.band = band
      entries[name] = entry
    }
  }
}

/// The disjoint training and test subsets of a validation.
public enum HoldOut {
  /// Indices of the held-out (test) cases: within each class, ordered by
  /// `sizes`, every third case starting from the second, so the test
  /// shapes lie between training shapes and no shape is in both.
  public static func testIndices(classes: [String], sizes: [Double])
    -> Set<Int>
  {
    precondition(classes.count == sizes.count)
    var test = Set<Int>()
    for indices in Dictionary(grouping: classes.indices, by: { classes[$0] })
      .values
    {
      let ordered = indices.sorted { (sizes[$0], $0) < (sizes[$1], $1) }
      for (rank, index) in ordered.enumerated() where rank % 3 == 1 {
        test.insert(index)
      }
    }
    return test
  }
}
