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
    var out: [WeightQuantization.Module: LinearWeights] = [:]
    // Attention's projections are their own module kind; a recurrent
    // mixer's are `.mixer`.
    let kind: WeightQuantization.Module =
      mixer.family.kind == "attention" ? .attention : .mixer
    out[kind] = mixer.family.linearWeights(
      hiddenSize: hiddenSize, tensorParallel: tp)
    for (module, weights) in feedForward.family?.linearWeights(
      hiddenSize: hiddenSize, tensorParallel: tp) ?? [:]
    {
      out[module] = weights
    }
    return out
  }
}
