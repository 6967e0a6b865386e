import PerfModel

/// One timed kernel from a measured-kernel CSV (or the host executor).
public struct MeasuredKernel: Sendable, Hashable {
  /// What ran, in the model's terms.
  public var workload: KernelWorkload
  /// The implementation (`cublas`, `flash`, `cudnn`, `host`, …).
  public var backend: String
  /// The machine it ran on, as the file names it.
  public var device: String
  /// Timed repetitions.
  public var repetitions: Int
  /// Median seconds of one call.
  public var medianSeconds: Double
  /// Fastest seconds of one call.
  public var minSeconds: Double
  /// The 1-based CSV record it came from (the header is record 1); 0 for
  /// the host executor.
  public var row: Int

  /// Creates a measurement.
  public init(
    workload: KernelWorkload, backend: String, device: String,
    repetitions: Int, medianSeconds: Double, minSeconds: Double, row: Int = 0
  ) {
    self.workload = workload
    self.backend = backend
    self.device = device
    self.repetitions = repetitions
    self.medianSeconds = medianSeconds
    self.minSeconds = minSeconds
    self.row = row
  }
}

/// A measured-kernel CSV that cannot be used: the file, record and column,
/// and the fix.
public struct MeasuredCSVError: Error, Sendable, Hashable,
  CustomStringConvertible
{
  /// The file.
  public var path: String
  /// The 1-based record (1 is the header), or `nil` for the whole file.
  public var row: Int?
  /// The column at fault, if one is.
  public var column: String?
  /// What is wrong and how to fix it.
  public var message: String

  public var description: String {
    var location = path
    if let row { location += ": row \(row)" }
    if let column { location += ": column \(column)" }
    return "\(location): \(message)"
  }
}
