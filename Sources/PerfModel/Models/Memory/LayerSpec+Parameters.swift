/// Parameter counts per tensor-parallel rank.
///
/// With `tp == 1` these are the layer's full parameter counts. Under tensor
/// parallelism, head- and channel-indexed matrices are split (Megatron-LM,
/// Shoeybi et al. 2019); norms, routers and low-rank down-projections
/// (MLA's `q_a_proj` and `kv_a_proj_with_mqa`, GLA's gate down-projection)
/// are replicated on every rank, as vLLM implements them; KV heads fewer
/// than `tp` are replicated one per rank. Callers check the split first
/// with ``ModelArchitecture/checkTensorParallel(_:)``.
///
/// [Megatron-LM]: https://arxiv.org/abs/1909.08053
extension LayerSpec {
  /// Parameters one tensor-parallel rank holds for this layer.
  public func parameters(hiddenSize h: Int, tensorParallel tp: Int) -> Double {
    mixer.parameters(hiddenSize: h, tensorParallel: tp)
      + feedForward.parameters(
        hiddenSize: h, tensorParallel: tp, activeOnly: false)
      + Double(normParameters)
  }

  /// Parameters a single token reads in this layer (MoE: router, the
  /// top-k routed experts and the shared experts), on one rank.
  public func activeParameters(hiddenSize h: Int, tensorParallel tp: Int)
    -> Double
  {
    mixer.parameters(hiddenSize: h, tensorParallel: tp)
      + feedForward.parameters(
        hiddenSize: h, tensorParallel: tp, activeOnly: true)
      + Double(normParameters)
  }
}

extension FeedForwardSpec {
  /// Parameters of the feed-forward block on one of `tp` ranks; with
  /// `activeOnly`, only what one token reads (its family's count,
  /// `Sources/PerfModel/FeedForward/`).
  public func parameters(
    hiddenSize: Int, tensorParallel tp: Int, activeOnly: Bool
  ) -> Double {
    family?.parameters(
      hiddenSize: hiddenSize, tensorParallel: tp, activeOnly: activeOnly) ?? 0
  }
}
