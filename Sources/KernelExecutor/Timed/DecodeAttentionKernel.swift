import CHostKernels
import CPrefetch

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Decode attention with split-KV in Float32 (flash-decoding).
///
/// One query per head attends to `L` cached keys. Work items are (batch, KV head,
/// split); each streams its share of K and V once for the whole GQA group,
/// writes a partial output and its log-sum-exp, and a final pass combines
/// the splits. Memory-bound by design: every K and V byte is read once.
public enum DecodeAttentionKernel {
  /// Computes O for `p` (`queryLength` 1).
  ///
  /// - Parameters:
  ///   - p: the problem.
  ///   - q: queries, `[batch][heads][1][d]`.
  ///   - k: the key cache, `[batch][kvHeads][L][d]`.
  ///   - v: the value cache, laid out as keys.
  ///   - o: the output, laid out as queries.
  ///   - splits: KV splits per (batch, KV head).
  ///   - threads: worker threads.
  ///   - isa: the instruction set of the scores, the exponentials and the
  ///     value sums (``InstructionSet``).
  public static func run(
    _ p: AttentionProblem, q: UnsafeBufferPointer<Float>,
    k: UnsafeBufferPointer<Float>,
    v: UnsafeBufferPointer<Float>, o: UnsafeMutableBufferPointer<Float>,
    splits: Int,
    threads: Int = 1, isa: InstructionSet = .widest
  ) {
    precondition(p.queryLength == 1 && splits >= 1 && splits <= p.keyLength)
    guard let qb = q.baseAddress, let kb = k.baseAddress,
      let vb = v.baseAddress,
      let ob = o.baseAddress
    else { return }
    let g = p.groupSize
    let d = p.headDim
    let chunk = (p.keyLength + splits - 1) / splits
    let used = (p.keyLength + chunk - 1) / chunk
    let instances = p.batch * p.kvHeads
    let partial = UnsafeMutablePointer<Float>.allocate(
      capacity: instances * used * g * (d + 1))
    defer { partial.deallocate() }
    let shared = (
      SharedInput(base: qb), SharedInput(base: kb), SharedInput(base: vb)
    )
    let out = SharedOutput(base: ob)
    let parts = SharedOutput(base: partial)
    let workers = max(1, min(threads, instances * used))
    Parallel.run(threads: workers, items: instances * used) { _, item in
      let instance = item / used
      let split = item % used
      let b = instance / p.kvHeads
      let kvHead = instance % p.kvHeads
      let start = split * chunk
      let end = min(p.keyLength, start + chunk)
      splitForward(
        p, b: b, kvHead: kvHead, keys: start..<end,
        q: shared.0.base, k: shared.1.base, v: shared.2.base,
        partial: parts.base + (instance * used + split) * g * (d + 1),
        isa: isa)
    }
    Parallel.run(threads: workers, items: instances) { _, instance in
      combine(
        p, instance: instance, splits: used, partial: UnsafePointer(parts.base),
        o: out.base)
    }
  }

  /// One split: writes `g` rows of normalised O then `g` base-2 log-sum-exps.
  static func splitForward(
    _ p: AttentionProblem, b: Int, kvHead: Int, keys: Range<Int>,
    q: UnsafePointer<Float>,
    k: UnsafePointer<Float>, v: UnsafePointer<Float>,
    partial: UnsafeMutablePointer<Float>, isa: InstructionSet
  ) {
    typealias V = SIMD8<Float>
    let g = p.groupSize
    let d = p.headDim
    let block = 64
    // Queries padded to a multiple of 4 rows (zeros) for the 4×2 blocking.
    let paddedRows = (g + 3) / 4 * 4
    let qs = UnsafeMutablePointer<Float>.allocate(capacity: paddedRows * d)
    qs.initialize(repeating: 0, count: paddedRows * d)
    let s = UnsafeMutablePointer<Float>.allocate(capacity: paddedRows * block)
    let acc = UnsafeMutablePointer<Float>.allocate(capacity: g * d)
    defer {
      qs.deallocate()
      s.deallocate()
      acc.deallocate()
    }
    let scale = p.scale * 1.442_695_040_888_963_4
    for r in 0..<g {
      scaled(
        q + p.queryOffset(b, head: kvHead * g + r, position: 0), by: scale,
        count: d, into: qs + r * d)
    }
    acc.initialize(repeating: 0, count: g * d)
    // Running maximum and sum of each query row, beside the scores.
    let stats = UnsafeMutablePointer<Float>.allocate(capacity: 2 * g)
    defer { stats.deallocate() }
    let m = stats
    let l = stats + g
    m.initialize(repeating: -.infinity, count: g)
    l.initialize(repeating: 0, count: g)
    let kBase = k + p.keyOffset(b, kvHead: kvHead, position: 0)
    let vBase = v + p.keyOffset(b, kvHead: kvHead, position: 0)
    var key0 = keys.lowerBound
    while key0 < keys.upperBound {
      let cols = min(block, keys.upperBound - key0)
      // The next block's K and V, to prefetch while this one is scored.
      let nextKeys = min(block, keys.upperBound - key0 - cols)
      scores(
        qs: qs, rows: paddedRows, d: d, keys: kBase + key0 * d, count: cols,
        s: s, lds: block, isa: isa,
        ahead: (
          UnsafeRawPointer(kBase + (key0 + cols) * d),
          UnsafeRawPointer(vBase + (key0 + cols) * d),
          nextKeys * d / 16
        ))
      for r in 0..<g {
        let row = s + r * block
        var best = m[r]
        for j in 0..<cols { best = max(best, row[j]) }
        let sum = RowExp2.exponentiate(
          row, count: cols, shift: best, isa: isa)
        let alpha = m[r] == -.infinity ? 0 : exp2f(m[r] - best)
        if alpha != 1 {
          scaled(acc + r * d, by: alpha, count: d, into: acc + r * d)
        }
        l[r] = alpha * l[r] + sum
        m[r] = best
      }
      accumulate(
        weights: s, lds: block, rows: g, values: vBase + key0 * d, count: cols,
        d: d, acc: acc, isa: isa)
      key0 += cols
    }
    for r in 0..<g {
      scaled(acc + r * d, by: 1 / l[r], count: d, into: partial + r * d)
      partial[g * d + r] = m[r] + log2f(l[r])
    }
  }

  /// `into[i] = from[i] · factor` for `i < count`, eight lanes at a time.
  /// (Scalar, with overflow-checked indices and a division per element,
  /// these per-split row passes took 16% of a 1024-key decode.)
  @inline(__always)
  static func scaled(
    _ from: UnsafePointer<Float>, by factor: Float, count: Int,
    into: UnsafeMutablePointer<Float>
  ) {
    let f = SIMD8<Float>(repeating: factor)
    var x = 0
    while x + 8 <= count {
      MicroGEMM.store(MicroGEMM.load(from + x) * f, into + x)
      x &+= 8
    }
    while x < count {
      into[x] = from[x] * factor
      x &+= 1
    }
  }

  /// Scores of `rows` (a multiple of 4) scaled queries against `count`
  /// consecutive keys: 4 queries × 2 keys per step, eight independent FMA
  /// chains sharing each load, so the dot products are not latency-bound.
  ///
  /// Meanwhile it prefetches `ahead.lines` 64-byte lines of the next
  /// block's K and V, spread over the steps, so that the misses overlap
  /// this block's arithmetic. On the 2-core KVM host this was tuned on, the
  /// hardware prefetcher alone left it at half the probed DRAM read
  /// bandwidth; demand loads used as touches did little better, since a
  /// load that misses to DRAM holds retirement and the reorder buffer
  /// fills. (Prefetching a fixed distance ahead row by row, past the
  /// split's end, measured 4–8% slower.)
  @inline(__always)
  static func scores(
    qs: UnsafePointer<Float>, rows: Int, d: Int, keys: UnsafePointer<Float>,
    count: Int,
    s: UnsafeMutablePointer<Float>, lds: Int, isa: InstructionSet,
    ahead: (k: UnsafeRawPointer, v: UnsafeRawPointer, lines: Int)
  ) {
    #if arch(x86_64)
    if isa.isWide && rows % 4 == 0 {
      roofline_decode_scores_avx512(
        qs, rows, d, keys, count, s, lds, ahead.k, ahead.v, ahead.lines)
      return
    }
    #endif
    let steps = max((count + 1) / 2, 1)
    let perStep = (ahead.lines + steps - 1) / steps
    var line = 0
    typealias V = SIMD8<Float>
    guard d % 8 == 0 else {
      for r in 0..<rows {
        for j in 0..<count {
          var dot: Float = 0
          for x in 0..<d { dot += qs[r * d + x] * keys[j * d + x] }
          s[r * lds + j] = dot
        }
      }
      return
    }
    var j = 0
    while j < count {
      var t = 0
      while t < perStep && line < ahead.lines {
        roofline_prefetch(ahead.k + line * 64)
        roofline_prefetch(ahead.v + line * 64)
        line += 1
        t += 1
      }
      let k0 = keys + j * d
      let k1 = j + 1 < count ? k0 + d : k0
      var r = 0
      while r < rows {
        let q0 = qs + r * d
        var a00 = V()
        var a01 = V()
        var a10 = V()
        var a11 = V()
        var a20 = V()
        var a21 = V()
        var a30 = V()
        var a31 = V()
        var x = 0
        while x < d {
          let kv0 = MicroGEMM.load(k0 + x)
          let kv1 = MicroGEMM.load(k1 + x)
          var qv = MicroGEMM.load(q0 + x)
          a00.addProduct(qv, kv0)
          a01.addProduct(qv, kv1)
          qv = MicroGEMM.load(q0 + d + x)
          a10.addProduct(qv, kv0)
          a11.addProduct(qv, kv1)
          qv = MicroGEMM.load(q0 + 2 * d + x)
          a20.addProduct(qv, kv0)
          a21.addProduct(qv, kv1)
          qv = MicroGEMM.load(q0 + 3 * d + x)
          a30.addProduct(qv, kv0)
          a31.addProduct(qv, kv1)
          x += 8
        }
        s[r * lds + j] = VectorMath.sum(a00)
        s[(r + 1) * lds + j] = VectorMath.sum(a10)
        s[(r + 2) * lds + j] = VectorMath.sum(a20)
        s[(r + 3) * lds + j] = VectorMath.sum(a30)
        if j + 1 < count {
          s[r * lds + j + 1] = VectorMath.sum(a01)
          s[(r + 1) * lds + j + 1] = VectorMath.sum(a11)
          s[(r + 2) * lds + j + 1] = VectorMath.sum(a21)
          s[(r + 3) * lds + j + 1] = VectorMath.sum(a31)
        }
        r += 4
      }
      j += 2
    }
  }

  /// `acc[r] += Σ_j w[r][j] · V[j]` for each query row.
  ///
  /// Four rows at a time, 16 dimensions per pass over the block: eight
  /// accumulators in registers across all `count` keys, and per key two
  /// loads of V shared by the four rows (six loads per eight fused
  /// multiply-adds; one row at a time needed nine). Leftover rows take the
  /// same loop one row at a time, leftover dimensions a scalar loop.
  @inline(__always)
  static func accumulate(
    weights w: UnsafePointer<Float>, lds: Int, rows: Int,
    values: UnsafePointer<Float>,
    count: Int, d: Int, acc: UnsafeMutablePointer<Float>,
    isa: InstructionSet
  ) {
    #if arch(x86_64)
    if isa.isWide {
      roofline_decode_accumulate_avx512(w, lds, rows, values, count, d, acc)
      return
    }
    #endif
    typealias V = SIMD8<Float>
    let vectorDims = d / 16 * 16
    var r = 0
    while r + 4 <= rows {
      let a = acc + r * d
      let w0 = w + r * lds
      var x0 = 0
      while x0 < vectorDims {
        var a00 = MicroGEMM.load(a + x0)
        var a01 = MicroGEMM.load(a + x0 + 8)
        var a10 = MicroGEMM.load(a + d + x0)
        var a11 = MicroGEMM.load(a + d + x0 + 8)
        var a20 = MicroGEMM.load(a + 2 * d + x0)
        var a21 = MicroGEMM.load(a + 2 * d + x0 + 8)
        var a30 = MicroGEMM.load(a + 3 * d + x0)
        var a31 = MicroGEMM.load(a + 3 * d + x0 + 8)
        var vr = values + x0
        for j in 0..<count {
          let v0 = MicroGEMM.load(vr)
          let v1 = MicroGEMM.load(vr + 8)
          var weight = V(repeating: w0[j])
          a00.addProduct(weight, v0)
          a01.addProduct(weight, v1)
          weight = V(repeating: w0[lds + j])
          a10.addProduct(weight, v0)
          a11.addProduct(weight, v1)
          weight = V(repeating: w0[2 * lds + j])
          a20.addProduct(weight, v0)
          a21.addProduct(weight, v1)
          weight = V(repeating: w0[3 * lds + j])
          a30.addProduct(weight, v0)
          a31.addProduct(weight, v1)
          vr += d
        }
        MicroGEMM.store(a00, a + x0)
        MicroGEMM.store(a01, a + x0 + 8)
        MicroGEMM.store(a10, a + d + x0)
        MicroGEMM.store(a11, a + d + x0 + 8)
        MicroGEMM.store(a20, a + 2 * d + x0)
        MicroGEMM.store(a21, a + 2 * d + x0 + 8)
        MicroGEMM.store(a30, a + 3 * d + x0)
        MicroGEMM.store(a31, a + 3 * d + x0 + 8)
        x0 += 16
      }
      r += 4
    }
    while r < rows {
      let a = acc + r * d
      let wr = w + r * lds
      var x0 = 0
      while x0 < vectorDims {
        var a0 = MicroGEMM.load(a + x0)
        var a1 = MicroGEMM.load(a + x0 + 8)
        var vr = values + x0
        for j in 0..<count {
          let weight = V(repeating: wr[j])
          a0.addProduct(weight, MicroGEMM.load(vr))
          a1.addProduct(weight, MicroGEMM.load(vr + 8))
          vr += d
        }
        MicroGEMM.store(a0, a + x0)
        MicroGEMM.store(a1, a + x0 + 8)
        x0 += 16
      }
      r += 1
    }
    for r in 0..<rows {
      let a = acc + r * d
      let wr = w + r * lds
      for x in vectorDims..<d {
        var sum = a[x]
        for j in 0..<count { sum += wr[j] * values[j * d + x] }
        a[x] = sum
      }
    }
  }

  /// Combines the splits of one (batch, KV head) by their log-sum-exps.
  static func combine(
    _ p: AttentionProblem, instance: Int, splits: Int,
    partial: UnsafePointer<Float>,
    o: UnsafeMutablePointer<Float>
  ) {
    let g = p.groupSize
    let d = p.headDim
    let b = instance / p.kvHeads
    let kvHead = instance % p.kvHeads
    let stride = g * (d + 1)
    let base = partial + instance * splits * stride
    for r in 0..<g {
      var best = -Float.infinity
      for split in 0..<splits {
        best = max(best, base[split * stride + g * d + r])
      }
      let out = o + p.queryOffset(b, head: kvHead * g + r, position: 0)
      for x in 0..<d { out[x] = 0 }
      var total: Float = 0
      for split in 0..<splits {
        let w = exp2f(base[split * stride + g * d + r] - best)
        total += w
        for x in 0..<d { out[x] += w * base[split * stride + r * d + x] }
      }
      for x in 0..<d { out[x] /= total }
    }
  }
}
