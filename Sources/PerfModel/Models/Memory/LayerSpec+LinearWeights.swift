/// A layer's linear weights by module kind, on one tensor-parallel rank:
/// what a quantized checkpoint stores quantized (``WeightQuantization``).
/// Everything else in ``LayerSpec/parameters(hiddenSize:tensorParallel:)``
/// (norms, biases, convolutions, per-channel SSM vectors) stays in the
/// checkpoint's dtype.
///
/// Projections are counted as transformers' Llama-style modules hold
/// them: q, k and v apart, gate and up apart (a checkpoint that fuses them
/// has fewer, wider matrices: the same parameters and groups, fewer
/// per-row and per-tensor terms). Sharded as
/// ``MixerSpec/parameters(hiddenSize:tensorParallel:)`` shards.
extension LayerSpec {
  /// The layer's linear weights by module kind.
  public func linearWeights(hiddenSize: Int, tensorParallel tp: Int)
    -> [WeightQuantization.Module: LinearWeights]
  {
    let h = Double(hiddenSize)
    var out: [WeightQuantization.Module: LinearWeights] = [:]
    // Attention's projections are their own module kind; a recurrent
    // mixer's are `.mixer`.
    let kind: WeightQuantization.Module =
      mixer.family.kind == "attention" ? .attention : .mixer
    out[kind] = mixer.family.linearWeights(
      hiddenSize: hiddenSize, tensorParallel: tp)
    func mlp(_ m: MLPSpec, count: Double) -> LinearWeights {
      var w = LinearWeights()
      let i = Double(m.intermediateSize / tp)
      w.add(input: h, output: i, count: count * (m.gated ? 2 : 1))
      w.add(input: i, output: h, count: count)
      return w
    }
    switch feedForward {
    case .none: break
    case .dense(let m): out[.mlp] = mlp(m, count: 1)
    case .moe(let e):
      out[.experts] = mlp(e.expert, count: Double(e.experts))
      var router = LinearWeights()
      router.add(input: h, output: Double(e.experts))
      out[.router] = router
      if let shared = e.sharedExpert, e.sharedExperts > 0 {
        out[.sharedExperts] = mlp(shared, count: Double(e.sharedExperts))
      }
    }
    return out
  }
}
