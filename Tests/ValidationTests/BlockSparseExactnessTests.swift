import KernelExecutor
import PerfModel
import TestSupport
import Testing

/// Block-sparse FlashAttention-2: the I/O model's bytes equal the bytes
/// the instrumented kernel moves, exactly, over densities, block sizes,
/// GQA groups and both masks.
@Suite("Block-sparse attention: modelled bytes equal counted bytes")
struct BlockSparseExactnessTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var n: Int
    var d: Int
    var rowBlock: Int
    var columnBlock: Int
    var heads: Int
    var kvHeads: Int
    var causal: Bool
    var testDescription: String {
      "N=\(n) d=\(d) \(rowBlock)×\(columnBlock) H=\(heads)/\(kvHeads)\(causal ? " causal" : "")"
    }
  }

  static let cases: [Case] = {
    var all: [Case] = []
    for (n, d, r, c) in [
      (1, 16, 1, 1), (33, 16, 4, 8), (100, 32, 16, 16), (128, 16, 32, 5),
      (257, 64, 64, 32), (1000, 32, 64, 64),
    ] {
      for (h, kv) in [(1, 1), (4, 2)] {
        for causal in [false, true] {
          all.append(
            Case(
              n: n, d: d, rowBlock: r, columnBlock: c, heads: h, kvHeads: kv,
              causal: causal))
        }
      }
    }
    return all
  }()

  static let densities = [0.05, 0.1, 0.3, 0.5, 1.0]

  @Test("every density, every case", arguments: cases)
  func exact(_ c: Case) throws {
    let problem = AttentionProblem(
      batch: 2, heads: c.heads, kvHeads: c.kvHeads, queryLength: c.n,
      headDim: c.d, causal: c.causal)
    let shape = AttentionShape(
      batch: 2, heads: c.heads, kvHeads: c.kvHeads, queryLength: c.n,
      headDim: c.d, causal: c.causal, elementBytes: 4)
    var random = DeterministicRandom(seed: 11)
    let q = random.values(problem.queryElements)
    let k = random.values(problem.keyElements)
    let v = random.values(problem.keyElements)
    let tiling = AttentionTiling(
      rowBlock: c.rowBlock, columnBlock: c.columnBlock)
    let sram = Int(
      FlashAttentionIO.sramBytes(headDim: c.d, tiling: tiling, elementBytes: 4))
    for density in Self.densities {
      let memory = SimulatedMemory(sramBytes: sram)
      _ = try InstrumentedBlockSparseAttention.run(
        problem, q: q, k: k, v: v, rowBlock: c.rowBlock,
        columnBlock: c.columnBlock, density: density, memory: memory)
      let model = BlockSparseAttentionIO.traffic(
        shape, tiling: tiling, density: density)
      #expect(Double(memory.readBytes) == model.readBytes, "ρ \(density)")
      #expect(Double(memory.writeBytes) == model.writeBytes, "ρ \(density)")
    }
    // Dense at ρ = 1: FlashAttention-2's traffic and output.
    let dense = FlashAttentionIO.traffic(
      shape, tiling: tiling, order: .queryOuter)
    let full = BlockSparseAttentionIO.traffic(
      shape, tiling: tiling, density: 1)
    #expect(full == dense)
    let sparseOut = try InstrumentedBlockSparseAttention.run(
      problem, q: q, k: k, v: v, rowBlock: c.rowBlock,
      columnBlock: c.columnBlock, density: 1,
      memory: SimulatedMemory(sramBytes: sram))
    let denseOut = try InstrumentedFlashAttention.run(
      problem, q: q, k: k, v: v, rowBlock: c.rowBlock,
      columnBlock: c.columnBlock, order: .queryOuter,
      memory: SimulatedMemory(sramBytes: sram))
    #expect(sparseOut == denseOut)
  }

  @Test(
    "the visited blocks: the sink and the nearest to the diagonal, ⌈ρ·b⌉ of them and at least two"
  )
  func mask() {
    #expect(
      BlockSparseAttentionIO.visitedBlocks(visible: 10, density: 0.05) == [
        0, 9,
      ])
    #expect(
      BlockSparseAttentionIO.visitedBlocks(visible: 1, density: 0.05) == [0])
    #expect(
      BlockSparseAttentionIO.visitedBlocks(visible: 10, density: 0.3) == [
        0, 8, 9,
      ])
    #expect(
      BlockSparseAttentionIO.visitedBlocks(visible: 4, density: 1) == [
        0, 1, 2, 3,
      ])
    // The executor's copy of the rule agrees (it may not import the model).
    for b in 1...40 {
      for rho in [0.01, 0.2, 0.5, 0.77, 1.0] {
        #expect(
          BlockSparseAttentionIO.visitedBlocks(visible: b, density: rho)
            == InstrumentedBlockSparseAttention.visitedBlocks(
              visible: b, density: rho))
      }
    }
  }
}
