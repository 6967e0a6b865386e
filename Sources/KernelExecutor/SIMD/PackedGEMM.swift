import CHostKernels

/// `C[m×n] (+)= A · B` on panel-packed operands (the BLIS layout).
///
/// Used by the inner loops of the attention kernels. Callers pad `m` to a multiple of 6
/// and `n` to a multiple of 16.
///
/// - A is in 6-row panels: panel `p` starts at `a + p·aPanelStride` and
///   holds `k` steps of 6 values (`A[6p + r][x]` at offset `6x + r`).
/// - B is in 16-column panels: panel `q` starts at `b + q·bPanelStride` and
///   holds `k` steps of 16 values, `bStep` floats apart (`B[x][16q + c]` at
///   offset `x·bStep + c`). A row-major B is the case `bPanelStride = 16`,
///   `bStep = ldb`.
///
/// The micro-kernel keeps 12 `SIMD8<Float>` accumulators: per step two
/// vector loads of B, six broadcasts of A from consecutive addresses, twelve
/// fused multiply-adds.
enum PackedGEMM {
  typealias Vector = SIMD8<Float>

  /// Multiplies, writing the whole padded `m × n` of C.
  ///
  /// With `columnMax`,
  /// also raises `columnMax[j]` to the largest `C[i][j]` (fused into the
  /// micro-kernel's epilogue, which holds the tile in registers), for
  /// `accumulate == false` and every row valid. With `isa` AVX-512 the
  /// tile is 6×32 (two B panels) in sixteen-lane registers
  /// (`roofline_packed_gemm_avx512`).
  static func multiply(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, aPanelStride: Int,
    b: UnsafePointer<Float>, bPanelStride: Int, bStep: Int,
    c: UnsafeMutablePointer<Float>,
    ldc: Int, accumulate: Bool, columnMax: UnsafeMutablePointer<Float>? = nil,
    isa: InstructionSet = .widest
  ) {
    precondition(m % 6 == 0 && n % 16 == 0, "pad m to 6 and n to 16")
    #if arch(x86_64)
    if isa.isWide {
      roofline_packed_gemm_avx512(
        m, n, k, a, aPanelStride, b, bPanelStride, bStep, c, ldc,
        accumulate ? 1 : 0, columnMax)
      return
    }
    #endif
    for q in 0..<n / 16 {
      for p in 0..<m / 6 {
        kernel(
          k: k, a: a + p * aPanelStride, b: b + q * bPanelStride, bStep: bStep,
          c: c + p * 6 * ldc + q * 16, ldc: ldc, accumulate: accumulate,
          columnMax: columnMax.map { $0 + q * 16 })
      }
    }
  }

  @inline(__always)
  static func kernel(
    k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, bStep: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
    columnMax: UnsafeMutablePointer<Float>?
  ) {
    var c00 = Vector()
    var c01 = Vector()
    var c10 = Vector()
    var c11 = Vector()
    var c20 = Vector()
    var c21 = Vector()
    var c30 = Vector()
    var c31 = Vector()
    var c40 = Vector()
    var c41 = Vector()
    var c50 = Vector()
    var c51 = Vector()
    var pa = a
    var pb = b
    for _ in 0..<k {
      let b0 = MicroGEMM.load(pb)
      let b1 = MicroGEMM.load(pb + 8)
      var s = Vector(repeating: pa[0])
      c00.addProduct(s, b0)
      c01.addProduct(s, b1)
      s = Vector(repeating: pa[1])
      c10.addProduct(s, b0)
      c11.addProduct(s, b1)
      s = Vector(repeating: pa[2])
      c20.addProduct(s, b0)
      c21.addProduct(s, b1)
      s = Vector(repeating: pa[3])
      c30.addProduct(s, b0)
      c31.addProduct(s, b1)
      s = Vector(repeating: pa[4])
      c40.addProduct(s, b0)
      c41.addProduct(s, b1)
      s = Vector(repeating: pa[5])
      c50.addProduct(s, b0)
      c51.addProduct(s, b1)
      pa += 6
      pb += bStep
    }
    MicroGEMM.finish(c, c00, c01, accumulate)
    MicroGEMM.finish(c + ldc, c10, c11, accumulate)
    MicroGEMM.finish(c + 2 * ldc, c20, c21, accumulate)
    MicroGEMM.finish(c + 3 * ldc, c30, c31, accumulate)
    MicroGEMM.finish(c + 4 * ldc, c40, c41, accumulate)
    MicroGEMM.finish(c + 5 * ldc, c50, c51, accumulate)
    if let columnMax {
      typealias M = VectorMath
      let low = M.maximum(
        M.maximum(M.maximum(c00, c10), M.maximum(c20, c30)), M.maximum(c40, c50)
      )
      let high = M.maximum(
        M.maximum(M.maximum(c01, c11), M.maximum(c21, c31)), M.maximum(c41, c51)
      )
      MicroGEMM.store(M.maximum(MicroGEMM.load(columnMax), low), columnMax)
      MicroGEMM.store(
        M.maximum(MicroGEMM.load(columnMax + 8), high), columnMax + 8)
    }
  }
}
