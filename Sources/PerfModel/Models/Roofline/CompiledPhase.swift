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
  /// One operator's lines and factors.
  struct Term: Sendable {
    var flops: Line
    var exponentials: Line
    var bytes: Line
    var ring: Line
    var tree: Line
    /// Seconds per FLOP, exponential and byte at the device's peaks.
    var perFLOP: Double
    var perExponential: Double
    var perByte: Double
    var factors: KernelEfficiency
    var launches: Double
    var count: Int
    var isKernel: Bool
    var overhead: Double
    var hostSeconds: Double
    /// Bytes per touched expert, and the routing at `b = 1`.
    var routing: (bytesPerExpert: Double, routing: ExpertRouting)?
    /// The operators at batches 1 and 2, for those priced exactly.
    var exact: (one: Operator, two: Operator)?
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
    terms.reserveCapacity(one.operators.count)
    for (a, b) in zip(one.operators, two.operators) {
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
      var term = Term(
        flops: Line(one: a.flops, two: b.flops),
        exponentials: Line(one: a.exponentials, two: b.exponentials),
        bytes: Line(
          one: a.bytes - (a.routing?.weightBytes ?? 0),
          two: b.bytes - (b.routing?.weightBytes ?? 0)),
        ring: Line(), tree: Line(), perFLOP: 1 / peak,
        perExponential: 1 / rate,
        perByte: 1 / device.mainMemory.bandwidthBytesPerSecond,
        factors: factors, launches: Double(max(1, a.launches)),
        count: a.count, isKernel: a.flops > 0 || a.bytes > 0,
        overhead: kernelClass == nil
          ? e.launchSeconds
          : max(factors.computeOverheadSeconds, factors.memoryOverheadSeconds),
        hostSeconds: mode == .eager
          ? pricer.hostSecondsPerLaunch(a, in: one.phase) : 0,
        routing: nil, exact: nil)
      if let r = a.routing {
        term.routing = (r.weightBytesPerExpert, r)
      }
      if a.reuseBytes > 0 || b.reuseBytes > 0 {
        term.exact = (a, b)
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
    self.pricer = pricer
    self.phase = one.phase
    eager = mode == .eager
  }

  /// Seconds of one instance of `t` at `b` sequences.
  func seconds(_ t: Term, at b: Double) -> Double {
    if let (one, two) = t.exact {
      // Work lines through the two built operators, priced whole.
      var op = one
      op.flops = Line(one: one.flops, two: two.flops).at(b)
      op.exponentials = Line(one: one.exponentials, two: two.exponentials)
        .at(b)
      op.bytes = Line(one: one.bytes, two: two.bytes).at(b)
      op.reuseBytes = Line(one: one.reuseBytes, two: two.reuseBytes).at(b)
      op.reuseWorkingSetBytes = Line(
        one: one.reuseWorkingSetBytes, two: two.reuseWorkingSetBytes
      ).at(b)
      if var demand = one.collective {
        demand.bytes = Line(
          one: demand.bytes, two: two.collective?.bytes ?? 0
        ).at(b)
        op.collective = demand
      }
      return (try? pricer.time(op, in: phase).time.seconds) ?? .infinity
    }
    var kernel = 0.0
    if t.isKernel {
      var bytes = t.bytes.at(b)
      if let (perExpert, routing) = t.routing {
        var r = routing
        r.tokens *= b
        bytes += perExpert * r.touchedExperts
      }
      let n = t.launches
      let e = t.factors
      let memoryIdeal = bytes / n * t.perByte
      var compute =
        e.computeOverheadSeconds + t.flops.at(b) / n * t.perFLOP / e.matrix
      if let s = e.special {
        compute += t.exponentials.at(b) / n * t.perExponential / s
      }
      if let f = e.stream { compute += memoryIdeal / f }
      let memory = e.memoryOverheadSeconds + memoryIdeal / e.memory
      kernel = n * max(compute, memory)
    }
    let link = min(t.ring.at(b), t.tree.at(b))
    if !t.isKernel || link + t.overhead > kernel {
      return link + t.overhead
    }
    return kernel
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
