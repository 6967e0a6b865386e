extension ModelArchitecture {
  /// Checks that every layer can be split over `tp` tensor-parallel ranks.
  ///
  /// Query heads, MLP and expert widths, SSM heads and linear-attention
  /// heads must divide evenly; KV heads (and Mamba-2 B/C groups) may
  /// instead divide `tp`, in which case they are replicated.
  ///
  /// - Throws: ``PlanError`` naming the first quantity `tp` cannot split,
  ///   with the degrees that would work.
  public func checkTensorParallel(_ tp: Int) throws(PlanError) {
    guard tp > 0 else {
      throw PlanError(
        .tensorParallel, "tensor-parallel degree must be at least 1, got \(tp)")
    }
    for group in layerGroups {
      try group.layer.checkTensorParallel(tp, model: name)
    }
  }

  /// Checks every degree of `plan` against the model: tensor and pipeline
  /// parallelism as ``checkTensorParallel(_:)`` and
  /// ``checkPipelineParallel(_:)``; context parallelism only over attention
  /// layers (a recurrent state cannot be split by position), with Ulysses
  /// needing the query heads of a rank to split `cp` ways; expert
  /// parallelism 1 or the tensor-parallel degree, on a mixture-of-experts
  /// model whose experts it divides.
  ///
  /// - Throws: ``PlanError`` naming the degree at fault and what would work.
  public func checkPlan(_ plan: ParallelPlan) throws(PlanError) {
    try checkTensorParallel(plan.tensorParallel)
    try checkPipelineParallel(plan.pipelineParallel)
    let tp = plan.tensorParallel
    let cp = plan.contextParallel
    for group in layerGroups {
      if cp > 1 {
        guard case .attention(let a) = group.layer.mixer else {
          throw PlanError(
            .contextParallel,
            "context parallelism splits attention by position, but \(name) has recurrent (state-space or linear-attention) layers; use --cp 1"
          )
        }
        if plan.contextStrategy == .ulysses, (a.queryHeads / tp) % cp != 0 {
          throw PlanError(
            .contextParallel,
            "Ulysses needs the \(a.queryHeads / tp) query heads of a tensor-parallel rank to split over --cp \(cp); use a divisor of \(a.queryHeads / tp), or the ring strategy"
          )
        }
        let kv = Shard.perRank(a.kvHeads, tp) ?? a.kvHeads
        if plan.contextStrategy == .ulysses, a.latent == nil,
          kv % cp != 0 && cp % kv != 0
        {
          throw PlanError(
            .contextParallel,
            "Ulysses splits (or replicates) the \(kv) KV heads of a tensor-parallel rank over --cp \(cp), which neither divides nor is a multiple of them; use the ring strategy"
          )
        }
      }
      if plan.expertParallel > 1 {
        guard case .moe(let e) = group.layer.feedForward else { continue }
        guard e.experts % plan.expertParallel == 0 else {
          throw PlanError(
            .expertParallel,
            "expert-parallel degree \(plan.expertParallel) does not divide the \(e.experts) experts of \(name); use one of \(Shard.divisors(e.experts).filter { $0 <= tp }.map(String.init).joined(separator: ", "))"
          )
        }
      }
    }
    if plan.expertParallel > 1 {
      guard plan.expertParallel == tp else {
        throw PlanError(
          .expertParallel,
          "expert parallelism runs over the tensor-parallel group: --ep must be 1 or equal --tp (\(tp)), got \(plan.expertParallel)"
        )
      }
      let moe = layerGroups.contains {
        if case .moe = $0.layer.feedForward {
          return true
        } else {
          return false
        }
      }
      guard moe else {
        throw PlanError(
          .expertParallel,
          "\(name) has no mixture-of-experts layers to split; use --ep 1")
      }
    }
  }

  /// Checks that `pp` pipeline stages each get at least one layer.
  ///
  /// - Throws: ``PlanError`` when `pp` is below 1 or above the layer count.
  public func checkPipelineParallel(_ pp: Int) throws(PlanError) {
    guard pp >= 1, pp <= layerCount else {
      throw PlanError(
        .pipelineParallel,
        "pipeline-parallel degree \(pp) must be between 1 and the \(layerCount) layers of \(name)"
      )
    }
  }

  /// The layer range `[start, end)` of pipeline stage `stage` out of `pp`:
  /// layers split as evenly as possible, earlier stages taking the extra.
  public func stageLayers(_ stage: Int, of pp: Int) -> Range<Int> {
    let base = layerCount / pp
    let extra = layerCount % pp
    let start = stage * base + min(stage, extra)
    let end = start + base + (stage < extra ? 1 : 0)
    return start..<end
  }
}

extension LayerSpec {
  func checkTensorParallel(_ tp: Int, model: String) throws(PlanError) {
    try mixer.family.checkTensorParallel(tp, model: model)
    try feedForward.family?.checkTensorParallel(tp, model: model)
  }
}
