#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Decode attention with split-KV on the simulated memory (flash-decoding,
/// as in Lean Attention's reduction): one query per head against `L`
/// cached keys, the group's `g` query heads sharing each K/V load.
///
/// Each of `s` splits (`⌈L/s⌉` keys, the last shorter) loads the group's
/// queries and streams its keys in blocks of `B_c`; with one split it writes
/// O directly, otherwise it writes a normalised partial O and its
/// log-sum-exp, and a reduction reads the partials back to write O.
public enum InstrumentedDecodeAttention {
  /// Runs one decode step, returning O; traffic accumulates in `memory`.
  ///
  /// - Throws: ``SRAMOverflow`` when the tiles do not fit.
  public static func run(
    _ p: AttentionProblem, q: [Float], k: [Float], v: [Float], splits: Int,
    columnBlock: Int,
    memory: SimulatedMemory
  ) throws -> [Float] {
    precondition(p.queryLength == 1 && splits >= 1 && splits <= p.keyLength)
    let g = p.groupSize
    let d = p.headDim
    let chunk = (p.keyLength + splits - 1) / splits
    let used = (p.keyLength + chunk - 1) / chunk
    var o = [Float](repeating: 0, count: p.queryElements)
    for b in 0..<p.batch {
      for kvHead in 0..<p.kvHeads {
        let group = Group(problem: p, batch: b, kvHead: kvHead)
        var partialO = [Float](repeating: 0, count: used * g * d)
        var partialLSE = [Float](repeating: 0, count: used * g)
        try memory.withTile(g * d) { qt in
          try memory.withTile(g * d) { ot in
            try memory.withTile(columnBlock * d) { kt in
              try memory.withTile(columnBlock * d) { vt in
                try memory.withTile(g * columnBlock) { st in
                  try memory.withTile(2 * g) { stats in
                    let t = InstrumentedFlashAttention.Tiles(
                      q: qt, o: ot, k: kt, v: vt, s: st, stats: stats)
                    for split in 0..<used {
                      for r in 0..<g {
                        memory.load(
                          q, from: group.queryOffset(r), count: d, into: qt,
                          at: r * d)
                        for x in 0..<d { ot.values[r * d + x] = 0 }
                        stats.values[r] = -.infinity
                        stats.values[g + r] = 0
                      }
                      let end = min(p.keyLength, (split + 1) * chunk)
                      var keyStart = split * chunk
                      while keyStart < end {
                        let cols = min(columnBlock, end - keyStart)
                        memory.load(
                          k, from: group.keyOffset(keyStart), count: cols * d,
                          into: kt, at: 0)
                        memory.load(
                          v, from: group.keyOffset(keyStart), count: cols * d,
                          into: vt, at: 0)
                        for r in 0..<g {
                          OnlineSoftmax.accumulate(
                            row: r, position: 0, keyStart: keyStart, cols: cols,
                            problem: p,
                            tiles: t, rowBlock: g, normalizeEachStep: false)
                        }
                        keyStart += cols
                      }
                      for r in 0..<g {
                        let l = stats.values[g + r]
                        for x in 0..<d { ot.values[r * d + x] /= l }
                        if used == 1 {
                          memory.store(
                            ot, at: r * d, count: d, to: &o,
                            from: group.queryOffset(r))
                        } else {
                          memory.store(
                            ot, at: r * d, count: d, to: &partialO,
                            from: (split * g + r) * d)
                          stats.values[r] += logf(l)  // log-sum-exp = m + log ℓ
                        }
                      }
                      if used > 1 {
                        memory.store(
                          stats, at: 0, count: g, to: &partialLSE,
                          from: split * g)
                      }
                    }
                  }
                }
              }
            }
          }
        }
        if used > 1 {
          try reduce(group, partialO, partialLSE, used, &o, memory)
        }
      }
    }
    return o
  }

  /// Combines `splits` partial outputs by their log-sum-exp weights.
  static func reduce(
    _ group: Group, _ partialO: [Float], _ partialLSE: [Float], _ splits: Int,
    _ o: inout [Float], _ memory: SimulatedMemory
  ) throws {
    let g = group.problem.groupSize
    let d = group.problem.headDim
    try memory.withTile(g * d) { acc in
      try memory.withTile(2 * g) { stats in
        try memory.withTile(g * d + g) { part in
          for r in 0..<g {
            stats.values[r] = -.infinity
            stats.values[g + r] = 0
            for x in 0..<d { acc.values[r * d + x] = 0 }
          }
          for split in 0..<splits {
            memory.load(
              partialO, from: split * g * d, count: g * d, into: part, at: 0)
            memory.load(
              partialLSE, from: split * g, count: g, into: part, at: g * d)
            for r in 0..<g {
              let lse = part.values[g * d + r]
              let m = max(stats.values[r], lse)
              let keep =
                stats.values[r] == -.infinity ? 0 : expf(stats.values[r] - m)
              let add = expf(lse - m)
              for x in 0..<d {
                acc.values[r * d + x] =
                  keep * acc.values[r * d + x] + add * part.values[r * d + x]
              }
              stats.values[g + r] = keep * stats.values[g + r] + add
              stats.values[r] = m
            }
          }
          for r in 0..<g {
            for x in 0..<d { acc.values[r * d + x] /= stats.values[g + r] }
            memory.store(
              acc, at: r * d, count: d, to: &o, from: group.queryOffset(r))
          }
        }
      }
    }
  }
}
