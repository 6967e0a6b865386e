/// FlashAttention forward on the simulated memory, in both loop orders,
/// with GQA heads packed as rows (row `r` of a KV head's group is position
/// `r / g` of query head `r mod g`).
///
/// SRAM per tile set: Q and O tiles of `B_r·d`, K and V tiles of `B_c·d`,
/// S of `B_r·B_c`, and `m`, `ℓ` of `B_r` each. Per-row temporaries of one
/// block (its max and sum) are scalars in registers.
public enum InstrumentedFlashAttention {
  /// Which loop is outermost.
  public enum LoopOrder: Sendable, Hashable {
    /// FlashAttention-1 (Dao et al. 2022, Alg. 1): K/V outer; O, ℓ, m live
    /// in slow memory and are reloaded for each K/V block.
    case kvOuter
    /// FlashAttention-2 (Dao 2023): Q outer; O stays in SRAM.
    case queryOuter
  }

  /// Runs attention, returning O; traffic accumulates in `memory`.
  ///
  /// - Throws: ``SRAMOverflow`` when the tiles do not fit.
  public static func run(
    _ p: AttentionProblem, q: [Float], k: [Float], v: [Float], rowBlock: Int,
    columnBlock: Int, order: LoopOrder, memory: SimulatedMemory
  ) throws -> [Float] {
    var o = [Float](repeating: 0, count: p.queryElements)
    try forEachGroup(
      p, rowBlock: rowBlock, columnBlock: columnBlock, memory: memory
    ) { group, tiles in
      switch order {
      case .queryOuter:
        queryOuter(group, q, k, v, &o, rowBlock, columnBlock, tiles, memory)
      case .kvOuter:
        kvOuter(group, q, k, v, &o, rowBlock, columnBlock, tiles, memory)
      }
    }
    return o
  }

  /// Holds one tile set in SRAM (Q and O of `B_r·d`, K and V of
  /// `B_c·d`, S of `B_r·B_c`, `m` and `ℓ` of `B_r`) and calls `body` for
  /// each (batch, KV head) of `p` with it.
  ///
  /// - Throws: ``SRAMOverflow`` when the tiles do not fit.
  static func forEachGroup(
    _ p: AttentionProblem, rowBlock: Int, columnBlock: Int,
    memory: SimulatedMemory, _ body: (Group, Tiles) -> Void
  ) throws {
    let d = p.headDim
    try memory.withTile(rowBlock * d) { qt in
      try memory.withTile(rowBlock * d) { ot in
        try memory.withTile(columnBlock * d) { kt in
          try memory.withTile(columnBlock * d) { vt in
            try memory.withTile(rowBlock * columnBlock) { st in
              try memory.withTile(2 * rowBlock) { stats in
                let tiles = Tiles(
                  q: qt, o: ot, k: kt, v: vt, s: st, stats: stats)
                for b in 0..<p.batch {
                  for kvHead in 0..<p.kvHeads {
                    body(Group(problem: p, batch: b, kvHead: kvHead), tiles)
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  struct Tiles {
    let q: SRAMTile
    let o: SRAMTile
    let k: SRAMTile
    let v: SRAMTile
    let s: SRAMTile
    let stats: SRAMTile
  }

  /// FlashAttention-2's loops for one (batch, KV head).
  ///
  /// Each row block visits the key blocks `visit` picks of the `b` it sees
  /// (all of them unless given: a block-sparse mask picks fewer), from the
  /// first its sliding window reaches. FlashAttention-1's loops below mask
  /// the window but load every causal block.
  static func queryOuter(
    _ g: Group, _ q: [Float], _ k: [Float], _ v: [Float], _ o: inout [Float],
    _ rowBlock: Int, _ columnBlock: Int, _ t: Tiles, _ memory: SimulatedMemory,
    visit: (_ b: Int) -> [Int] = { Array(0..<$0) }
  ) {
    let d = g.problem.headDim
    var rowStart = 0
    while rowStart < g.rows {
      let rows = min(rowBlock, g.rows - rowStart)
      for r in 0..<rows {
        memory.load(
          q, from: g.queryOffset(rowStart + r), count: d, into: t.q, at: r * d)
        for x in 0..<d { t.o.values[r * d + x] = 0 }
        t.stats.values[r] = -.infinity
        t.stats.values[rowBlock + r] = 0
      }
      let keys = g.loadedKeys(rowStart, rows, columnBlock)
      // A sliding window skips the blocks before its first key.
      let skip = g.firstBlock(rowStart, columnBlock)
      for block in visit((keys + columnBlock - 1) / columnBlock)
      where block >= skip {
        let keyStart = block * columnBlock
        let cols = min(columnBlock, g.problem.keyLength - keyStart)
        memory.load(
          k, from: g.keyOffset(keyStart), count: cols * d, into: t.k, at: 0)
        memory.load(
          v, from: g.keyOffset(keyStart), count: cols * d, into: t.v, at: 0)
        for r in 0..<rows {
          OnlineSoftmax.accumulate(
            row: r, position: g.position(rowStart + r), keyStart: keyStart,
            cols: cols,
            problem: g.problem, tiles: t, rowBlock: rowBlock,
            normalizeEachStep: false)
        }
      }
      for r in 0..<rows {
        let l = t.stats.values[rowBlock + r]
        let inverse: Float = l > 0 ? 1 / l : 0
        for x in 0..<d { t.o.values[r * d + x] *= inverse }
        memory.store(
          t.o, at: r * d, count: d, to: &o, from: g.queryOffset(rowStart + r))
      }
      rowStart += rows
    }
  }

  static func kvOuter(
    _ g: Group, _ q: [Float], _ k: [Float], _ v: [Float], _ o: inout [Float],
    _ rowBlock: Int, _ columnBlock: Int, _ t: Tiles, _ memory: SimulatedMemory
  ) {
    let d = g.problem.headDim
    // Statistics ℓ and m of every packed row live in slow memory.
    var ell = [Float](repeating: 0, count: g.rows)
    var m = [Float](repeating: -.infinity, count: g.rows)
    // Initialise O = 0, ℓ = 0, m = −∞ in slow memory (Alg. 1, line 2).
    for r in 0..<min(rowBlock, g.rows) {
      for x in 0..<d { t.o.values[r * d + x] = 0 }
      t.stats.values[r] = -.infinity
      t.stats.values[rowBlock + r] = 0
    }
    var rowStart = 0
    while rowStart < g.rows {
      let rows = min(rowBlock, g.rows - rowStart)
      for r in 0..<rows {
        memory.store(
          t.o, at: r * d, count: d, to: &o, from: g.queryOffset(rowStart + r))
      }
      memory.store(t.stats, at: rowBlock, count: rows, to: &ell, from: rowStart)
      memory.store(t.stats, at: 0, count: rows, to: &m, from: rowStart)
      rowStart += rows
    }
    var maxKeys = 0
    rowStart = 0
    while rowStart < g.rows {
      let rows = min(rowBlock, g.rows - rowStart)
      maxKeys = max(maxKeys, g.loadedKeys(rowStart, rows, columnBlock))
      rowStart += rows
    }
    var keyStart = 0
    while keyStart < maxKeys {
      let cols = min(columnBlock, g.problem.keyLength - keyStart)
      memory.load(
        k, from: g.keyOffset(keyStart), count: cols * d, into: t.k, at: 0)
      memory.load(
        v, from: g.keyOffset(keyStart), count: cols * d, into: t.v, at: 0)
      rowStart = 0
      while rowStart < g.rows {
        let rows = min(rowBlock, g.rows - rowStart)
        if g.loadedKeys(rowStart, rows, columnBlock) > keyStart {
          for r in 0..<rows {
            let at = g.queryOffset(rowStart + r)
            memory.load(q, from: at, count: d, into: t.q, at: r * d)
            memory.load(o, from: at, count: d, into: t.o, at: r * d)
          }
          memory.load(
            ell, from: rowStart, count: rows, into: t.stats, at: rowBlock)
          memory.load(m, from: rowStart, count: rows, into: t.stats, at: 0)
          for r in 0..<rows {
            OnlineSoftmax.accumulate(
              row: r, position: g.position(rowStart + r), keyStart: keyStart,
              cols: cols,
              problem: g.problem, tiles: t, rowBlock: rowBlock,
              normalizeEachStep: true)
          }
          for r in 0..<rows {
            memory.store(
              t.o, at: r * d, count: d, to: &o,
              from: g.queryOffset(rowStart + r))
          }
          memory.store(
            t.stats, at: rowBlock, count: rows, to: &ell, from: rowStart)
          memory.store(t.stats, at: 0, count: rows, to: &m, from: rowStart)
        }
        rowStart += rows
      }
      keyStart += cols
    }
  }
}
