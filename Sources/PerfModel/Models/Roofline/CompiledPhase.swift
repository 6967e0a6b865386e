/// A phase graph lowered to affine forms in the batch, so a sweep times
/// many batches of one scenario without rebuilding the graph: the
/// ``KernelPricer``'s prices, derived once.
///
/// Every operator's FLOPs, exponentials, main-memory bytes and collective
/// bytes are affine in the sequences `b` of the pass (tokens, rows and
/// cache reads scale with `b`, weights do not), except routed experts'
/// weights, which follow ``ExpertRouting``'s touched-expert curve in the
/// tokens. Graphs of the same scenario at `b = 1` and `b = 2` fix the
/// affine parts (with the experts' weight term taken out); each operator
/// keeps its class's factors (``KernelEfficiency``) and launches `n`, so
///
///     kernel(b) = n · max(o_c + F(b)/(n·peak·e_m) + X(b)/(n·rate·e_s) + B(b)/(n·bw·e_f),
///                         o_m + B(b)/(n·bw·e_b))
///     time(b)   = kernel(b), or link(b) + overhead where that is longer
///                 (or the operator is a collective alone)
///
/// with the special and stream terms only where the class fitted them,
/// and `link` the faster of the ring and tree lines. A phase launched in
/// a graph sums `count · time(b)`; an eager one issues them through an
/// ``EagerStream``. Operators whose re-reads a cache may serve (prefill
/// attention under an engine profile) are priced by the pricer itself at
/// each batch. ``seconds(batch:)`` equals
/// ``PhasePrediction/predict(_:on:efficiency:calibration:engine:)`` on the
/// graph built at that batch.
public struct CompiledPhase: Sendable {
  /// One operator's lines and its class's factors, folded into seconds
  /// per unit of work of one launch.
  struct Term: Sendable {
    var flops: Line
    var exponentials: Line
    var bytes: Line
    var ring: Line
    var tree: Line
    /// Seconds per FLOP, exponential and byte of one launch, at the
    /// class's efficiencies (`stream` 0 where the class fitted none).
    var perFLOP: Double
    var perExponential: Double
    var perStreamByte: Double
    var perMemoryByte: Double
    var computeOverhead: Double
    var memoryOverhead: Double
    var launches: Double
    var count: Int
    var isKernel: Bool
    var overhead: Double
    var hostSeconds: Double
    /// The class's factors (for operators priced whole).
    var factors: KernelEfficiency
    /// Index into ``routings``, or −1.
    var routing = -1
    /// Index into ``exact``, or −1.
    var exact = -1
  }

  /// `constant + slope · b`.
  struct Line: Sendable {
    var constant = 0.0
    var slope = 0.0

    /// The line through `(1, one)` and `(2, two)`, scaled by `scale`.
    init(one: Double, two: Double, scale: Double = 1) {
      slope = (two - one) * scale
      constant = one * scale - slope
    }

    init() {}

    func at(_ b: Double) -> Double { constant + slope * b }
  }

  let terms: [Term]
  /// Bytes per touched expert, and the routing at `b = 1`.
  let routings: [(bytesPerExpert: Double, routing: ExpertRouting)]
  /// The operators at batches 1 and 2 of those priced exactly.
  let exact: [(one: Operator, two: Operator)]
  let pricer: KernelPricer
  let phase: OperatorGraph.Phase
  let eager: Bool

  /// Lowers the graphs `one` and `two` of one scenario at batches 1 and 2
  /// with `efficiency` alone (no calibration, the minimal profile).
  ///
  /// - Throws: ``PlanError`` when the device lacks an operator's data type.
  public init(
    one: OperatorGraph, two: OperatorGraph, on device: DeviceSpec,
    efficiency e: EfficiencyFactors
  ) throws(PlanError) {
    try self.init(
      one: one, two: two,
      pricer: KernelPricer(
        device: device, efficiency: e, calibration: nil, engine: .minimal))
  }

  /// Lowers the graphs `one` and `two` of one scenario at batches 1 and 2
  /// for `pricer` (its device, factors, calibration and engine).
  ///
  /// - Throws: ``PlanError`` when the device lacks an operator's data type.
  public init(one: OperatorGraph, two: OperatorGraph, pricer: KernelPricer)
    throws(PlanError)
  {
    precondition(
      one.operators.count == two.operators.count,
      "graphs of one scenario at two batches have the same operators")
    let device = pricer.device
    let e = pricer.efficiency
    let mode = pricer.engine.launchMode(one.phase)
    var terms: [Term] = []
    var routings: [(bytesPerExpert: Double, routing: ExpertRouting)] = []
    var exact: [(one: Operator, two: Operator)] = []
    terms.reserveCapacity(one.operators.count)
    let host = mode == .eager ? pricer.hostSeconds(of: one).seconds : []
    for (index, (a, b)) in zip(one.operators, two.operators).enumerated() {
      // Checks the data type and finds the class, as the pricer does.
      _ = try pricer.time(a, in: one.phase)
      let kernelClass = pricer.kernelClass(of: a, in: one.phase)
      let factors =
        kernelClass.flatMap { pricer.calibration?.entries[$0.name]?.efficiency }
        ?? KernelEfficiency(e)
      let peak = device.compute.peakFLOPsPerSecond(a.dataType) ?? 1
      let rate =
        device.compute.specialFunctionsPerSecond
        ?? (device.compute.vectorFLOPsPerSecond[.fp32] ?? peak)
        / KernelCostModel.vectorFLOPsPerExponential
      let n = Double(max(1, a.launches))
      let perByte = 1 / device.mainMemory.bandwidthBytesPerSecond
      var term = Term(
        flops: Line(one: a.flops, two: b.flops),
        exponentials: Line(one: a.exponentials, two: b.exponentials),
        bytes: Line(
          one: a.bytes - (a.routing?.weightBytes ?? 0),
          two: b.bytes - (b.routing?.weightBytes ?? 0)),
        ring: Line(), tree: Line(),
        perFLOP: 1 / (peak * n * factors.matrix),
        perExponential: factors.special.map { 1 / (rate * n * $0) } ?? 0,
        perStreamByte: factors.stream.map { perByte / (n * $0) } ?? 0,
        perMemoryByte: perByte / (n * factors.memory),
        computeOverhead: factors.computeOverheadSeconds,
        memoryOverhead: factors.memoryOverheadSeconds,
        launches: n, count: a.count, isKernel: a.flops > 0 || a.bytes > 0,
        overhead: kernelClass == nil
          ? e.launchSeconds
          : max(factors.computeOverheadSeconds, factors.memoryOverheadSeconds),
        hostSeconds: mode == .eager ? host[index] : 0,
        factors: factors)
      if let r = a.routing {
        term.routing = routings.count
        routings.append((r.weightBytesPerExpert, r))
      }
      if a.reuseBytes > 0 || b.reuseBytes > 0 {
        term.exact = exact.count
        exact.append((a, b))
      }
      if let demand = a.collective, demand.ranks > 1,
        demand.bytes > 0 || (b.collective?.bytes ?? 0) > 0
      {
        let (alpha, bandwidth) = RooflineModel.link(
          demand, on: device, efficiency: e)
        let bytes = Line(one: demand.bytes, two: b.collective?.bytes ?? 0)
        let each = CollectiveModel.terms(
          demand.kind, bytes: 1, ranks: demand.ranks)
        let repeats = Double(demand.repeats)
        func line(_ steps: Double, _ wirePerByte: Double) -> Line {
          var l = Line()
          l.constant =
            repeats * (steps * alpha + wirePerByte * bytes.constant / bandwidth)
          l.slope = repeats * wirePerByte * bytes.slope / bandwidth
          return l
        }
        term.ring = line(each.steps, each.wireBytes)
        term.tree = term.ring
        if demand.kind == .allReduce {
          let tree = CollectiveModel.treeTerms(bytes: 1, ranks: demand.ranks)
          term.tree = line(tree.steps, tree.wireBytes)
        }
      }
      terms.append(term)
    }
    self.terms = terms
    self.routings = routings
    self.exact = exact
    self.pricer = pricer
    self.phase = one.phase
    eager = mode == .eager
  }

  /// Seconds of one instance of `t` at `b` sequences.
  @inline(__always)
  func seconds(_ t: Term, at b: Double) -> Double {
    if t.exact >= 0 { return exactSeconds(t, exact[t.exact], at: b) }
    var kernel = 0.0
    if t.isKernel {
      var bytes = t.bytes.at(b)
      if t.routing >= 0 {
        var r = routings[t.routing]
        r.routing.tokens *= b
        bytes += r.bytesPerExpert * r.routing.touchedExperts
      }
      let compute =
        t.computeOverhead + t.flops.at(b) * t.perFLOP
        + t.exponentials.at(b) * t.perExponential + bytes * t.perStreamByte
      let memory = t.memoryOverhead + bytes * t.perMemoryByte
      kernel = t.launches * max(compute, memory)
    }
    let link = min(t.ring.at(b), t.tree.at(b))
    if !t.isKernel || link + t.overhead > kernel {
      return link + t.overhead
    }
    return kernel
  }

  /// The cost model's time of the operator whose work lines pass through
  /// `pair` at batches 1 and 2, at `b`, with `t`'s factors: the pricer's
  /// arithmetic for work whose re-reads a cache may serve.
  func exactSeconds(
    _ t: Term, _ pair: (one: Operator, two: Operator), at b: Double
  ) -> Double {
    let (one, two) = pair
    let n = t.launches
    let work = KernelWork(
      flops: Line(one: one.flops, two: two.flops).at(b) / n,
      exponentials: Line(one: one.exponentials, two: two.exponentials).at(b)
        / n,
      bytes: Line(one: one.bytes, two: two.bytes).at(b) / n,
      reuseBytes: Line(one: one.reuseBytes, two: two.reuseBytes).at(b) / n,
      reuseWorkingSetBytes: Line(
        one: one.reuseWorkingSetBytes, two: two.reuseWorkingSetBytes
      ).at(b))
    guard
      let estimate = try? KernelCostModel.estimate(
        work, dataType: one.dataType, on: pricer.device,
        efficiency: t.factors)
    else { return .infinity }
    let kernel = n * estimate.seconds
    let link = min(t.ring.at(b), t.tree.at(b))
    return link + t.overhead > kernel ? link + t.overhead : kernel
  }

  /// Seconds of the phase at `batch` sequences.
  public func seconds(batch: Int) -> Double {
    let b = Double(batch)
    guard eager else {
      var total = 0.0
      for t in terms { total += Double(t.count) * seconds(t, at: b) }
      return total
    }
    let times = terms.map { seconds($0, at: b) }
    var stream = EagerStream()
    var index = 0
    while index < terms.count {
      var end = index + 1
      while end < terms.count, terms[end].count == terms[index].count {
        end += 1
      }
      for _ in 0..<terms[index].count {
        for i in index..<end {
          let n = Int(terms[i].launches)
          stream.issue(
            kernels: n, deviceSeconds: times[i] / Double(n),
            hostSeconds: terms[i].hostSeconds)
        }
      }
      index = end
    }
    return stream.deviceEnd
  }
}
