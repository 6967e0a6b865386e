/// One (batch, KV head) instance of an attention problem, with its query
/// heads packed as rows.
struct Group {
  let problem: AttentionProblem
  let batch: Int
  let kvHead: Int

  /// Packed rows: `g · N_q`.
  var rows: Int { problem.groupSize * problem.queryLength }

  /// Query position of packed row `r`.
  func position(_ r: Int) -> Int { r / problem.groupSize }

  /// Offset of packed row `r` in Q (and O).
  func queryOffset(_ r: Int) -> Int {
    let g = problem.groupSize
    return problem.queryOffset(batch, head: kvHead * g + r % g, position: r / g)
  }

  /// Offset of key `position` of this KV head in K (and V).
  func keyOffset(_ position: Int) -> Int {
    problem.keyOffset(batch, kvHead: kvHead, position: position)
  }

  /// The first key block of `columnBlock` keys that rows `[start, …)`
  /// see under a sliding window (0 without one).
  func firstBlock(_ start: Int, _ columnBlock: Int) -> Int {
    guard problem.causal, let w = problem.window else { return 0 }
    let n = problem.keyLength
    let first = max(0, position(start) + n - problem.queryLength - w + 1)
    return first / columnBlock
  }

  /// Keys in the whole key blocks of `columnBlock` that rows
  /// `[start, start + count)` must visit.
  func loadedKeys(_ start: Int, _ count: Int, _ columnBlock: Int) -> Int {
    let n = problem.keyLength
    guard problem.causal else { return n }
    let lastPosition = position(start + count - 1)
    let visible = max(0, min(n, lastPosition + n - problem.queryLength + 1))
    return min(n, (visible + columnBlock - 1) / columnBlock * columnBlock)
  }
}
