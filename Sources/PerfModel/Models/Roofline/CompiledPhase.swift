/// A phase graph lowered to affine forms in the batch, so a sweep times
/// many batches of one scenario without rebuilding the graph.
///
/// Every operator's FLOPs, main-memory bytes and collective bytes are
/// affine in the sequences `b` of the pass (tokens, rows and cache reads
/// scale with `b`, weights do not), except routed experts' weights, which
/// follow ``ExpertRouting``'s touched-expert curve in the tokens. Graphs of
/// the same scenario at `b = 1` and `b = 2` fix the affine parts (with the
/// experts' weight term taken out), lowered once to seconds:
///
///     count · time(b) = max(C₀ + C₁b, M₀ + M₁b + W·touched(b), min(R₀ + R₁b, T₀ + T₁b))
///                       + count · launch
///
/// with `C` the compute, `M` the memory and `R`, `T` the ring and tree
/// collective lines (one line for collectives other than the all-reduce),
/// each scaled by the operator's count. ``seconds(batch:)`` is then the
/// roofline of ``PhasePrediction/predict(_:on:efficiency:calibration:)`` on
/// the graph built at that batch, at a few operations per operator.
public struct CompiledPhase: Sendable {
  /// One operator's lines, in seconds over all its instances.
  struct Term: Sendable {
    var compute: Line
    var memory: Line
    var ring: Line
    var tree: Line
    /// Seconds per touched expert, and the routing at `b = 1`.
    var routing: (secondsPerExpert: Double, routing: ExpertRouting)?
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
  let launchSeconds: Double

  /// Lowers the graphs `one` and `two` of one scenario at batches 1 and 2.
  ///
  /// - Throws: ``PlanError`` when the device lacks an operator's data type.
  public init(
    one: OperatorGraph, two: OperatorGraph, on device: DeviceSpec,
    efficiency e: EfficiencyFactors
  ) throws(PlanError) {
    precondition(
      one.operators.count == two.operators.count,
      "graphs of one scenario at two batches have the same operators")
    var terms: [Term] = []
    terms.reserveCapacity(one.operators.count)
    var launch = 0.0
    let memoryRate = device.mainMemory.bandwidthBytesPerSecond * e.memory
    for (a, b) in zip(one.operators, two.operators) {
      // Checks the data type once, as the roofline would.
      _ = try RooflineModel.time(a, on: device, efficiency: e)
      let n = Double(a.count)
      launch += n * e.launchSeconds
      let computeRate =
        (device.compute.peakFLOPsPerSecond(a.dataType) ?? 1) * e.compute
      var term = Term(
        compute: Line(one: a.flops, two: b.flops, scale: n / computeRate),
        memory: Line(
          one: a.bytes - (a.routing?.weightBytes ?? 0),
          two: b.bytes - (b.routing?.weightBytes ?? 0), scale: n / memoryRate),
        ring: Line(), tree: Line(), routing: nil)
      if let r = a.routing {
        term.routing = (n * r.weightBytesPerExpert / memoryRate, r)
      }
      if let demand = a.collective, demand.ranks > 1,
        demand.bytes > 0 || (b.collective?.bytes ?? 0) > 0
      {
        let (alpha, bandwidth) = RooflineModel.link(
          demand, on: device, efficiency: e)
        let bytes = Line(one: demand.bytes, two: b.collective?.bytes ?? 0)
        let each = CollectiveModel.terms(
          demand.kind, bytes: 1, ranks: demand.ranks)
        let repeats = n * Double(demand.repeats)
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
    launchSeconds = launch
  }

  /// Seconds of the phase at `batch` sequences.
  public func seconds(batch: Int) -> Double {
    let b = Double(batch)
    var total = launchSeconds
    for t in terms {
      var memory = t.memory.at(b)
      if let (perExpert, routing) = t.routing {
        var r = routing
        r.tokens *= b
        memory += perExpert * r.touchedExperts
      }
      total += max(t.compute.at(b), memory, min(t.ring.at(b), t.tree.at(b)))
    }
    return total
  }
}
