import KernelExecutor
import PerfModel
import TestSupport
import Testing

/// Sliding-window attention: FlashAttention-2 skips the key blocks before
/// each row block's window; the I/O model's bytes equal the instrumented
/// kernel's exactly, and its output the reference's.
@Suite("Sliding window: modelled bytes equal counted bytes")
struct SlidingWindowExactnessTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var n: Int
    var keys: Int
    var window: Int
    var rowBlock: Int
    var columnBlock: Int
    var heads: Int
    var kvHeads: Int
    var testDescription: String {
      "Nq=\(n) Nk=\(keys) W=\(window) \(rowBlock)×\(columnBlock) H=\(heads)/\(kvHeads)"
    }
  }

  static let cases: [Case] = {
    var all: [Case] = []
    // Windows below, at and beyond a block, and beyond the context.
    for (n, keys) in [(64, 64), (100, 100), (37, 160), (1, 300)] {
      for window in [1, 7, 16, 33, 64, 500] {
        for (r, c) in [(4, 8), (16, 16), (32, 5)] {
          for (h, kv) in [(1, 1), (4, 2)] {
            all.append(
              Case(
                n: n, keys: keys, window: window, rowBlock: r, columnBlock: c,
                heads: h, kvHeads: kv))
          }
        }
      }
    }
    return all
  }()

  @Test(
    "FlashAttention-2 skips, FlashAttention-1 masks: both exact",
    arguments: cases)
  func exact(_ c: Case) throws {
    let d = 16
    let problem = AttentionProblem(
      batch: 2, heads: c.heads, kvHeads: c.kvHeads, queryLength: c.n,
      keyLength: c.keys, headDim: d, causal: true, window: c.window)
    let shape = AttentionShape(
      batch: 2, heads: c.heads, kvHeads: c.kvHeads, queryLength: c.n,
      keyLength: c.keys, headDim: d, causal: true, elementBytes: 4,
      window: c.window)
    var random = DeterministicRandom(seed: 11)
    let q = random.values(problem.queryElements)
    let k = random.values(problem.keyElements)
    let v = random.values(problem.keyElements)
    let reference = ReferenceAttention.run(problem, q: q, k: k, v: v)
    let tiling = AttentionTiling(
      rowBlock: c.rowBlock, columnBlock: c.columnBlock)
    let sram = Int(
      FlashAttentionIO.sramBytes(headDim: d, tiling: tiling, elementBytes: 4))
    for (order, modelOrder) in [
      (
        InstrumentedFlashAttention.LoopOrder.queryOuter,
        FlashAttentionIO.LoopOrder.queryOuter
      ),
      (.kvOuter, .kvOuter),
    ] {
      let memory = SimulatedMemory(sramBytes: sram)
      let o = try InstrumentedFlashAttention.run(
        problem, q: q, k: k, v: v, rowBlock: c.rowBlock,
        columnBlock: c.columnBlock, order: order, memory: memory)
      let model = FlashAttentionIO.traffic(
        shape, tiling: tiling, order: modelOrder)
      #expect(Double(memory.readBytes) == model.readBytes, "\(order) reads")
      #expect(Double(memory.writeBytes) == model.writeBytes, "\(order) writes")
      let worst = zip(o, reference).map { abs(Double($0) - $1) }.max() ?? 0
      #expect(worst < 1e-5, "\(order) output off by \(worst)")
    }
  }

  @Test(
    "a window shorter than the context moves fewer bytes than causal attention, and one past it the same"
  )
  func saves() {
    let tiling = AttentionTiling(rowBlock: 64, columnBlock: 64)
    func reads(_ w: Int?) -> Double {
      FlashAttentionIO.traffic(
        AttentionShape(
          queryLength: 4096, headDim: 128, causal: true, elementBytes: 2,
          window: w), tiling: tiling, order: .queryOuter
      ).readBytes
    }
    // Q once, then per row block of 64 the key blocks from its window's
    // first: 64 blocks × (1024 + 64 keys, or fewer at the start).
    #expect(reads(1024) < 0.5 * reads(nil))
    #expect(reads(8192) == reads(nil))
  }
}
