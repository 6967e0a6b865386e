/// Slow-memory traffic of block-sparse FlashAttention-2 forward at a block
/// density, exactly as the instrumented kernel moves it.
///
/// The mask is the Λ shape of MInference and StreamingLLM at block
/// granularity: row block `i` (of `B_r` packed rows) sees `b_i` key blocks
/// of `B_c` (all `⌈N_k / B_c⌉` without a causal mask); it visits
///
///     s_i = min(b_i, max(2, ⌈ρ · b_i⌉))
///
/// of them: the first (the sink) and the `s_i − 1` nearest the diagonal
/// (with one block seen, that one), so that every query sees at least
/// its sink and its own block. With `k_j` the keys of block `j`
/// (`B_c`, the last one the rest of `N_k`), per (batch, KV head):
///
///     reads  = e · (R·d + Σ_i Σ_{j ∈ S_i} 2·k_j·d)     writes = e · R·d
///
/// At ρ = 1 this is dense FlashAttention-2 (``FlashAttentionIO``).
///
/// [Jiang et al. 2024, MInference]: https://arxiv.org/abs/2407.02490
/// [Xiao et al. 2023, StreamingLLM]: https://arxiv.org/abs/2309.17453
public enum BlockSparseAttentionIO {
  /// The key blocks row block `rowBlockIndex` visits of the `visible`
  /// blocks it sees, at `density` ρ ∈ (0, 1].
  public static func visitedBlocks(visible b: Int, density: Double) -> [Int] {
    precondition(density > 0 && density <= 1)
    guard b > 0 else { return [] }
    let wanted = Int((density * Double(b)).rounded(.up))
    let s = min(b, max(2, wanted))
    guard s >= 2 else { return [b - 1] }
    return [0] + Array((b - s + 1)..<b)
  }

  /// Keys key block `j` of `columnBlock` holds of `keyLength`.
  static func keys(block j: Int, columnBlock: Int, keyLength: Int) -> Int {
    min(columnBlock, keyLength - j * columnBlock)
  }

  /// Slow-memory traffic of one forward pass of `shape` with `tiling` at
  /// block density `density`.
  public static func traffic(
    _ shape: AttentionShape, tiling: AttentionTiling, density: Double
  ) -> IOTraffic {
    let d = Double(shape.headDim)
    let bc = tiling.columnBlock
    var keys = 0
    RowBlocks.forEach(shape, rowBlock: tiling.rowBlock) { _, visible in
      let loaded = min(shape.keyLength, RowBlocks.ceil(visible, bc) * bc)
      let blocks = RowBlocks.ceil(loaded, bc)
      for j in visitedBlocks(visible: blocks, density: density) {
        keys += Self.keys(block: j, columnBlock: bc, keyLength: shape.keyLength)
      }
    }
    let rows = Double(shape.packedRows)
    let perInstance = IOTraffic(
      readBytes: rows * d + 2 * Double(keys) * d, writeBytes: rows * d)
    return Double(shape.instances * shape.elementBytes) * perInstance
  }
}
