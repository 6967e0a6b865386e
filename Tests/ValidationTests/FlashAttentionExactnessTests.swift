import KernelExecutor
import PerfModel
import TestSupport
import Testing

/// The I/O model's bytes equal the bytes the instrumented kernel moves,
/// exactly, across sizes that hit the tails.
@Suite("FlashAttention: modelled bytes equal counted bytes")
struct FlashAttentionExactnessTests {
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
    for (n, d) in [(1, 16), (7, 16), (64, 16), (100, 64), (128, 16), (33, 128)]
    {
      for (r, c) in [(1, 1), (4, 8), (16, 16), (32, 5)]
      where r <= n * 4 && c <= n {
        for (h, kv) in [(1, 1), (4, 1), (4, 2)] {
          for causal in [false, true] {
            all.append(
              Case(
                n: n, d: d, rowBlock: r, columnBlock: c, heads: h, kvHeads: kv,
                causal: causal))
          }
        }
      }
    }
    // Powers of two and 1000 at the head dimensions models use.
    for (n, d, r, c) in [
      (256, 64, 64, 32), (512, 128, 32, 64), (1000, 64, 64, 64),
      (1000, 128, 128, 16),
    ] {
      for (h, kv) in [(1, 1), (2, 1)] {
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

  @Test("both loop orders, every case", arguments: cases)
  func exact(_ c: Case) throws {
    let problem = AttentionProblem(
      batch: 2, heads: c.heads, kvHeads: c.kvHeads, queryLength: c.n,
      headDim: c.d,
      causal: c.causal)
    let shape = AttentionShape(
      batch: 2, heads: c.heads, kvHeads: c.kvHeads, queryLength: c.n,
      headDim: c.d,
      causal: c.causal, elementBytes: 4)
    var random = DeterministicRandom(seed: 7)
    let q = random.values(problem.queryElements)
    let k = random.values(problem.keyElements)
    let v = random.values(problem.keyElements)
    let tiling = AttentionTiling(
      rowBlock: c.rowBlock, columnBlock: c.columnBlock)
    let sram = Int(
      FlashAttentionIO.sramBytes(headDim: c.d, tiling: tiling, elementBytes: 4))
    for (order, modelOrder) in [
      (
        InstrumentedFlashAttention.LoopOrder.queryOuter,
        FlashAttentionIO.LoopOrder.queryOuter
      ),
      (.kvOuter, .kvOuter),
    ] {
      let memory = SimulatedMemory(sramBytes: sram)
      _ = try InstrumentedFlashAttention.run(
        problem, q: q, k: k, v: v, rowBlock: c.rowBlock,
        columnBlock: c.columnBlock,
        order: order, memory: memory)
      let model = FlashAttentionIO.traffic(
        shape, tiling: tiling, order: modelOrder)
      #expect(Double(memory.readBytes) == model.readBytes, "\(order) reads")
      #expect(Double(memory.writeBytes) == model.writeBytes, "\(order) writes")
      #expect(memory.peakSRAMBytes == sram)
    }
  }
}
