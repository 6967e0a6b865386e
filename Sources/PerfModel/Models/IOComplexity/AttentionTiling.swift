/// Tile sizes of a tiled attention kernel.
public struct AttentionTiling: Sendable, Hashable, Codable {
  /// Packed query rows per tile (B_r).
  public var rowBlock: Int
  /// Keys per tile (B_c).
  public var columnBlock: Int
  /// Head-dimension slice per tile (b_k) in standard attention's matrix
  /// products; `nil` means the whole head dimension.
  public var innerBlock: Int?

  /// Creates a tiling.
  public init(rowBlock: Int, columnBlock: Int, innerBlock: Int? = nil) {
    precondition(rowBlock > 0 && columnBlock > 0 && (innerBlock ?? 1) > 0)
    self.rowBlock = rowBlock
    self.columnBlock = columnBlock
    self.innerBlock = innerBlock
  }
}

/// Why tiles cannot be used for a shape and an SRAM size.
public struct TilingError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What is wrong and the smallest fix.
  public var message: String
  /// The SRAM the tiles need, in bytes, when that is the problem.
  public var requiredSRAMBytes: Double?

  /// Creates a tiling error.
  public init(_ message: String, requiredSRAMBytes: Double? = nil) {
    self.message = message
    self.requiredSRAMBytes = requiredSRAMBytes
  }

  public var description: String { message }
}

/// Iterates a packed row dimension in blocks and reports, per block, how
/// many keys the causal mask leaves visible.
enum RowBlocks {
  /// Calls `body(rows, visibleKeys)` for each row block of `shape`.
  static func forEach(
    _ shape: AttentionShape, rowBlock: Int,
    _ body: (_ rows: Int, _ keys: Int) -> Void
  ) {
    var start = 0
    while start < shape.packedRows {
      let end = min(start + rowBlock, shape.packedRows)
      body(end - start, shape.visibleKeys(rowsFrom: start, to: end))
      start = end
    }
  }

  /// `⌈a / b⌉`.
  static func ceil(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }

  /// Σ over row blocks of the keys in the whole key blocks each loads:
  /// `Σ_i min(N_k, B_c·⌈k_i / B_c⌉)`, in O(log) steps rather than one per
  /// row block (one per row block under a sliding window, less the blocks
  /// before each row block's window).
  ///
  /// Row block `i` (rows `[i·B_r, (i+1)·B_r)` of the `g`-packed rows) ends
  /// at position `p_i = ⌊((i+1)·B_r − 1)/g⌋` and sees `k_i = p_i + o + 1`
  /// keys, `o = N_k − N_q`. With `⌊(⌊x/g⌋ + c)/B_c⌋ = ⌊(x + g·c)/(g·B_c)⌋`,
  /// its key blocks are `q_i = ⌊(B_r·i + B_r − 1 + g·(o + B_c))/(g·B_c)⌋`,
  /// non-decreasing in `i`; once `B_c·q_i ≥ N_k` every later block loads all
  /// `N_k`. The sum before that is a floor sum. Without a mask, or with
  /// fewer keys than queries, every block is counted one by one.
  static func loadedKeySum(
    _ shape: AttentionShape, rowBlock br: Int, columnBlock bc: Int
  ) -> Int {
    let nk = shape.keyLength
    let rows = shape.packedRows
    let all = min(nk, ceil(nk, bc) * bc)
    guard shape.causal else { return ceil(rows, br) * all }
    let o = nk - shape.queryLength
    if let w = shape.window {
      // Each row block loads from the block holding its first row's
      // first key in the window to the end of its visible keys.
      var sum = 0
      var start = 0
      forEach(shape, rowBlock: br) { count, keys in
        let first = max(0, start / shape.groupSize + o - w + 1) / bc * bc
        sum += max(0, min(nk, ceil(keys, bc) * bc) - first)
        start += count
      }
      return sum
    }
    guard o >= 0 else {
      var sum = 0
      forEach(shape, rowBlock: br) { _, keys in
        sum += min(nk, ceil(keys, bc) * bc)
      }
      return sum
    }
    let g = shape.groupSize
    let full = rows / br
    let partial = rows % br == 0 ? 0 : 1
    let offset = br - 1 + g * (o + bc)
    // First block whose q_i reaches ⌈N_k / B_c⌉.
    let needed = ceil(nk, bc) * g * bc - offset
    let capped = needed <= 0 ? 0 : ceil(needed, br)
    let counted = min(capped, full)
    let below = bc * floorSum(counted, g * bc, br, offset)
    return below + (full - counted + partial) * nk
  }

  /// `Σ_{i=0}^{n−1} ⌊(a·i + b)/m⌋` for `n, a, b ≥ 0` and `m ≥ 1`, by the
  /// Euclid-like reduction (as in the AtCoder Library's `floor_sum`): strip
  /// the whole multiples of `m` from `a` and `b`, then count the lattice
  /// points under the line with the roles of `a` and `m` swapped.
  static func floorSum(_ n: Int, _ m: Int, _ a: Int, _ b: Int) -> Int {
    var (n, m, a, b) = (n, m, a, b)
    var sum = 0
    while n > 0 {
      if a >= m {
        sum += n * (n - 1) / 2 * (a / m)
        a %= m
      }
      if b >= m {
        sum += n * (b / m)
        b %= m
      }
      let top = a * n + b
      if top < m { break }
      (n, b, m, a) = (top / m, top % m, a, m)
    }
    return sum
  }
}
