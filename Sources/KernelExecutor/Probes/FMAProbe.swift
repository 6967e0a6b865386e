/// Measures the fused multiply-add peak: 12 independent `SIMD8<Float>`
/// accumulator chains (enough to cover Zen 3's 4-cycle FMA latency on two
/// pipes), each step `acc = acc · a + b`, 2 FLOPs per lane.
public enum FMAProbe {
  /// FLOPs one call of ``run(iterations:)`` performs: 12 chains × 8 lanes × 2.
  public static func flops(iterations: Int) -> Double {
    Double(iterations) * 12 * 8 * 2
  }

  /// FLOP/s of `threads` threads running the chains at once, over about
  /// `iterations` steps each (2 000 000 take some 4 ms on a 3 GHz core).
  public static func measure(threads: Int, iterations: Int = 2_000_000)
    -> Double
  {
    let seconds = Stopwatch.seconds {
      DispatchQueueRunner.onAll(threads) { _ in
        BlackHole.sink(run(iterations: iterations))
      }
    }
    return Double(threads) * flops(iterations: iterations) / seconds
  }

  /// Runs `iterations` steps of every chain and returns a value that
  /// depends on all of them.
  @inline(never)
  public static func run(iterations: Int) -> Float {
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
