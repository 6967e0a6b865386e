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
