/// A mixture of experts: a router, routed experts (top-k of them run per
/// token), optional always-on shared experts and their gate.
///
///     parameters   router h · E (+ E with a bias, + h with a shared-expert
///                  gate), experts E (or top-k, active only) · the expert
///                  MLP's, shared experts · theirs
///     activations  top-k · the expert's + the shared experts' + E logits
extension MixtureOfExpertsSpec: ChannelMixer {
  public var kind: String { "moe" }

  public var summary: String {
    let shared = sharedExperts > 0 ? " + \(sharedExperts) shared" : ""
    return
      "MoE top-\(expertsPerToken)/\(experts) × \(expert.intermediateSize)\(shared)"
  }

  public func parameters(
    hiddenSize: Int, tensorParallel tp: Int, activeOnly: Bool
  ) -> Double {
    let h = Double(hiddenSize)
    let routed = Double(activeOnly ? expertsPerToken : experts)
    let router =
      h * Double(experts) + (routerBias ? Double(experts) : 0)
      + (sharedExpertGate ? h : 0)
    let shared =
      sharedExpert.map {
        Double(sharedExperts) * $0.parameters(hiddenSize: h, tensorParallel: tp)
      } ?? 0
    return router + routed
      * expert.parameters(hiddenSize: h, tensorParallel: tp)
      + shared
  }

  public func linearWeights(hiddenSize: Int, tensorParallel tp: Int)
    -> [WeightQuantization.Module: LinearWeights]
  {
    let h = Double(hiddenSize)
    var out: [WeightQuantization.Module: LinearWeights] = [
      .experts: expert.linearMatrices(
        hiddenSize: h, tensorParallel: tp, count: Double(experts))
    ]
    var router = LinearWeights()
    router.add(input: h, output: Double(experts))
    out[.router] = router
    if let shared = sharedExpert, sharedExperts > 0 {
      out[.sharedExperts] = shared.linearMatrices(
        hiddenSize: h, tensorParallel: tp, count: Double(sharedExperts))
    }
    return out
  }

  public func activationWidth(tensorParallel tp: Int) -> Double {
    let routed = Double(
      expertsPerToken * expert.matrices * expert.intermediateSize / tp)
    let shared =
      sharedExpert.map {
        Double(sharedExperts * $0.matrices * $0.intermediateSize / tp)
      } ?? 0
    return routed + shared + Double(experts)
  }

  public func checkTensorParallel(_ tp: Int, model: String) throws(PlanError) {
    try Shard.requireEven(
      expert.intermediateSize, tp, "expert MLP channels", model: model)
    if let shared = sharedExpert {
      try Shard.requireEven(
        shared.intermediateSize, tp, "shared-expert MLP channels", model: model)
    }
  }
}

/// Its operators in a phase's graph: the router, the engine's routing
/// kernels, the experts (a grouped GEMM, or one per expert touched), the
/// dispatch and combine all-to-alls under expert parallelism, and the
/// shared experts.
extension Builder {
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
