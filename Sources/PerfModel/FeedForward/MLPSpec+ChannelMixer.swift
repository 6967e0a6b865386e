/// A dense MLP: gated (SwiGLU: gate, up, down) or plain (up, down).
///
///     parameters   matrices · h · i / tp, plus biases (column-parallel
///                  biases split, the output bias replicated)
///     activations  matrices · i / tp
extension MLPSpec: ChannelMixer {
  public var kind: String { "mlp" }

  public var summary: String {
    "\(gated ? "gated " : "")MLP \(intermediateSize)"
  }

  public func parameters(
    hiddenSize: Int, tensorParallel tp: Int, activeOnly: Bool
  ) -> Double {
    parameters(hiddenSize: Double(hiddenSize), tensorParallel: tp)
  }

  /// Parameters of the MLP on one of `tp` ranks.
  func parameters(hiddenSize h: Double, tensorParallel tp: Int) -> Double {
    let i = Double(intermediateSize / tp)
    let weights = Double(matrices) * h * i
    return weights + (bias ? Double(matrices - 1) * i + h : 0)
  }

  /// Its matrices, `count` copies (a mixture's experts), on one rank.
  func linearMatrices(
    hiddenSize h: Double, tensorParallel tp: Int, count: Double
  )
    -> LinearWeights
  {
    var w = LinearWeights()
    let i = Double(intermediateSize / tp)
    w.add(input: h, output: i, count: count * (gated ? 2 : 1))
    w.add(input: i, output: h, count: count)
    return w
  }

  public func linearWeights(hiddenSize: Int, tensorParallel tp: Int)
    -> [WeightQuantization.Module: LinearWeights]
  {
    [
      .mlp: linearMatrices(
        hiddenSize: Double(hiddenSize), tensorParallel: tp, count: 1)
    ]
  }

  public func activationWidth(tensorParallel tp: Int) -> Double {
    Double(matrices * intermediateSize / tp)
  }

  public func checkTensorParallel(_ tp: Int, model: String) throws(PlanError) {
    try Shard.requireEven(intermediateSize, tp, "MLP channels", model: model)
  }
}
