/// Prices the operators of a serving graph with the kernel cost model that
/// `validate` fits: the one pricer of every prediction.
///
/// Each operator is lowered to its kernel class (``KernelCalibration/kernelClass(of:in:)``,
/// with the engine's GEMM and attention implementations and `copy` for
/// streaming kernels) and to its counted work (FLOPs, exponentials, bytes,
/// re-read bytes), then priced by ``KernelCostModel`` with the class's
/// fitted ``KernelEfficiency`` where the descriptor has one, else with
/// the default factors (and the class is reported as uncalibrated):
///
///     kernel = KernelCostModel(work / launches) · launches
///     time   = max(kernel, link + overhead)     (a collective overlaps the kernel)
///
/// A device time is a graph launch's: eager launches add the host's issue
/// time per kernel in ``PhasePrediction/seconds`` (``EagerStream``), the
/// cheapest eager-launched copy the calibration measured
/// (`elementwise/copy/eager`'s overhead), or the default launch cost.
public struct KernelPricer: Sendable {
  /// The device.
  public var device: DeviceSpec
  /// Default factors, for classes with no fitted entry and for links.
  public var efficiency: EfficiencyFactors
  /// Fitted entries by class.
  public var calibration: KernelCalibration?
  /// The engine (its implementations name the classes).
  public var engine: EngineProfile
  /// A factor on every host issue second (1: the host as calibrated).
  public var hostScale = 1.0

  /// Creates a pricer.
  public init(
    device: DeviceSpec, efficiency: EfficiencyFactors,
    calibration: KernelCalibration?, engine: EngineProfile
  ) {
    self.device = device
    self.efficiency = efficiency
    self.calibration = calibration
    self.engine = engine
  }

  /// The class of `op` in `phase`; `nil` for a collective alone.
  public func kernelClass(of op: Operator, in phase: OperatorGraph.Phase)
    -> KernelClass?
  {
    Self.kernelClass(of: op, in: phase, engine: engine)
  }

  /// The class of `op` in `phase` under `engine`'s implementations.
  public static func kernelClass(
    of op: Operator, in phase: OperatorGraph.Phase, engine: EngineProfile
  ) -> KernelClass? {
    guard
      let kind = KernelCalibration.kernelClass(
        of: op.kind, in: op.kernelPhase ?? phase)
    else { return nil }
    let backend: String? =
      switch kind {
      case .gemm:
        op.kind == .experts ? engine.expertsBackend : engine.gemmBackend
      case .flashAttention, .decodeAttention: engine.attentionBackend
      case .elementwise: op.backend ?? "copy"
      default: nil
      }
    return KernelClass(kind, backend: backend)
  }

  /// Host seconds to issue one kernel eagerly: the fixed cost its class
  /// measured in eager launches (`gemm/cublas/eager`), else an eager
  /// copy's, else the default launch cost.
  public func hostSecondsPerLaunch(
    _ op: Operator? = nil, in phase: OperatorGraph.Phase = .decode
  ) -> Double {
    let copy = KernelClass(.elementwise, backend: "copy")
    for graphClass in [op.flatMap { kernelClass(of: $0, in: phase) }, copy] {
      guard var eager = graphClass else { continue }
      eager.launchMode = .eager
      if let e = calibration?.entries[eager.name]?.efficiency {
        return max(e.memoryOverheadSeconds, e.computeOverheadSeconds)
      }
    }
    return efficiency.launchSeconds
  }

  /// Host seconds to issue one kernel of each operator of `graph`
  /// eagerly, in graph order, and the host-issue key it found no entry
  /// for, if any.
  ///
  /// With a ``HostIssue`` entry for the engine, the layer's kind and the
  /// phase, a layer's ``HostIssue/layerSeconds`` are spread evenly over
  /// the kernels of one layer of its group, and the pass's seconds (of
  /// the first layer group's entry) over the kernels outside the layers.
  /// A layer kind without an entry keeps ``hostSecondsPerLaunch(_:in:)``
  /// per kernel, and its key is returned.
  public func hostSeconds(of graph: OperatorGraph) -> (
    seconds: [Double], missing: [String]
  ) {
    let ops = graph.operators
    var seconds = ops.map { hostSecondsPerLaunch($0, in: graph.phase) }
    var missing = Set<String>()
    var kernelsPerLayer: [Int: Int] = [:]
    var passKernels = 0
    for op in ops {
      let n = max(1, op.launches)
      if let layer = op.layer {
        kernelsPerLayer[layer.group, default: 0] += n
      } else {
        passKernels += n
      }
    }
    func entry(_ kind: String) -> HostIssue? {
      guard
        let found = calibration?.hostIssue(
          profile: engine.name, layerKind: kind, phase: graph.phase)
      else {
        missing.insert(
          HostIssue.key(
            profile: engine.name, layerKind: kind, phase: graph.phase))
        return nil
      }
      return found
    }
    let firstKind = ops.lazy.compactMap(\.layer).first?.kind
    let pass = firstKind.flatMap(entry)
    for (i, op) in ops.enumerated() {
      if let layer = op.layer {
        if let e = entry(layer.kind), let k = kernelsPerLayer[layer.group] {
          seconds[i] = e.layerSeconds / Double(k)
        }
      } else if let pass, passKernels > 0 {
        seconds[i] = pass.passSeconds / Double(passKernels)
      }
    }
    return (seconds.map { $0 * hostScale }, missing.sorted())
  }

  /// The time of one instance of `op`, and the class it found no fitted
  /// entry for, if any.
  ///
  /// - Throws: ``PlanError`` when the device lacks the operator's data
  ///   type.
  public func time(_ op: Operator, in phase: OperatorGraph.Phase)
    throws(PlanError) -> (time: OperatorTime, uncalibrated: String?)
  {
    let kernelClass = kernelClass(of: op, in: phase)
    var missing: String?
    var factors = KernelEfficiency(efficiency)
    if let kernelClass {
      if let entry = calibration?.entries[kernelClass.name] {
        factors = entry.efficiency
      } else {
        missing = kernelClass.name
      }
    }
    let n = Double(max(1, op.launches))
    let work = KernelWork(
      flops: op.flops / n, exponentials: op.exponentials / n,
      bytes: op.bytes / n, reuseBytes: op.reuseBytes / n,
      reuseWorkingSetBytes: op.reuseWorkingSetBytes)
    // A step that only communicates launches no kernel of its own.
    let isKernel = op.flops > 0 || op.bytes > 0
    var compute = 0.0
    var memory = 0.0
    var kernel = 0.0
    var limiter = Limiter.launch
    if isKernel {
      let units = Double(max(1, device.compute.unitCount))
      let estimate = try KernelCostModel.estimate(
        work, dataType: op.dataType,
        unitShare: op.threadBlocks.map { min(1, Double($0) / units) },
        on: device, efficiency: factors)
      kernel = estimate.seconds * n
      compute =
        n
        * (estimate.idealMatrixSeconds / factors.matrix
          + (factors.special.map { estimate.idealSpecialSeconds / $0 } ?? 0))
      memory = n * estimate.idealMemorySeconds / factors.memory
      limiter = estimate.limiter
    }
    let link =
      op.collective.map {
        RooflineModel.linkSeconds($0, on: device, efficiency: efficiency)
      } ?? 0
    let overhead =
      kernelClass == nil
      ? efficiency.launchSeconds
      : max(factors.computeOverheadSeconds, factors.memoryOverheadSeconds)
    // The kernel's estimate already holds its overhead; a collective it
    // overlaps (or one alone) pays the overhead once on top of the link.
    var seconds = kernel
    if !isKernel || link + overhead > kernel {
      seconds = link + overhead
      limiter = overhead > link ? .launch : .link
    }
    return (
      OperatorTime(
        seconds: seconds, computeSeconds: compute, memorySeconds: memory,
        linkSeconds: link, limiter: limiter),
      missing
    )
  }
}
