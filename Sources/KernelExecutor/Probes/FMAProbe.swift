import CHostKernels

/// Measures the fused multiply-add peak of an instruction set.
///
/// 12 independent accumulator chains of its vector width (enough to cover
/// a 4-cycle FMA latency on two pipes), each step `acc = acc · a + b`, 2
/// FLOPs per lane. Eight lanes are `SIMD8<Float>` (AVX2 on x86-64, NEON on
/// arm64); sixteen are AVX-512 (`roofline_fma_chains_avx512`).
public enum FMAProbe {
  /// FLOPs one call of ``run(iterations:isa:)`` performs: 12 chains ×
  /// `isa`'s lanes × 2.
  public static func flops(
    iterations: Int, isa: InstructionSet = .widest
  ) -> Double {
    Double(iterations) * 12 * Double(isa.lanes) * 2
  }

  /// FLOP/s of `threads` threads running the chains at once, over about
  /// `iterations` steps each (2 000 000 take some 4 ms on a 3 GHz core).
  public static func measure(
    threads: Int, iterations: Int = 2_000_000, isa: InstructionSet = .widest
  ) -> Double {
    let seconds = Stopwatch.seconds {
      DispatchQueueRunner.onAll(threads) { _ in
        BlackHole.sink(run(iterations: iterations, isa: isa))
      }
    }
    return Double(threads) * flops(iterations: iterations, isa: isa) / seconds
  }

  /// Runs `iterations` steps of every chain in `isa` and returns a value
  /// that depends on all of them.
  public static func run(iterations: Int, isa: InstructionSet = .widest)
    -> Float
  {
    #if arch(x86_64)
    if isa.isWide { return roofline_fma_chains_avx512(iterations) }
    #endif
    return runEightLanes(iterations: iterations)
  }

  @inline(never)
  static func runEightLanes(iterations: Int) -> Float {
    typealias V = SIMD8<Float>
    let a = V(repeating: 0.999_999)
    let b = V(repeating: 1e-7)
    var c0 = V(repeating: 1)
    var c1 = V(repeating: 1.1)
    var c2 = V(repeating: 1.2)
    var c3 = V(repeating: 1.3)
    var c4 = V(repeating: 1.4)
    var c5 = V(repeating: 1.5)
    var c6 = V(repeating: 1.6)
    var c7 = V(repeating: 1.7)
    var c8 = V(repeating: 1.8)
    var c9 = V(repeating: 1.9)
    var c10 = V(repeating: 2.0)
    var c11 = V(repeating: 2.1)
    for _ in 0..<iterations {
      c0 = b.addingProduct(c0, a)
      c1 = b.addingProduct(c1, a)
      c2 = b.addingProduct(c2, a)
      c3 = b.addingProduct(c3, a)
      c4 = b.addingProduct(c4, a)
      c5 = b.addingProduct(c5, a)
      c6 = b.addingProduct(c6, a)
      c7 = b.addingProduct(c7, a)
      c8 = b.addingProduct(c8, a)
      c9 = b.addingProduct(c9, a)
      c10 = b.addingProduct(c10, a)
      c11 = b.addingProduct(c11, a)
    }
    let sum = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11
    return sum.sum()
  }
}
