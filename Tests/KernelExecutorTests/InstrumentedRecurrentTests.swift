import KernelExecutor
import TestSupport
import Testing

@Suite(
  "Instrumented standard, decode, linear and scan kernels compute the right thing"
)
struct InstrumentedRecurrentTests {
  static func maxError(_ o: [Float], _ reference: [Double]) -> Double {
    zip(o, reference).map { abs(Double($0) - $1) }.max() ?? 0
  }

  @Test(
    "standard attention and split-KV decode match the reference within 1e-5")
  func attention() throws {
    // Convex combinations of values in [-1, 1): fp32 error stays < 1e-5.
    let p = AttentionProblem(
      heads: 4, kvHeads: 2, queryLength: 33, headDim: 64, causal: true)
    let (q, k, v) = (
      DeterministicRandom.values(seed: 1, count: p.queryElements),
      DeterministicRandom.values(seed: 2, count: p.keyElements),
      DeterministicRandom.values(seed: 3, count: p.keyElements)
    )
    let reference = ReferenceAttention.run(p, q: q, k: k, v: v)
    let o = try InstrumentedStandardAttention.run(
      p, q: q, k: k, v: v, rowBlock: 8, columnBlock: 8, innerBlock: 24,
      memory: SimulatedMemory(sramBytes: 1 << 20))
    #expect(Self.maxError(o, reference) < 1e-5)

    let decode = AttentionProblem(
      batch: 2, heads: 8, kvHeads: 2, queryLength: 1, keyLength: 1000,
      headDim: 64)
    let (dq, dk, dv) = (
      DeterministicRandom.values(seed: 4, count: decode.queryElements),
      DeterministicRandom.values(seed: 5, count: decode.keyElements),
      DeterministicRandom.values(seed: 6, count: decode.keyElements)
    )
    let decodeReference = ReferenceAttention.run(decode, q: dq, k: dk, v: dv)
    for splits in [1, 7, 64] {
      let out = try InstrumentedDecodeAttention.run(
        decode, q: dq, k: dk, v: dv, splits: splits, columnBlock: 32,
        memory: SimulatedMemory(sramBytes: 1 << 20))
      #expect(Self.maxError(out, decodeReference) < 1e-5, "splits \(splits)")
    }
  }

  @Test(
    "chunked linear attention matches the quadratic form within 1e-4 relative")
  func linear() throws {
    // Outputs grow like Σ_j (q·k) v, up to ~tokens·d in size; compare
    // relative to the largest reference value (fp32 sums of ≤ 100·32 terms).
    let p = LinearAttentionProblem(
      heads: 2, tokens: 100, keyDim: 32, valueDim: 16)
    let (q, k, v) = (
      DeterministicRandom.values(seed: 7, count: p.keyElements),
      DeterministicRandom.values(seed: 8, count: p.keyElements),
      DeterministicRandom.values(seed: 9, count: p.valueElements)
    )
    let reference = ReferenceRecurrent.linearAttention(p, q: q, k: k, v: v)
    let scale = reference.map(abs).max() ?? 1
    for chunk in [1, 16, 64, 100] {
      let o = try InstrumentedLinearAttention.run(
        p, q: q, k: k, v: v, chunk: chunk,
        memory: SimulatedMemory(sramBytes: 1 << 20))
      #expect(Self.maxError(o, reference) / scale < 1e-4, "chunk \(chunk)")
    }
  }

  @Test("the selective scan matches the step-by-step recurrence within 1e-4")
  func scan() throws {
    // A in [-1, 0) keeps exp(Δ·A) ≤ e and the state bounded over 64 steps.
    let p = SelectiveScanProblem(length: 64, channels: 24, stateSize: 16)
    let x = DeterministicRandom.values(seed: 10, count: p.sequenceElements)
    let delta = DeterministicRandom.values(seed: 11, count: p.sequenceElements)
      .map { ($0 + 1) / 4 }
    let a = DeterministicRandom.values(seed: 12, count: 24 * 16).map {
      -($0 + 1) / 2 - 0.01
    }
    let b = DeterministicRandom.values(seed: 13, count: p.inputElements)
    let c = DeterministicRandom.values(seed: 14, count: p.inputElements)
    let skip = DeterministicRandom.values(seed: 15, count: 24)
    let reference = ReferenceRecurrent.selectiveScan(
      p, x: x, delta: delta, a: a, b: b, c: c, skip: skip)
    let y = try InstrumentedSelectiveScan.run(
      p, x: x, delta: delta, a: a, b: b, c: c, skip: skip, channelBlock: 8,
      chunk: 5,
      memory: SimulatedMemory(sramBytes: 1 << 20))
    #expect(Self.maxError(y, reference) < 1e-4)
  }
}
