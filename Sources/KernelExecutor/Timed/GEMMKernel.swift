/// The packed micro-kernel on its own: `C[m×n] = A[m×k] · B[k×n]` with
/// operands already packed, repeated over a small working set, to show how
/// close the attention kernels' inner products run to the FMA peak.
public enum GEMMKernel {
  /// Runs `repeats` products of `m × n × k` (`m` a multiple of 6, `n` of
  /// 16) on packed operands that stay in cache, in `isa`'s micro-kernel;
  /// returns the FLOPs done.
  @discardableResult
  public static func run(
    m: Int, n: Int, k: Int, repeats: Int, isa: InstructionSet = .widest
  ) -> Double {
    precondition(m % 6 == 0 && n % 16 == 0 && k > 0 && repeats > 0)
    // On cache lines, as the attention kernels' scratch is: a 64-byte
    // load that splits two lines costs two on Intel cores (the Xeon host
    // of a lent GPU machine ran this 30% slower unaligned).
    let line = FlashAttentionKernel.Scratch.lineAligned
    let a = line(m * k)
    let b = line(k * n)
    let c = line(m * n)
    defer {
      for pointer in [a, b, c] { UnsafeMutableRawPointer(pointer).deallocate() }
    }
    a.initialize(repeating: 0.5, count: m * k)
    b.initialize(repeating: 0.25, count: k * n)
    for _ in 0..<repeats {
      PackedGEMM.multiply(
        m: m, n: n, k: k, a: a, aPanelStride: 6 * k, b: b, bPanelStride: 16 * k,
        bStep: 16,
        c: c, ldc: n, accumulate: false, isa: isa)
    }
    BlackHole.sink(c[0])
    return 2 * Double(m * n * k * repeats)
  }
}
