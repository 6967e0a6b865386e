/// Block-sparse FlashAttention-2 forward on the simulated memory: each
/// row block visits only some of the key blocks it sees, its first (an
/// attention sink) and those nearest the diagonal, as many as a block
/// density asks (the Λ shape of MInference and StreamingLLM).
///
/// Row block `i` seeing `b` key blocks visits `s = min(b, max(2, ⌈ρ·b⌉))`:
/// block 0 and the last `s − 1` (with one block seen, that one), so that
/// every query sees its sink and its own block.
/// Skipped blocks are never loaded; the rows' softmax runs over the keys
/// visited. GQA heads are packed as rows, as ``InstrumentedFlashAttention``
/// packs them.
public enum InstrumentedBlockSparseAttention {
  /// The key blocks a row block seeing `visible` of them visits.
  public static func visitedBlocks(visible b: Int, density: Double) -> [Int] {
    guard b > 0 else { return [] }
    let s = min(b, max(2, Int((density * Double(b)).rounded(.up))))
    guard s >= 2 else { return [b - 1] }
    return [0] + Array((b - s + 1)..<b)
  }

  /// Runs block-sparse attention at `density` ∈ (0, 1], returning O;
  /// traffic accumulates in `memory`.
  ///
  /// - Throws: ``SRAMOverflow`` when the tiles do not fit.
  public static func run(
    _ p: AttentionProblem, q: [Float], k: [Float], v: [Float], rowBlock: Int,
    columnBlock: Int, density: Double, memory: SimulatedMemory
  ) throws -> [Float] {
    precondition(density > 0 && density <= 1)
    var o = [Float](repeating: 0, count: p.queryElements)
    try InstrumentedFlashAttention.forEachGroup(
      p, rowBlock: rowBlock, columnBlock: columnBlock, memory: memory
    ) { group, tiles in
      InstrumentedFlashAttention.queryOuter(
        group, q, k, v, &o, rowBlock, columnBlock, tiles, memory
      ) { visitedBlocks(visible: $0, density: density) }
    }
    return o
  }
}
