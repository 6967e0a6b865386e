import CHostKernels

/// `C[m×n] (+)= A[m×k] · B[k×n]`, row-major with leading dimensions.
///
/// Built on a 6×16 register-blocked micro-kernel: 12 `SIMD8<Float>` accumulators,
/// one broadcast of A and two vector loads of B per step of k, 12 fused
/// multiply-adds. Zen 3 has 16 ymm registers and two FMA pipes.
enum MicroGEMM {
  typealias Vector = SIMD8<Float>

  /// Multiplies, overwriting C unless `accumulate`; with `isa` AVX-512, in
  /// 6×32 sixteen-lane tiles with masked edges (`roofline_gemm_avx512`).
  @inline(__always)
  static func multiply(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>,
    ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
    isa: InstructionSet = .widest
  ) {
    #if arch(x86_64)
    if isa.isWide {
      roofline_gemm_avx512(
        m, n, k, a, lda, b, ldb, c, ldc, accumulate ? 1 : 0)
      return
    }
    #endif
    var row = 0
    while row + 6 <= m {
      var col = 0
      while col + 16 <= n {
        kernel6x16(
          k: k, a: a + row * lda, lda: lda, b: b + col, ldb: ldb,
          c: c + row * ldc + col,
          ldc: ldc, accumulate: accumulate)
        col += 16
      }
      if col < n {
        for r in row..<row + 6 {
          edge(
            n: n - col, k: k, a: a + r * lda, b: b + col, ldb: ldb,
            c: c + r * ldc + col,
            accumulate: accumulate)
        }
      }
      row += 6
    }
    while row < m {
      edge(
        n: n, k: k, a: a + row * lda, b: b, ldb: ldb, c: c + row * ldc,
        accumulate: accumulate)
      row += 1
    }
  }

  @inline(__always)
  static func load(_ p: UnsafePointer<Float>) -> Vector {
    UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
  }

  @inline(__always)
  static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
  }

  @inline(__always)
  static func kernel6x16(
    k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>,
    ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
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
      let b0 = load(pb)
      let b1 = load(pb + 8)
      var s = Vector(repeating: pa[0])
      c00.addProduct(s, b0)
      c01.addProduct(s, b1)
      s = Vector(repeating: pa[lda])
      c10.addProduct(s, b0)
      c11.addProduct(s, b1)
      s = Vector(repeating: pa[2 * lda])
      c20.addProduct(s, b0)
      c21.addProduct(s, b1)
      s = Vector(repeating: pa[3 * lda])
      c30.addProduct(s, b0)
      c31.addProduct(s, b1)
      s = Vector(repeating: pa[4 * lda])
      c40.addProduct(s, b0)
      c41.addProduct(s, b1)
      s = Vector(repeating: pa[5 * lda])
      c50.addProduct(s, b0)
      c51.addProduct(s, b1)
      pa += 1
      pb += ldb
    }
    finish(c, c00, c01, accumulate)
    finish(c + ldc, c10, c11, accumulate)
    finish(c + 2 * ldc, c20, c21, accumulate)
    finish(c + 3 * ldc, c30, c31, accumulate)
    finish(c + 4 * ldc, c40, c41, accumulate)
    finish(c + 5 * ldc, c50, c51, accumulate)
  }

  @inline(__always)
  static func finish(
    _ p: UnsafeMutablePointer<Float>, _ v0: Vector, _ v1: Vector,
    _ accumulate: Bool
  ) {
    if accumulate {
      store(load(p) + v0, p)
      store(load(p + 8) + v1, p + 8)
    } else {
      store(v0, p)
      store(v1, p + 8)
    }
  }

  /// One row of C over `n` columns: 8-wide where possible, scalar at the end.
  @inline(__always)
  static func edge(
    n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, accumulate: Bool
  ) {
    var col = 0
    while col + 8 <= n {
      var acc = Vector()
      for x in 0..<k {
        acc.addProduct(Vector(repeating: a[x]), load(b + x * ldb + col))
      }
      let p = c + col
      store(accumulate ? load(p) + acc : acc, p)
      col += 8
    }
    while col < n {
      var acc: Float = 0
      for x in 0..<k { acc = acc.addingProduct(a[x], b[x * ldb + col]) }
      c[col] = accumulate ? c[col] + acc : acc
      col += 1
    }
  }
}
