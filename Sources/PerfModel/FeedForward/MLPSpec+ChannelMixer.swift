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

/// Its operators in a phase's graph: up (and gate), the engine's kernels
/// between, down.
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
}
