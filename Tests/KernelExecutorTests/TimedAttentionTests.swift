import KernelExecutor
import TestSupport
import Testing

@Suite("Timed SIMD attention kernels match the double-precision reference")
struct TimedAttentionTests {
  static func random(_ seed: UInt64, _ count: Int) -> [Float] {
    var r = DeterministicRandom(seed: seed)
    return r.values(count)
  }

  @Test(
    "FlashAttention-2 within 2e-6, at sizes that hit the tails",
    arguments: [
      // (N, d, causal, heads, kvHeads, threads)
      (1, 16, false, 1, 1, 1), (7, 16, true, 2, 1, 1), (31, 64, false, 2, 2, 2),
      (32, 64, true, 4, 2, 2), (33, 128, true, 1, 1, 1),
      (1000, 64, true, 2, 1, 2),
      (200, 128, false, 2, 1, 1), (100, 48, true, 3, 3, 2),
    ])
  func flash(
    n: Int, d: Int, causal: Bool, heads: Int, kvHeads: Int, threads: Int
  ) {
    // Outputs are convex combinations of values in [-1, 1); the polynomial
    // exp2 (relative error < 2e-7) and fp32 dot products of ≤ 128 terms keep
    // the absolute error below 2e-6.
    let p = AttentionProblem(
      batch: 2, heads: heads, kvHeads: kvHeads, queryLength: n, headDim: d,
      causal: causal)
    let q = Self.random(1, p.queryElements)
    let k = Self.random(2, p.keyElements)
    let v = Self.random(3, p.keyElements)
    var o = [Float](repeating: .nan, count: p.queryElements)
    q.withUnsafeBufferPointer { qb in
      k.withUnsafeBufferPointer { kb in
        v.withUnsafeBufferPointer { vb in
          o.withUnsafeMutableBufferPointer { ob in
            FlashAttentionKernel.run(
              p, q: qb, k: kb, v: vb, o: ob, rowBlock: 24, columnBlock: 30,
              threads: threads)
          }
        }
      }
    }
    let reference = ReferenceAttention.run(p, q: q, k: k, v: v)
    let error = zip(o, reference).map { abs(Double($0) - $1) }.max() ?? .nan
    #expect(error < 2e-6)
  }
}

@Suite("Timed split-KV decode matches the double-precision reference")
struct TimedDecodeTests {
  @Test(
    "within 2e-6 for 1 to L splits",
    arguments: [
      // (L, d, heads, kvHeads, splits, threads)
      (1, 16, 1, 1, 1, 1), (7, 64, 8, 2, 3, 2), (1000, 128, 8, 1, 7, 2),
      (4096, 64, 32, 8, 16, 2), (33, 48, 4, 4, 33, 1),
    ])
  func decode(
    length: Int, d: Int, heads: Int, kvHeads: Int, splits: Int, threads: Int
  ) {
    // Softmax weights are a convex combination; fp32 and the exp2
    // polynomial (relative error < 2e-7) keep outputs within 2e-6.
    let p = AttentionProblem(
      batch: 2, heads: heads, kvHeads: kvHeads, queryLength: 1,
      keyLength: length, headDim: d)
    var random = DeterministicRandom(seed: 9)
    let q = random.values(p.queryElements)
    let k = random.values(p.keyElements)
    let v = random.values(p.keyElements)
    var o = [Float](repeating: .nan, count: p.queryElements)
    q.withUnsafeBufferPointer { qb in
      k.withUnsafeBufferPointer { kb in
        v.withUnsafeBufferPointer { vb in
          o.withUnsafeMutableBufferPointer { ob in
            DecodeAttentionKernel.run(
              p, q: qb, k: kb, v: vb, o: ob, splits: splits, threads: threads)
          }
        }
      }
    }
    let reference = ReferenceAttention.run(p, q: q, k: k, v: v)
    let error = zip(o, reference).map { abs(Double($0) - $1) }.max() ?? .nan
    #expect(error < 2e-6)
  }
}
