/// A parallel hybrid (Falcon-H1): attention and Mamba-2 side by side.
///
///     parameters   both branches'
///     KV cache     the attention branch's, per token
///     state        the Mamba branch's, per request
///     activations  both branches' at once
///
/// Each branch splits over tensor-parallel ranks as it does alone; their
/// outputs are summed before the one all-reduce.
extension ParallelMixerSpec: AttentionWithStateSpace {
  public var familyTags: [String] {
    attention.familyTags + stateSpace.familyTags + ["parallel hybrid"]
  }

  public var kind: String { "attention+ssm" }

  public var summary: String { attention.summary + " ∥ " + stateSpace.summary }

  public func checkTensorParallel(_ tp: Int, model: String) throws(PlanError) {
    try attention.checkTensorParallel(tp, model: model)
    try stateSpace.checkTensorParallel(tp, model: model)
  }

  public func parameters(hiddenSize: Int, tensorParallel tp: Int) -> Double {
    attention.parameters(hiddenSize: hiddenSize, tensorParallel: tp)
      + stateSpace.parameters(hiddenSize: hiddenSize, tensorParallel: tp)
  }

  public func linearWeights(hiddenSize: Int, tensorParallel tp: Int)
    -> LinearWeights
  {
    var w = attention.linearWeights(hiddenSize: hiddenSize, tensorParallel: tp)
    w.add(stateSpace.linearWeights(hiddenSize: hiddenSize, tensorParallel: tp))
    return w
  }
}
