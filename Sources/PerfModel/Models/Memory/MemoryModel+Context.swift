extension MemoryModel {
  /// The longest context at which the scenario's per-replica batch fits on
  /// every stage, found by bisection on the (non-decreasing) cache size.
  ///
  /// The search stops at the model's `max_position_embeddings` unless the
  /// scenario lifts it, in which case it stops at 2^40 tokens and reports
  /// the cache as unbounded by context.
  static func longestContext(
    _ model: ModelArchitecture, _ stages: [StageMemory], _ s: MemoryScenario
  ) -> (Int, MemoryEstimate.ContextLimit) {
    let cap = s.allowBeyondModelContext ? 1 << 40 : model.maxContextTokens
    let requests = Double(s.batchPerReplica)
    func fits(_ context: Int) -> Bool {
      stages.allSatisfy { stage in
        let room =
          stage.capacityBytes - stage.reserveBytes - stage.weightBytes
          - stage.workspaceBytes
        let perRequest = model.cacheBytes(
          context: Double(context), layers: stage.firstLayer..<stage.endLayer,
          plan: s.plan, format: s.cacheFormat)
        return requests * perRequest <= room
      }
    }
    if fits(cap) {
      return (cap, s.allowBeyondModelContext ? .unbounded : .model)
    }
    guard fits(1) else { return (0, .memory) }
    var lo = 1  // fits
    var hi = cap  // does not fit
    while hi - lo > 1 {
      let mid = lo + (hi - lo) / 2
      if fits(mid) { lo = mid } else { hi = mid }
    }
    return (lo, .memory)
  }
}
