import KernelExecutor
import TestSupport
import Testing

@Suite("Instrumented attention kernels compute attention")
struct InstrumentedAttentionTests {
  static func maxError(_ o: [Float], _ reference: [Double]) -> Double {
    zip(o, reference).map { abs(Double($0) - $1) }.max() ?? 0
  }

  @Test(
    "FlashAttention matches the double-precision reference within 1e-5",
    arguments: [
      (1, 16, false), (7, 16, true), (33, 64, false), (64, 16, true),
      (100, 128, true),
    ])
  func flashMatchesReference(n: Int, d: Int, causal: Bool) throws {
    // Inputs in [-1, 1): |scores| ≤ √d, softmax weights sum to 1, so the
    // output is a convex combination of values in [-1, 1); fp32 rounding
    // over ≤ 128-term dot products stays well under 1e-5 absolute.
    let p = AttentionProblem(
      batch: 1, heads: 4, kvHeads: 2, queryLength: n, headDim: d, causal: causal
    )
    var random = DeterministicRandom(seed: 3)
    let q = random.values(p.queryElements)
    let k = random.values(p.keyElements)
    let v = random.values(p.keyElements)
    let reference = ReferenceAttention.run(p, q: q, k: k, v: v)
    for order in [InstrumentedFlashAttention.LoopOrder.queryOuter, .kvOuter] {
      let memory = SimulatedMemory(sramBytes: 1 << 20)
      let o = try InstrumentedFlashAttention.run(
        p, q: q, k: k, v: v, rowBlock: 8, columnBlock: 4, order: order,
        memory: memory)
      #expect(Self.maxError(o, reference) < 1e-5)
    }
  }

  @Test("tiles beyond the SRAM are an error, not a silent spill")
  func overflow() {
    let p = AttentionProblem(queryLength: 64, headDim: 64)
    let values = [Float](repeating: 0, count: p.queryElements)
    // 2·16·64 + 2·16·64 + 16·16 + 2·16 = 4384 elements = 17536 bytes > 16 KiB.
    #expect(throws: SRAMOverflow.self) {
      try InstrumentedFlashAttention.run(
        p, q: values, k: values, v: values, rowBlock: 16, columnBlock: 16,
        order: .queryOuter,
        memory: SimulatedMemory(sramBytes: 16384))
    }
  }
}
