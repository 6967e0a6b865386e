extension FlashAttentionKernel {
  /// A row block (`B_r`) that keeps `threads` evenly busy on `p`.
  ///
  /// The kernel's work items are (sequence, head, row block), claimed
  /// dynamically, last row blocks first. When the items do not divide
  /// among the threads, the last thread to finish sets the time: at
  /// N = 2048 a 192-row block gives 11 blocks per head, split 6 to 5 over
  /// two threads (at best 1.88× one thread; measured 1.82×), where a
  /// 128-row block gives 16 (measured 1.92×; one thread is as fast with
  /// either, 83 GFLOP/s at d = 128).
  ///
  /// Each candidate is scored by replaying the claim order, an item's cost
  /// being the query–key pairs it computes (the keys visible to each of its
  /// rows), onto the least-loaded thread. The first candidate whose
  /// threads would be at least `balance` busy is returned; when none is,
  /// the best balanced one. Candidates larger than the query length are
  /// skipped; when all are, the query length is the block.
  ///
  /// - Parameters:
  ///   - p: the problem.
  ///   - threads: worker threads.
  ///   - candidates: row blocks to consider, preferred first. 128 leads:
  ///     on one thread it measured as fast as 192 (within 2% at N = 2048 to
  ///     8192, d = 64 and 128), and under a causal mask its diagonal blocks
  ///     mask fewer computed pairs (N = 2048, d = 64: 74 against 68 GFLOP/s).
  ///   - balance: the busy fraction (total work over threads × the
  ///     longest thread's work) a candidate must reach.
  /// - Returns: the row block, at least 1 and at most the query length.
  public static func balancedRowBlock(
    _ p: AttentionProblem, threads: Int,
    candidates: [Int] = [128, 192, 96], balance: Double = 0.97
  ) -> Int {
    let fitting = candidates.filter { $0 >= 1 && $0 <= p.queryLength }
    guard let first = fitting.first else { return max(1, p.queryLength) }
    guard threads > 1 else { return first }
    var best = (block: first, busy: -1.0)
    for block in fitting {
      let busy = busyFraction(p, rowBlock: block, threads: threads)
      if busy >= balance { return block }
      if busy > best.busy { best = (block, busy) }
    }
    return best.block
  }

  /// Total work over `threads` × the longest thread's work, replaying the
  /// kernel's claim order (see ``balancedRowBlock(_:threads:candidates:balance:)``).
  static func busyFraction(
    _ p: AttentionProblem, rowBlock: Int, threads: Int
  ) -> Double {
    let blocks = (p.queryLength + rowBlock - 1) / rowBlock
    let offset = p.keyLength - p.queryLength
    // Query–key pairs of each row block: under the mask, row r sees keys
    // 0...r + offset.
    let cost = (0..<blocks).map { b in
      let rows = (b * rowBlock)..<min(p.queryLength, (b + 1) * rowBlock)
      guard p.causal else { return Double(rows.count * p.keyLength) }
      return rows.reduce(0.0) { sum, r in
        sum + Double(min(p.keyLength, max(0, r + offset + 1)))
      }
    }
    var load = [Double](repeating: 0, count: max(1, threads))
    for b in stride(from: blocks - 1, through: 0, by: -1) {
      for _ in 0..<(p.batch * p.heads) {
        let idle = load.indices.min { load[$0] < load[$1] } ?? 0
        load[idle] += cost[b]
      }
    }
    let total = load.reduce(0, +)
    let longest = load.max() ?? 0
    return longest > 0 ? total / (Double(load.count) * longest) : 1
  }
}
