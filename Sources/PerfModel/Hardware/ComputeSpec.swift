/// The arithmetic a device can do: peaks per data type, for its matrix
/// units (tensor cores, MFMA, MXU, MME) and its vector units apart.
///
/// Peaks are *dense* FLOP/s (or OP/s for integer types); structured-sparsity
/// figures are never quoted as peaks.
public struct ComputeSpec: Sendable, Hashable, Codable {
  /// The clock the published peaks are computed at, in hertz.
  public var clockHertz: Double
  /// The number of compute units (SMs, CUs, cores, TensorCores).
  public var unitCount: Int
  /// What a unit is called on this device (`SM`, `CU`, `core`, …).
  public var unitName: String
  /// Dense matrix-unit peaks, FLOP/s per data type.
  public var matrixFLOPsPerSecond: [DataType: Double]
  /// Vector-unit (CUDA core, SIMD) peaks, FLOP/s per data type.
  public var vectorFLOPsPerSecond: [DataType: Double]
  /// Transcendental evaluations (exp, for softmax) per second on the
  /// special-function units, or `nil` where exp runs on the vector units.
  public var specialFunctionsPerSecond: Double?

  /// Creates a compute description.
  public init(
    clockHertz: Double, unitCount: Int, unitName: String,
    matrixFLOPsPerSecond: [DataType: Double],
    vectorFLOPsPerSecond: [DataType: Double],
    specialFunctionsPerSecond: Double? = nil
  ) {
    self.specialFunctionsPerSecond = specialFunctionsPerSecond
    self.clockHertz = clockHertz
    self.unitCount = unitCount
    self.unitName = unitName
    self.matrixFLOPsPerSecond = matrixFLOPsPerSecond
    self.vectorFLOPsPerSecond = vectorFLOPsPerSecond
  }

  /// The best peak for `dataType` on either kind of unit, or `nil` when the
  /// device has no path for it.
  public func peakFLOPsPerSecond(_ dataType: DataType) -> Double? {
    switch (matrixFLOPsPerSecond[dataType], vectorFLOPsPerSecond[dataType]) {
    case (let m?, let v?): max(m, v)
    case (let m?, nil): m
    case (nil, let v?): v
    case (nil, nil): nil
    }
  }
}
