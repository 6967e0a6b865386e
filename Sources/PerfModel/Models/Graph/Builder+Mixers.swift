extension Builder {
  func mixer(_ mixer: MixerSpec, count: Int, label: String) -> [Operator] {
    switch mixer {
    case .attention(let attention):
      return self.attention(attention, count: count, label: label)
    case .stateSpace(let ssm):
      return stateSpace(ssm, count: count, label: label)
    case .linearAttention(let linear):
      return self.linear(linear, count: count, label: label)
    case .gatedDeltaNet(let g):
      return deltaNet(g, count: count, label: label)
    case .parallel(let p):
      return self.attention(p.attention, count: count, label: label)
        + stateSpace(p.stateSpace, count: count, label: label)
    case .sharedBlock(let z):
      return sharedBlock(z, count: count, label: label)
    case .noMixer:
      return []
    }
  }

  /// Query-key pairs one sequence's attention visits over all
  /// context-parallel ranks: causal prefill of the pass's `n` tokens after
  /// `P` cached ones (row `i` sees `P + i` keys), or one query over the
  /// context; both capped by a window.
  func pairs(_ at: AttentionSpec) -> Double {
    let all = uncappedPairs(at)
    // Decoding reads at most an eviction budget's keys, or the pages a
    // query-aware selection picks.
    let format = scenario.cacheFormat
    guard phase == .decode,
      let budget = format.evictionBudgetTokens ?? format.pageSelectionTokens
    else { return all }
    // DuoAttention: only its streaming heads are held to the budget.
    let evicted =
      format.evictionBudgetTokens == nil ? 1 : format.evictedHeadFraction ?? 1
    return (1 - evicted) * all + evicted * min(all, Double(budget))
  }

  /// ``pairs(_:)`` before any eviction budget.
  func uncappedPairs(_ at: AttentionSpec) -> Double {
    guard let c = at.chunkSize.map(Double.init) else {
      return pairs(window: at.slidingWindow)
    }
    // Position p sees (p mod C) + 1 keys; over positions [0, m) that sums
    // to ⌊m/C⌋·C(C+1)/2 + r(r+1)/2 with r = m mod C.
    func seen(_ m: Double) -> Double {
      let r = m.truncatingRemainder(dividingBy: c)
      return (m - r) / c * c * (c + 1) / 2 + r * (r + 1) / 2
    }
    if phase == .decode {
      let context = Double(scenario.contextTokens)
      return min(context, (context - 1).truncatingRemainder(dividingBy: c) + 1)
    }
    let p = Double(scenario.cachedTokens)
    return seen(p + Double(scenario.promptTokens)) - seen(p)
  }

  /// Pairs with at most a `window` of keys per query.
  func pairs(window: Int?) -> Double {
    let w = Double(window ?? Int.max)
    if phase == .decode { return min(Double(scenario.contextTokens), w) }
    let n = Double(scenario.promptTokens)
    let p = Double(scenario.cachedTokens)
    // Rows below the window see P + i keys; the rest see w each.
    let k = max(0, min(n, w - p))
    return k * p + k * (k + 1) / 2 + (n - k) * w
  }

  /// The context-parallel group's layout: `cp` ranks a tensor-parallel
  /// group apart.
  var contextCrossesNodes: Bool {
    scenario.crossesNodes(ranks: cp, stride: tp)
  }

  /// Ulysses' all-to-alls around attention: Q, K and V of this rank's
  /// tokens to a head split, and the output back (not overlapped).
  func ulysses(
    _ label: String, count: Int, input: Double, output: Double
  ) -> (before: Operator, after: Operator) {
    (
      communication(
        "\(label) Ulysses all-to-all (Q, K, V)", count: count, .allToAll,
        bytes: a * tokens * input, ranks: cp, stride: tp),
      communication(
        "\(label) Ulysses all-to-all (O)", count: count, .allToAll,
        bytes: a * tokens * output, ranks: cp, stride: tp)
    )
  }

  /// Ring attention's key/value passes: `cp − 1` hand-offs of this rank's
  /// block of `bytesPerToken` keys, overlapped with its attention.
  func ringPasses(bytesPerToken: Double) -> CollectiveDemand? {
    guard cp > 1, scenario.plan.contextStrategy == .ring else { return nil }
    let keys =
      Double(scenario.batch)
      * Double(scenario.cachedTokens + scenario.promptTokens) / Double(cp)
    return CollectiveDemand(
      .sendRecv, bytes: keys * bytesPerToken, ranks: 2, repeats: cp - 1,
      crossesNodes: contextCrossesNodes)
  }

  /// Context-parallel decode's merge: each rank's partial output and
  /// log-sum-exp per query head, fp32, all-gathered.
  func decodeMerge(_ label: String, count: Int, heads: Double, width: Double)
    -> Operator?
  {
    guard cp > 1, phase == .decode else { return nil }
    return communication(
      "\(label) attention merge (context-parallel)", count: count, .allGather,
      bytes: Double(cp) * Double(scenario.batch) * heads * (width + 1) * 4,
      ranks: cp, stride: tp)
  }
}
