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
    func even(_ count: Int, _ what: String) throws(PlanError) {
      guard Shard.evenly(count, tp) != nil else {
        throw PlanError(
          .tensorParallel,
          "tensor-parallel degree \(tp) does not divide the \(count) \(what) of \(model); use one of \(Shard.divisors(count).map(String.init).joined(separator: ", "))"
        )
      }
    }
    switch mixer {
    case .attention(let a):
      try even(a.queryHeads, "query heads")
      if a.latent == nil, Shard.perRank(a.kvHeads, tp) == nil {
        throw PlanError(
          .tensorParallel,
          "tensor-parallel degree \(tp) does not divide the \(a.kvHeads) KV heads of \(model), nor do they divide it; use a divisor of \(a.kvHeads) (\(Shard.divisors(a.kvHeads).map(String.init).joined(separator: ", "))) or a multiple of it that divides the \(a.queryHeads) query heads"
        )
      }
    case .stateSpace(let s):
      if s.version == 1 {
        try even(s.innerSize, "SSM inner channels")
      } else {
        try even(s.heads, "SSM heads")
        guard Shard.perRank(s.groups, tp) != nil else {
          throw PlanError(
            .tensorParallel,
            "tensor-parallel degree \(tp) does not divide the \(s.groups) SSM groups of \(model), nor do they divide it"
          )
        }
      }
    case .linearAttention(let l):
      try even(l.heads, "linear-attention heads")
    }
    switch feedForward {
    case .dense(let m): try even(m.intermediateSize, "MLP channels")
    case .moe(let e):
      try even(e.expert.intermediateSize, "expert MLP channels")
      if let shared = e.sharedExpert {
        try even(shared.intermediateSize, "shared-expert MLP channels")
      }
    case .none: break
    }
  }
}
