/// The feed-forward blocks of a layer: a dense MLP, and a mixture of
/// experts with its router and the engine's routing kernels.
extension Builder {
  func mlp(_ m: MLPSpec, count: Int, label: String) -> [Operator] {
    let i = Double(m.intermediateSize / tp)
    var ops: [Operator]
    if m.gated && scenario.engine.splitProjections {
      ops = [
        projection("\(label) mlp gate", count: count, input: h, output: i),
        projection("\(label) mlp up", count: count, input: h, output: i),
      ]
    } else {
      ops = [
        projection(
          "\(label) mlp up\(m.gated ? "+gate" : "")", count: count, input: h,
          output: Double(m.matrices - 1) * i)
      ]
    }
    let widths: (EngineProfile.Width) -> Double = { w in
      switch w {
      case .intermediate: i
      case .hidden: self.h
      default: 0
      }
    }
    ops += shortKernels(
      scenario.engine.mlpKernels, count: count, label: label, widths: widths)
    ops.append(
      projection("\(label) mlp down", count: count, input: i, output: h))
    ops += shortKernels(
      scenario.engine.postMLPKernels, count: count, label: label,
      widths: widths)
    return ops
  }

  func experts(_ e: MixtureOfExpertsSpec, count: Int, label: String)
    -> [Operator]
  {
    let n = Double(e.experts)
    let k = Double(e.expertsPerToken)
    let ep = scenario.plan.expertParallel
    // Expert parallelism keeps experts whole, E/ep of them per rank;
    // otherwise every rank holds a 1/tp slice of every expert.
    let i = Double(e.expert.intermediateSize / (ep > 1 ? 1 : tp))
    let perExpert = Double(e.expert.matrices) * h * i
    let owned = n / Double(ep)
    // Tokens (copies) this rank's experts process: all of them on a slice
    // each, or on average 1/ep of the T·k copies.
    let copies = tokens * k / Double(ep)
    let routing = ExpertRouting(
      ownedExperts: owned, experts: n, expertsPerToken: k, tokens: tokens,
      weightBytesPerExpert: weightBytes(perExpert))
    let dispatch = a * tokens / Double(ep) * k * h
    var ops = [
      Operator(
        name: "\(label) router", kind: .router, count: count,
        flops: 2 * tokens * h * n,
        dataType: type, bytes: weightBytes(h * n) + a * tokens * (h + n))
    ]
    if ep > 1 {
      ops.append(
        communication(
          "\(label) expert dispatch (all-to-all)", count: count, .allToAll,
          bytes: dispatch, ranks: ep, stride: 1))
    }
    // Per token: its E router logits, its k routed copies of the hidden
    // state and of an expert's intermediate (on this rank, 1/ep of the
    // tokens' copies).
    let widths: (EngineProfile.Width) -> Double = { w in
      switch w {
      case .experts: n
      case .routedHidden: k / Double(ep) * self.h
      case .routedIntermediate: k / Double(ep) * i
      default: 0
      }
    }
    ops += shortKernels(
      scenario.engine.routingKernels, count: count, label: label,
      widths: widths)
    var expertsOp = Operator(
      name: "\(label) experts (top-\(e.expertsPerToken) of \(e.experts))",
      kind: .experts,
      count: count, flops: 2 * copies * perExpert, dataType: gemmType,
      bytes: routing.weightBytes
        + copies * (gemmType.bytesPerElement * (h + i) + a * h),
      routing: routing)
    expertsOp.backend = scenario.engine.expertsBackend
    // A grouped GEMM per matrix group: gate and up, then down.
    if scenario.engine.expertsBackend == "grouped" { expertsOp.launches = 2 }
    ops.append(expertsOp)
    ops += shortKernels(
      scenario.engine.combineKernels, count: count, label: label,
      widths: widths)
    if ep > 1 {
      ops.append(
        communication(
          "\(label) expert combine (all-to-all)", count: count, .allToAll,
          bytes: dispatch, ranks: ep, stride: 1))
    }
    if let shared = e.sharedExpert, e.sharedExperts > 0 {
      let si = Double(shared.intermediateSize / tp) * Double(e.sharedExperts)
      ops.append(
        projection(
          "\(label) shared experts", count: count, input: h,
          output: Double(shared.matrices) * si
            + (e.sharedExpertGate ? 1 : 0)))
    }
    return ops
  }
}
