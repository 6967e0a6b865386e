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

  /// Whether the prefill's attention runs block-sparse: a density below 1
  /// on a plain causal attention (not chunked, no context parallelism).
  func sparsePrefill(_ at: AttentionSpec) -> Double? {
    guard phase == .prefill, let rho = scenario.attentionDensity, rho < 1,
      at.latent == nil, at.chunkSize == nil, cp == 1
    else { return nil }
    return rho
  }

  /// A prefill attention operator at the scenario's block density: its
  /// FlashAttention-2 traffic less what the skipped key blocks would have
  /// moved (``BlockSparseAttentionIO`` at the best dense tiling), its
  /// FLOPs and exponentials in proportion to the keys visited.
  func blockSparse(_ op: Operator, _ at: AttentionSpec) -> Operator {
    guard let rho = sparsePrefill(at) else { return op }
    let shape = AttentionShape(
      batch: scenario.batch, heads: at.queryHeads / tp,
      kvHeads: Shard.perRank(at.kvHeads, tp) ?? at.kvHeads,
      queryLength: scenario.promptTokens,
      keyLength: scenario.cachedTokens + scenario.promptTokens,
      headDim: at.headDim, causal: true, elementBytes: max(1, Int(a)))
    guard
      let best = try? FlashAttentionIO.bestTiling(
        shape, sramBytes: scenario.sramBytes, order: .queryOuter,
        exhaustive: false)
    else { return op }
    let dense = FlashAttentionIO.traffic(
      shape, tiling: best.tiling, order: .queryOuter)
    let sparse = BlockSparseAttentionIO.traffic(
      shape, tiling: best.tiling, density: rho)
    let queries =
      Double(shape.instances * shape.elementBytes)
      * Double(shape.packedRows * shape.headDim)
    let ratio = (sparse.readBytes - queries) / max(dense.readBytes - queries, 1)
    let saved = dense.totalBytes - sparse.totalBytes
    var out = op
    out.bytes -= saved
    out.reuseBytes = max(0, out.reuseBytes - saved)
    out.flops *= ratio
    out.exponentials *= ratio
    return out
  }

  /// The block-selection pass of a block-sparse prefill.
  ///
  /// MInference's estimate scores the last 64 queries against every key,
  ///
  ///     FLOPs = 2 · 64 · keys · d · heads      bytes = a · keys · kv_heads · d
  ///
  /// per sequence.
  func blockSelection(_ at: AttentionSpec, count: Int, label: String)
    -> Operator?
  {
    guard sparsePrefill(at) != nil else { return nil }
    let keys = Double(scenario.cachedTokens + scenario.promptTokens)
    let q = Double(at.queryHeads / tp)
    let kv = Double(Shard.perRank(at.kvHeads, tp) ?? at.kvHeads)
    let d = Double(at.headDim)
    let w = min(64, Double(scenario.promptTokens))
    let batch = Double(scenario.batch)
    var op = Operator(
      name: "\(label) block selection (MInference estimate)", kind: .attention,
      count: count, flops: batch * 2 * w * keys * d * q, dataType: type,
      bytes: batch * a * keys * kv * d)
    op.sequenceScoped = true
    return op
  }
}
