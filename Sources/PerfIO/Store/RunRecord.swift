import PerfModel

/// Everything one validation run stores, written in one transaction.
public struct RunRecord: Sendable {
  /// One measured case with its predictions.
  public struct Case: Sendable {
    /// The measurement.
    public var measured: MeasuredKernel
    /// Whether the case was held out of calibration.
    public var heldOut: Bool
    /// Predictions by model name (`roofline-uncalibrated`, …).
    public var predictions:
      [(model: String, parameters: String, estimate: KernelEstimate)]

    /// Creates a case.
    public init(
      measured: MeasuredKernel, heldOut: Bool,
      predictions: [(
        model: String, parameters: String, estimate: KernelEstimate
      )]
    ) {
      self.measured = measured
      self.heldOut = heldOut
      self.predictions = predictions
    }
  }

  /// One row of the summary table.
  public struct Summary: Sendable {
    /// The model the summary is of.
    public var model: String
    /// `all`, `train` or `test`.
    public var subset: String
    /// A kernel class, or `overall`.
    public var kernel: String
    /// The statistics.
    public var residuals: ResidualSummary

    /// Creates a summary row.
    public init(
      model: String, subset: String, kernel: String, residuals: ResidualSummary
    ) {
      self.model = model
      self.subset = subset
      self.kernel = kernel
      self.residuals = residuals
    }
  }

  /// When the run started and finished (ISO 8601).
  public var startedAt: String
  /// When the run finished.
  public var finishedAt: String
  /// The command line.
  public var command: String
  /// `host` or the measured CSV's path.
  public var source: String
  /// The machine: a name and the descriptor the predictions used.
  public var machineName: String
  /// The descriptor's catalogue name.
  public var descriptorName: String
  /// The descriptor's text.
  public var descriptorYAML: String
  /// The build of the host kernels (`nil` for imported measurements).
  public var build: (isa: String, compiler: String, flags: String)?
  /// The cases.
  public var cases: [Case]
  /// The summary rows.
  public var summaries: [Summary]
  /// Whole-model phases, measured and predicted (`validate --end-to-end`).
  public var phases: [EndToEndResult] = []

  /// Creates a record.
  public init(
    startedAt: String, finishedAt: String, command: String, source: String,
    machineName: String, descriptorName: String, descriptorYAML: String,
    build: (isa: String, compiler: String, flags: String)?, cases: [Case],
    summaries: [Summary]
  ) {
    self.startedAt = startedAt
    self.finishedAt = finishedAt
    self.command = command
    self.source = source
    self.machineName = machineName
    self.descriptorName = descriptorName
    self.descriptorYAML = descriptorYAML
    self.build = build
    self.cases = cases
    self.summaries = summaries
  }

  /// A stable 64-bit FNV-1a hash of `text`, in hex: the descriptor's
  /// version as stored beside each prediction.
  public static func hash(_ text: String) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      h ^= UInt64(byte)
      h = h &* 0x100_0000_01b3
    }
    let digits = String(h, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }
}
