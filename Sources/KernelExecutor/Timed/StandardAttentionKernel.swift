#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Standard (naive) attention in Float32.
///
/// The whole `N_q × N_k` score matrix per head is materialised, soft-maxed row by row and multiplied by
/// V, with the same SIMD micro-kernel as FlashAttention. The baseline that
/// FlashAttention's tiling improves on.
public enum StandardAttentionKernel {
  /// Computes O for `p`, one (batch, head) per work item, the products in
  /// `isa`'s micro-kernel.
  public static func run(
    _ p: AttentionProblem, q: UnsafeBufferPointer<Float>,
    k: UnsafeBufferPointer<Float>,
    v: UnsafeBufferPointer<Float>, o: UnsafeMutableBufferPointer<Float>,
    threads: Int = 1, isa: InstructionSet = .widest
  ) {
    guard let qb = q.baseAddress, let kb = k.baseAddress,
      let vb = v.baseAddress,
      let ob = o.baseAddress
    else { return }
    let shared = (
      SharedInput(base: qb), SharedInput(base: kb), SharedInput(base: vb),
      SharedOutput(base: ob)
    )
    Parallel.run(threads: threads, items: p.batch * p.heads) { _, item in
      let b = item / p.heads
      let h = item % p.heads
      let d = p.headDim
      let n = p.keyLength
      let kvHead = h / p.groupSize
      let s = UnsafeMutablePointer<Float>.allocate(capacity: p.queryLength * n)
      let kt = UnsafeMutablePointer<Float>.allocate(capacity: d * n)
      defer {
        s.deallocate()
        kt.deallocate()
      }
      let kBase = shared.1.base + p.keyOffset(b, kvHead: kvHead, position: 0)
      for j in 0..<n {
        for x in 0..<d { kt[x * n + j] = kBase[j * d + x] }
      }
      let qBase = shared.0.base + p.queryOffset(b, head: h, position: 0)
      MicroGEMM.multiply(
        m: p.queryLength, n: n, k: d, a: qBase, lda: d, b: kt, ldb: n, c: s,
        ldc: n,
        accumulate: false, isa: isa)
      let offset = n - p.queryLength
      for i in 0..<p.queryLength {
        let row = s + i * n
        let visible = p.causal ? max(0, min(n, i + offset + 1)) : n
        var best = -Float.infinity
        for j in 0..<visible { best = max(best, row[j] * p.scale) }
        var sum: Float = 0
        for j in 0..<n {
          let e = j < visible ? expf(row[j] * p.scale - best) : 0
          row[j] = e
          sum += e
        }
        let inverse = sum > 0 ? 1 / sum : 0
        for j in 0..<n { row[j] *= inverse }
      }
      MicroGEMM.multiply(
        m: p.queryLength, n: d, k: n, a: s, lda: n,
        b: shared.2.base + p.keyOffset(b, kvHead: kvHead, position: 0), ldb: d,
        c: shared.3.base + p.queryOffset(b, head: h, position: 0), ldc: d,
        accumulate: false, isa: isa)
    }
  }
}
