/// Chunked causal linear attention in Float32.
///
/// Lightning Attention-2's tiling: per chunk of `C` tokens, `O = (QKᵀ ⊙ causal)·V + Q·S` and then
/// `S += Kᵀ·V`, all through the SIMD micro-kernel, with the `d_k × d_v`
/// state `S` kept per (batch, head). Threads take (batch, head) items.
public enum LinearAttentionKernel {
  /// Computes O for `p`.
  ///
  /// - Parameters:
  ///   - p: the problem.
  ///   - q: queries, `[batch][heads][tokens][keyDim]`.
  ///   - k: keys, laid out as queries.
  ///   - v: values, `[batch][heads][tokens][valueDim]`.
  ///   - o: the output, laid out as values.
  ///   - chunk: tokens per chunk `C`.
  ///   - threads: worker threads.
  ///   - isa: the instruction set of the products (``InstructionSet``).
  public static func run(
    _ p: LinearAttentionProblem, q: UnsafeBufferPointer<Float>,
    k: UnsafeBufferPointer<Float>,
    v: UnsafeBufferPointer<Float>, o: UnsafeMutableBufferPointer<Float>,
    chunk: Int = 64,
    threads: Int = 1, isa: InstructionSet = .widest
  ) {
    precondition(chunk >= 1)
    guard let qb = q.baseAddress, let kb = k.baseAddress,
      let vb = v.baseAddress,
      let ob = o.baseAddress
    else { return }
    let shared = (
      SharedInput(base: qb), SharedInput(base: kb), SharedInput(base: vb)
    )
    let out = SharedOutput(base: ob)
    Parallel.run(threads: threads, items: p.batch * p.heads) { _, instance in
      let dk = p.keyDim
      let dv = p.valueDim
      let state = UnsafeMutablePointer<Float>.allocate(capacity: dk * dv)
      let kt = UnsafeMutablePointer<Float>.allocate(capacity: dk * chunk)
      let a = UnsafeMutablePointer<Float>.allocate(capacity: chunk * chunk)
      defer {
        state.deallocate()
        kt.deallocate()
        a.deallocate()
      }
      state.initialize(repeating: 0, count: dk * dv)
      var start = 0
      while start < p.tokens {
        let c = min(chunk, p.tokens - start)
        let qc = shared.0.base + (instance * p.tokens + start) * dk
        let kc = shared.1.base + (instance * p.tokens + start) * dk
        let vc = shared.2.base + (instance * p.tokens + start) * dv
        let oc = out.base + (instance * p.tokens + start) * dv
        for j in 0..<c {
          for x in 0..<dk { kt[x * c + j] = kc[j * dk + x] }
        }
        // A = Q Kᵀ, masked to j ≤ i.
        MicroGEMM.multiply(
          m: c, n: c, k: dk, a: qc, lda: dk, b: kt, ldb: c, c: a, ldc: c,
          accumulate: false, isa: isa)
        for i in 0..<c {
          for j in (i + 1)..<max(i + 1, c) { a[i * c + j] = 0 }
        }
        // O = A V + Q S.
        MicroGEMM.multiply(
          m: c, n: dv, k: c, a: a, lda: c, b: vc, ldb: dv, c: oc, ldc: dv,
          accumulate: false, isa: isa)
        MicroGEMM.multiply(
          m: c, n: dv, k: dk, a: qc, lda: dk, b: state, ldb: dv, c: oc, ldc: dv,
          accumulate: true, isa: isa)
        // S += Kᵀ V.
        MicroGEMM.multiply(
          m: dk, n: dv, k: c, a: kt, lda: c, b: vc, ldb: dv, c: state, ldc: dv,
          accumulate: true, isa: isa)
        start += c
      }
    }
  }

  /// FLOPs of the chunked algorithm as run: the full `C × C` intra-chunk
  /// products (the masked half included) and the state products.
  public static func flops(_ p: LinearAttentionProblem, chunk: Int) -> Double {
    var total = 0.0
    var start = 0
    while start < p.tokens {
      let c = Double(min(chunk, p.tokens - start))
      let dk = Double(p.keyDim)
      let dv = Double(p.valueDim)
      total += 2 * c * c * dk + 2 * c * c * dv + 2 * c * dk * dv * 2
      start += chunk
    }
    return total * Double(p.batch * p.heads)
  }
}
