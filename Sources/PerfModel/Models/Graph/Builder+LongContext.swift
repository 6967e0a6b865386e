/// What a graph adds for the long-context techniques of a cache format
/// (``StorageFormat``): eviction's selection pass and page selection's
/// bounds.
extension Builder {
  /// The selection pass of an eviction budget.
  ///
  /// After a prefill whose sequences outgrow the budget, SnapKV's
  /// observation window of the last `w` = 32 queries is scored against
  /// every key of the sequence,
  ///
  ///     FLOPs = 2 · w · keys · d · heads      bytes = a · keys · kv_heads · d
  ///
  /// per sequence (the keys read once, the scores kept on chip); the
  /// pooling and top-k are not counted.
  func evictionScoring(_ at: AttentionSpec, count: Int, label: String)
    -> Operator?
  {
    guard phase == .prefill,
      let budget = scenario.cacheFormat.evictionBudgetTokens,
      scenario.cacheFormat.evictionScored ?? true
    else { return nil }
    let keys = Double(scenario.cachedTokens + scenario.promptTokens)
    guard keys > Double(budget) else { return nil }
    let q = Double(at.queryHeads / tp)
    let kv = Double(Shard.perRank(at.kvHeads, tp) ?? at.kvHeads)
    let d = Double(at.headDim)
    let w = min(32, Double(scenario.promptTokens))
    let batch = Double(scenario.batch)
    var op = Operator(
      name: "\(label) KV selection (SnapKV scoring)", kind: .attention,
      count: count, flops: batch * 2 * w * keys * d * q, dataType: type,
      bytes: batch * a * keys * kv * d)
    op.sequenceScoped = true
    return op
  }

  /// A decode attention operator with Quest's page selection.
  ///
  /// Every page's fp16 bounds are read (2 · 2 · kv_heads · d bytes a
  /// page) and scored against the query (4 · d FLOPs a page and query
  /// head), then the chosen pages' keys and values.
  func pageScored(_ op: Operator, _ at: AttentionSpec) -> Operator {
    let format = scenario.cacheFormat
    guard phase == .decode, format.pageSelectionTokens != nil, at.latent == nil
    else { return op }
    let pageTokens = Double(format.pageTokens ?? 16)
    let pages = (Double(scenario.contextTokens) / pageTokens).rounded(.up)
    let kv = Double(Shard.perRank(at.kvHeads, tp) ?? at.kvHeads)
    let d = Double(at.headDim)
    let q = Double(at.queryHeads / tp)
    let batch = Double(scenario.batch)
    let boundBytes: Double = 4 * kv * d
    // The chosen pages' tokens are read without their bounds' share,
    // which the cache's bytes a token include.
    let chosen = min(
      Double(scenario.contextTokens), Double(format.pageSelectionTokens ?? 0))
    var scored = op
    scored.bytes +=
      batch * pages * boundBytes - batch * chosen * boundBytes / pageTokens
    scored.flops += batch * pages * 4 * d * q
    return scored
  }
}
