/// A phase's predicted time, operator by operator.
public struct PhasePrediction: Sendable, Hashable, Codable {
  /// The graph predicted.
  public var graph: OperatorGraph
  /// Each operator's device time, in graph order.
  public var times: [OperatorTime]
  /// How the phase's kernels are launched.
  public var launchMode: KernelWorkload.LaunchMode = .graph
  /// Host seconds to issue one kernel of each operator when launched
  /// eagerly, in graph order (empty for graph launches).
  public var hostSecondsPerLaunch: [Double] = []
  /// Calibration classes the phase's kernels have no fitted entry for:
  /// they are priced at the descriptor's default factors.
  public var uncalibratedClasses: [String] = []

  /// Creates a prediction from times already computed.
  public init(
    graph: OperatorGraph, times: [OperatorTime],
    launchMode: KernelWorkload.LaunchMode = .graph,
    hostSecondsPerLaunch: [Double] = [], uncalibratedClasses: [String] = []
  ) {
    precondition(graph.operators.count == times.count)
    precondition(
      hostSecondsPerLaunch.isEmpty
        || hostSecondsPerLaunch.count == times.count)
    self.graph = graph
    self.times = times
    self.launchMode = launchMode
    self.hostSecondsPerLaunch = hostSecondsPerLaunch
    self.uncalibratedClasses = uncalibratedClasses
  }

  /// Seconds of the whole phase.
  ///
  /// Graph launches: every operator instance in sequence, each its device
  /// time. Eager launches: the host issues each kernel in `h` seconds and
  /// the device runs them in order, a kernel starting once issued and once
  /// the one before it ends, layer by layer (``EagerStream``); a phase of
  /// short kernels is bound by the host.
  public var seconds: Double {
    guard launchMode == .eager, !hostSecondsPerLaunch.isEmpty else {
      return zip(graph.operators, times).reduce(0) {
        $0 + Double($1.0.count) * $1.1.seconds
      }
    }
    var stream = EagerStream()
    var index = 0
    let ops = graph.operators
    while index < ops.count {
      // A run of consecutive operators of one count is one group of
      // identical layers: issued layer after layer.
      var end = index + 1
      while end < ops.count, ops[end].count == ops[index].count { end += 1 }
      for _ in 0..<ops[index].count {
        for i in index..<end {
          let n = max(1, ops[i].launches)
          stream.issue(
            kernels: n, deviceSeconds: times[i].seconds / Double(n),
            hostSeconds: hostSecondsPerLaunch[i])
        }
      }
      index = end
    }
    return stream.deviceEnd
  }

  /// Kernels the phase launches.
  public var kernelLaunches: Int {
    graph.operators.reduce(0) { $0 + $1.count * max(1, $1.launches) }
  }

  /// Predicts `graph` on `device`: each operator priced by
  /// ``KernelPricer``, with `calibration`'s entry for its class where
  /// fitted and `efficiency` elsewhere; an eager phase's host issue
  /// seconds times `hostScale` (the host's speed relative to its
  /// calibration, when measured).
  ///
  /// - Throws: ``PlanError`` when the device lacks an operator's data type.
  public static func predict(
    _ graph: OperatorGraph, on device: DeviceSpec,
    efficiency: EfficiencyFactors, calibration: KernelCalibration? = nil,
    engine: EngineProfile = .minimal, hostScale: Double = 1
  ) throws(PlanError) -> PhasePrediction {
    var pricer = KernelPricer(
      device: device, efficiency: efficiency, calibration: calibration,
      engine: engine)
    pricer.hostScale = hostScale
    var times: [OperatorTime] = []
    var missing = Set<String>()
    for op in graph.operators {
      let priced = try pricer.time(op, in: graph.phase)
      times.append(priced.time)
      if let name = priced.uncalibrated { missing.insert(name) }
    }
    let mode = engine.launchMode(graph.phase)
    var host: [Double] = []
    if mode == .eager {
      let issue = pricer.hostSeconds(of: graph)
      host = issue.seconds
      missing.formUnion(issue.missing.map { "host-issue/\($0)" })
    }
    return PhasePrediction(
      graph: graph, times: times, launchMode: mode,
      hostSecondsPerLaunch: host, uncalibratedClasses: missing.sorted())
  }
}

/// One eager stream: the host issues kernels one after another, the
/// device runs each once it is issued and its predecessor has ended.
///
/// For `n` kernels of `g` device seconds each issued at `h` host seconds
/// each, from host time `c` and device time `d`:
///
///     end = max(d + n·g, c + h + n·g, c + n·h + g)
///
/// (the `k`-th kernel starts at `max(c + k·h, end of k − 1)`; the maximum
/// over which kernel last waited for the host is at the first or the last).
public struct EagerStream: Sendable, Hashable {
  /// Host seconds spent issuing so far.
  public var hostEnd = 0.0
  /// When the last issued kernel ends on the device.
  public var deviceEnd = 0.0

  /// An empty stream.
  public init() {}

  /// Issues `kernels` kernels of `deviceSeconds` each at `hostSeconds`
  /// each.
  public mutating func issue(
    kernels n: Int, deviceSeconds g: Double, hostSeconds h: Double
  ) {
    guard n > 0 else { return }
    let count = Double(n)
    deviceEnd = max(
      deviceEnd + count * g, hostEnd + h + count * g, hostEnd + count * h + g)
    hostEnd += count * h
  }
}
