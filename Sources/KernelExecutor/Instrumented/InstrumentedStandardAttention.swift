#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Standard attention on the simulated memory: `S = QKᵀ` and
/// `P = softmax(S)` are written to slow memory, each matrix product tiled
/// over rows (`B_r`), keys (`B_c`) and head-dimension slices (`b_k`).
///
/// With `b_k < d` the products are blocked in all three dimensions, the
/// small-cache algorithm of Saha & Ye (2024). Three phases, each with its
/// own tiles: S (Q slice `B_r·b_k`, K slice `B_c·b_k`, S `B_r·B_c`);
/// softmax (S `B_r·B_c`, max and sum `2·B_r`); O = PV (P `B_r·B_c`,
/// V slice `B_c·b_k`, O slice `B_r·b_k`).
public enum InstrumentedStandardAttention {
  /// Runs attention, returning O; traffic accumulates in `memory`.
  ///
  /// - Throws: ``SRAMOverflow`` when a phase's tiles do not fit.
  public static func run(
    _ p: AttentionProblem, q: [Float], k: [Float], v: [Float], rowBlock: Int,
    columnBlock: Int, innerBlock: Int? = nil, memory: SimulatedMemory
  ) throws -> [Float] {
    var o = [Float](repeating: 0, count: p.queryElements)
    let slice = min(innerBlock ?? p.headDim, p.headDim)
    for b in 0..<p.batch {
      for kvHead in 0..<p.kvHeads {
        let g = Group(problem: p, batch: b, kvHead: kvHead)
        var s = [Float](repeating: 0, count: g.rows * p.keyLength)
        try scores(g, q, k, &s, rowBlock, columnBlock, slice, memory)
        try softmax(g, &s, rowBlock, columnBlock, memory)
        try output(g, s, v, &o, rowBlock, columnBlock, slice, memory)
      }
    }
    return o
  }

  /// Calls `body(rowStart, rows, keyStart, cols)` for every needed block.
  static func blocks(
    _ g: Group, _ rowBlock: Int, _ columnBlock: Int,
    _ body: (Int, Int, Int, Int) throws -> Void
  ) rethrows {
    var rowStart = 0
    while rowStart < g.rows {
      let rows = min(rowBlock, g.rows - rowStart)
      let keys = g.loadedKeys(rowStart, rows, columnBlock)
      var keyStart = 0
      while keyStart < keys {
        let cols = min(columnBlock, g.problem.keyLength - keyStart)
        try body(rowStart, rows, keyStart, cols)
        keyStart += cols
      }
      rowStart += rows
    }
  }

  static func scores(
    _ g: Group, _ q: [Float], _ k: [Float], _ s: inout [Float], _ rowBlock: Int,
    _ columnBlock: Int, _ slice: Int, _ memory: SimulatedMemory
  ) throws {
    let p = g.problem
    let n = p.keyLength
    try memory.withTile(rowBlock * slice) { qt in
      try memory.withTile(columnBlock * slice) { kt in
        try memory.withTile(rowBlock * columnBlock) { st in
          blocks(g, rowBlock, columnBlock) { rowStart, rows, keyStart, cols in
            for i in 0..<rows * cols { st.values[i] = 0 }
            var x0 = 0
            while x0 < p.headDim {
              let width = min(slice, p.headDim - x0)
              for r in 0..<rows {
                memory.load(
                  q, from: g.queryOffset(rowStart + r) + x0, count: width,
                  into: qt,
                  at: r * slice)
              }
              for j in 0..<cols {
                memory.load(
                  k, from: g.keyOffset(keyStart + j) + x0, count: width,
                  into: kt, at: j * slice)
              }
              for r in 0..<rows {
                for j in 0..<cols {
                  var dot: Float = 0
                  for x in 0..<width {
                    dot += qt.values[r * slice + x] * kt.values[j * slice + x]
                  }
                  st.values[r * cols + j] += dot
                }
              }
              x0 += width
            }
            for r in 0..<rows {
              let position = g.position(rowStart + r)
              for j in 0..<cols {
                let visible = p.visible(position: position, key: keyStart + j)
                st.values[r * cols + j] =
                  visible ? st.values[r * cols + j] * p.scale : -.infinity
              }
              memory.store(
                st, at: r * cols, count: cols, to: &s,
                from: (rowStart + r) * n + keyStart)
            }
          }
        }
      }
    }
  }

  static func softmax(
    _ g: Group, _ s: inout [Float], _ rowBlock: Int, _ columnBlock: Int,
    _ memory: SimulatedMemory
  ) throws {
    let n = g.problem.keyLength
    try memory.withTile(rowBlock * columnBlock) { st in
      try memory.withTile(2 * rowBlock) { stats in
        var rowStart = 0
        while rowStart < g.rows {
          let rows = min(rowBlock, g.rows - rowStart)
          let keys = g.loadedKeys(rowStart, rows, columnBlock)
          for r in 0..<rows {
            stats.values[r] = -.infinity
            stats.values[rowBlock + r] = 0
          }
          for pass in 0..<2 {
            var keyStart = 0
            while keyStart < keys {
              let cols = min(columnBlock, n - keyStart)
              for r in 0..<rows {
                memory.load(
                  s, from: (rowStart + r) * n + keyStart, count: cols, into: st,
                  at: r * cols)
              }
              for r in 0..<rows {
                if pass == 0 {
                  for j in 0..<cols {
                    let x = st.values[r * cols + j]
                    guard x > -.infinity else { continue }
                    let m = stats.values[r]
                    if x > m {
                      stats.values[rowBlock + r] =
                        stats.values[rowBlock + r] * expf(m - x) + 1
                      stats.values[r] = x
                    } else {
                      stats.values[rowBlock + r] += expf(x - m)
                    }
                  }
                } else {
                  let m = stats.values[r]
                  let l = stats.values[rowBlock + r]
                  for j in 0..<cols {
                    let x = st.values[r * cols + j]
                    st.values[r * cols + j] =
                      x > -.infinity && l > 0 ? expf(x - m) / l : 0
                  }
                  memory.store(
                    st, at: r * cols, count: cols, to: &s,
                    from: (rowStart + r) * n + keyStart)
                }
              }
              keyStart += cols
            }
          }
          rowStart += rows
        }
      }
    }
  }

  static func output(
    _ g: Group, _ s: [Float], _ v: [Float], _ o: inout [Float], _ rowBlock: Int,
    _ columnBlock: Int, _ slice: Int, _ memory: SimulatedMemory
  ) throws {
    let p = g.problem
    let n = p.keyLength
    try memory.withTile(rowBlock * columnBlock) { pt in
      try memory.withTile(columnBlock * slice) { vt in
        try memory.withTile(rowBlock * slice) { ot in
          var rowStart = 0
          while rowStart < g.rows {
            let rows = min(rowBlock, g.rows - rowStart)
            let keys = g.loadedKeys(rowStart, rows, columnBlock)
            var x0 = 0
            while x0 < p.headDim {
              let width = min(slice, p.headDim - x0)
              for i in 0..<rows * slice { ot.values[i] = 0 }
              var keyStart = 0
              while keyStart < keys {
                let cols = min(columnBlock, n - keyStart)
                for r in 0..<rows {
                  memory.load(
                    s, from: (rowStart + r) * n + keyStart, count: cols,
                    into: pt, at: r * cols)
                }
                for j in 0..<cols {
                  memory.load(
                    v, from: g.keyOffset(keyStart + j) + x0, count: width,
                    into: vt,
                    at: j * slice)
                }
                for r in 0..<rows {
                  for x in 0..<width {
                    var sum: Float = 0
                    for j in 0..<cols {
                      sum += pt.values[r * cols + j] * vt.values[j * slice + x]
                    }
                    ot.values[r * slice + x] += sum
                  }
                }
                keyStart += cols
              }
              for r in 0..<rows {
                memory.store(
                  ot, at: r * slice, count: width, to: &o,
                  from: g.queryOffset(rowStart + r) + x0)
              }
              x0 += width
            }
            rowStart += rows
          }
        }
      }
    }
  }
}
