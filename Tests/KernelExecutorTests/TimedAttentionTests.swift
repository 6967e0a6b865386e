import KernelExecutor
import TestSupport
import Testing

@Suite("Timed SIMD attention kernels match the double-precision reference")
struct TimedAttentionTests {
  @Test(
    "FlashAttention-2 within 2e-6, at sizes that hit the tails, in every instruction set this CPU runs",
    arguments: InstructionSet.supported,
    [
      // (N, d, causal, heads, kvHeads, threads, rowBlock): a 40-row block
      // pads to three 16-query panels, the AVX-512 kernel's odd tail.
      (1, 16, false, 1, 1, 1, 24), (7, 16, true, 2, 1, 1, 24),
      (31, 64, false, 2, 2, 2, 24), (32, 64, true, 4, 2, 2, 24),
      (33, 128, true, 1, 1, 1, 24), (1000, 64, true, 2, 1, 2, 24),
      (200, 128, false, 2, 1, 1, 24), (100, 48, true, 3, 3, 2, 24),
      (300, 64, true, 2, 1, 2, 40), (150, 32, false, 1, 1, 1, 40),
    ])
  func flash(
    isa: InstructionSet, shape: (Int, Int, Bool, Int, Int, Int, Int)
  ) {
    let (n, d, causal, heads, kvHeads, threads, rowBlock) = shape
    // Outputs are convex combinations of values in [-1, 1); the polynomial
    // exp2 (relative error < 2e-7) and fp32 dot products of ≤ 128 terms keep
    // the absolute error below 2e-6.
    let p = AttentionProblem(
      batch: 2, heads: heads, kvHeads: kvHeads, queryLength: n, headDim: d,
      causal: causal)
    let q = DeterministicRandom.values(seed: 1, count: p.queryElements)
    let k = DeterministicRandom.values(seed: 2, count: p.keyElements)
    let v = DeterministicRandom.values(seed: 3, count: p.keyElements)
    var o = [Float](repeating: .nan, count: p.queryElements)
    q.withUnsafeBufferPointer { qb in
      k.withUnsafeBufferPointer { kb in
        v.withUnsafeBufferPointer { vb in
          o.withUnsafeMutableBufferPointer { ob in
            FlashAttentionKernel.run(
              p, q: qb, k: kb, v: vb, o: ob, rowBlock: rowBlock,
              columnBlock: 30, threads: threads, isa: isa)
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
    "within 2e-6 for 1 to L splits, in every instruction set this CPU runs",
    arguments: InstructionSet.supported,
    [
      // (L, d, heads, kvHeads, splits, threads); d = 40 and 48 leave a
      // masked piece of 8 in the sixteen-lane scores and value sums.
      (1, 16, 1, 1, 1, 1), (7, 64, 8, 2, 3, 2), (1000, 128, 8, 1, 7, 2),
      (4096, 64, 32, 8, 16, 2), (33, 48, 4, 4, 33, 1), (100, 40, 6, 2, 3, 1),
    ])
  func decode(isa: InstructionSet, shape: (Int, Int, Int, Int, Int, Int)) {
    let (length, d, heads, kvHeads, splits, threads) = shape
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
              p, q: qb, k: kb, v: vb, o: ob, splits: splits, threads: threads,
              isa: isa)
          }
        }
      }
    }
    let reference = ReferenceAttention.run(p, q: q, k: k, v: v)
    let error = zip(o, reference).map { abs(Double($0) - $1) }.max() ?? .nan
    #expect(error < 2e-6)
  }
}

@Suite("Timed linear attention and selective scan match their references")
struct TimedRecurrentTests {
  @Test(
    "chunked linear attention within 1e-4 of the largest output, in every instruction set this CPU runs",
    arguments: InstructionSet.supported,
    [
      // (tokens, d_k, d_v, chunk, threads): 24 and 40 wide values leave
      // masked column pieces in the sixteen-lane product.
      (1, 16, 16, 64, 1), (7, 16, 32, 4, 2), (200, 64, 64, 64, 2),
      (257, 32, 16, 48, 1), (130, 24, 40, 20, 1),
    ])
  func linear(isa: InstructionSet, shape: (Int, Int, Int, Int, Int)) {
    let (tokens, keyDim, valueDim, chunk, threads) = shape
    // Outputs are sums of up to `tokens` products; fp32 error is relative
    // to their size, so compare against the largest reference value.
    let p = LinearAttentionProblem(
      batch: 2, heads: 2, tokens: tokens, keyDim: keyDim, valueDim: valueDim)
    let q = DeterministicRandom.values(seed: 1, count: p.keyElements)
    let k = DeterministicRandom.values(seed: 2, count: p.keyElements)
    let v = DeterministicRandom.values(seed: 3, count: p.valueElements)
    var o = [Float](repeating: .nan, count: p.valueElements)
    q.withUnsafeBufferPointer { qb in
      k.withUnsafeBufferPointer { kb in
        v.withUnsafeBufferPointer { vb in
          o.withUnsafeMutableBufferPointer { ob in
            LinearAttentionKernel.run(
              p, q: qb, k: kb, v: vb, o: ob, chunk: chunk, threads: threads,
              isa: isa)
          }
        }
      }
    }
    let reference = ReferenceRecurrent.linearAttention(p, q: q, k: k, v: v)
    let scale = reference.map(abs).max() ?? 1
    let error = zip(o, reference).map { abs(Double($0) - $1) }.max() ?? .nan
    #expect(error / scale < 1e-4)
  }

  @Test(
    "selective scan within 1e-4, in every instruction set this CPU runs",
    arguments: InstructionSet.supported,
    [
      // (L, channels, state, threads): 16, 48 and 64 channels run sixteen
      // wide under AVX-512, 8 and 24 eight wide.
      (1, 8, 1, 1), (64, 24, 16, 2), (33, 64, 15, 2), (40, 16, 5, 1),
      (70, 48, 16, 2),
    ])
  func scan(isa: InstructionSet, shape: (Int, Int, Int, Int)) {
    let (length, channels, state, threads) = shape
    // A in [-1, 0), Δ in [0, 0.5): exp(Δ·A) ≤ 1 keeps the state bounded.
    let p = SelectiveScanProblem(
      batch: 2, length: length, channels: channels, stateSize: state)
    let x = DeterministicRandom.values(seed: 10, count: p.sequenceElements)
    let delta = DeterministicRandom.values(seed: 11, count: p.sequenceElements)
      .map { ($0 + 1) / 4 }
    let a = DeterministicRandom.values(seed: 12, count: channels * state).map {
      -($0 + 1) / 2 - 0.01
    }
    let b = DeterministicRandom.values(seed: 13, count: p.inputElements)
    let c = DeterministicRandom.values(seed: 14, count: p.inputElements)
    let skip = DeterministicRandom.values(seed: 15, count: channels)
    var y = [Float](repeating: .nan, count: p.sequenceElements)
    x.withUnsafeBufferPointer { xb in
      delta.withUnsafeBufferPointer { db in
        a.withUnsafeBufferPointer { ab in
          b.withUnsafeBufferPointer { bb in
            c.withUnsafeBufferPointer { cb in
              skip.withUnsafeBufferPointer { sb in
                y.withUnsafeMutableBufferPointer { yb in
                  SelectiveScanKernel.run(
                    p, x: xb, delta: db, a: ab, b: bb, c: cb, skip: sb, y: yb,
                    threads: threads, isa: isa)
                }
              }
            }
          }
        }
      }
    }
    let reference = ReferenceRecurrent.selectiveScan(
      p, x: x, delta: delta, a: a, b: b, c: c, skip: skip)
    let error = zip(y, reference).map { abs(Double($0) - $1) }.max() ?? .nan
    #expect(error < 1e-4)
  }
}

@Suite("Instrumented and timed kernels produce the same outputs")
struct InstrumentedMatchesTimedTests {
  @Test(
    "FlashAttention-2 on the simulated SRAM and the SIMD kernel agree within 2e-6",
    arguments: [(33, 64, false), (100, 128, true), (7, 16, true)])
  func flash(n: Int, d: Int, causal: Bool) throws {
    // Both compute the same softmax(QKᵀ/√d)V in fp32 with different
    // summation orders and exp implementations; each is within 2e-6 of the
    // double reference, so they agree within 2e-6 of each other.
    let p = AttentionProblem(
      heads: 4, kvHeads: 2, queryLength: n, headDim: d, causal: causal)
    var random = DeterministicRandom(seed: 21)
    let q = random.values(p.queryElements)
    let k = random.values(p.keyElements)
    let v = random.values(p.keyElements)
    let instrumented = try InstrumentedFlashAttention.run(
      p, q: q, k: k, v: v, rowBlock: 8, columnBlock: 4, order: .queryOuter,
      memory: SimulatedMemory(sramBytes: 1 << 20))
    var timed = [Float](repeating: .nan, count: p.queryElements)
    q.withUnsafeBufferPointer { qb in
      k.withUnsafeBufferPointer { kb in
        v.withUnsafeBufferPointer { vb in
          timed.withUnsafeMutableBufferPointer { ob in
            FlashAttentionKernel.run(
              p, q: qb, k: kb, v: vb, o: ob, rowBlock: 16, columnBlock: 12)
          }
        }
      }
    }
    let difference = zip(instrumented, timed).map { abs($0 - $1) }.max() ?? .nan
    #expect(difference < 2e-6)
  }
}

@Suite("Timed block-sparse FlashAttention matches the instrumented kernel")
struct TimedBlockSparseTests {
  @Test(
    "the same key blocks visited: outputs within 2e-6 of the instrumented kernel's",
    arguments: [
      // (N, d, causal, density)
      (200, 32, true, 0.1), (200, 32, true, 0.4), (200, 32, false, 0.25),
      (97, 64, true, 0.5), (300, 16, true, 1.0),
    ])
  func sparse(n: Int, d: Int, causal: Bool, density: Double) throws {
    // One query head per KV head, so both kernels' row blocks are the
    // same 24 positions and their key blocks the same 30 keys; the sums
    // run in different orders, within fp32 rounding of values in [-1, 1).
    let p = AttentionProblem(
      batch: 1, heads: 2, kvHeads: 2, queryLength: n, headDim: d,
      causal: causal)
    let q = DeterministicRandom.values(seed: 4, count: p.queryElements)
    let k = DeterministicRandom.values(seed: 5, count: p.keyElements)
    let v = DeterministicRandom.values(seed: 6, count: p.keyElements)
    var o = [Float](repeating: .nan, count: p.queryElements)
    q.withUnsafeBufferPointer { qb in
      k.withUnsafeBufferPointer { kb in
        v.withUnsafeBufferPointer { vb in
          o.withUnsafeMutableBufferPointer { ob in
            FlashAttentionKernel.run(
              p, q: qb, k: kb, v: vb, o: ob, rowBlock: 24, columnBlock: 30,
              threads: 2, density: density)
          }
        }
      }
    }
    let instrumented = try InstrumentedBlockSparseAttention.run(
      p, q: q, k: k, v: v, rowBlock: 24, columnBlock: 30, density: density,
      memory: SimulatedMemory(sramBytes: 1 << 24))
    let error =
      zip(o, instrumented).map { abs(Double($0) - Double($1)) }.max() ?? .nan
    #expect(error < 2e-6)
  }
}
