import CHostKernels

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Online softmax down the columns of a transposed score block `Sᵀ`
/// (keys × queries), eight queries per vector, in base 2.
enum OnlineSoftmaxColumns {
  typealias Vector = SIMD8<Float>

  /// Folds `cols` keys into the first `queries` (a multiple of 8) query
  /// columns of `Sᵀ`, whose rows are `ldc` apart.
  ///
  /// Updates the running max `m` and sum `l`, rescales the columns of `Oᵀ`
  /// (`dRows` rows) when the max moves, and leaves `2^(s − m)` in `Sᵀ` for
  /// the `Vᵀ·Pᵀ` product. With `maskFrom`,
  /// key `key0 + j` is hidden from query column `r` when
  /// `key0 + j > firstLimit + r` (the causal diagonal).
  ///
  /// `blockMax`, when given, holds each column's largest score in this
  /// block (computed by the score product's epilogue), sparing a pass.
  ///
  /// `2^x` is the polynomial of ``exp2Lanes(_:)``, written out here with
  /// its constants hoisted out of the loop: calling the inlined helper
  /// rebuilds them per vector and made this kernel 25–40% slower
  /// (`roofline bench`, N = 2048, d = 64: 67 against 40–50 GFLOP/s).
  @inline(never)
  static func update(
    _ st: UnsafeMutablePointer<Float>, ldc: Int, queries: Int, cols: Int,
    m: UnsafeMutablePointer<Float>,
    l: UnsafeMutablePointer<Float>, ot: UnsafeMutablePointer<Float>, dRows: Int,
    maskFrom: (key0: Int, firstLimit: Int)?, blockMax: UnsafePointer<Float>?,
    isa: InstructionSet = .widest
  ) {
    #if arch(x86_64)
    // Sixteen queries per vector (`queries` is a multiple of 16: the
    // kernel pads and skips whole 16-query panels).
    if isa.isWide && queries % 16 == 0 {
      roofline_softmax_columns_avx512(
        st, ldc, queries, cols, m, l, ot, dRows, maskFrom == nil ? 0 : 1,
        maskFrom?.key0 ?? 0, maskFrom?.firstLimit ?? 0, blockMax)
      return
    }
    #endif
    let magic = Vector(repeating: 12_582_912)
    let low = Vector(repeating: -126)
    // Degree-5 near-minimax fit of 2^f on [−½, ½] (Lawson-weighted least
    // squares): relative error 7.5e-8, 2.3e-7 evaluated in fp32.
    let c5 = Vector(repeating: 1.327_647_152_014_423e-3)
    let c4 = Vector(repeating: 9.675_541_330_699_089e-3)
    let c3 = Vector(repeating: 5.550_713_274_959_705e-2)
    let c2 = Vector(repeating: 0.240_221_197_239_335)
    let c1 = Vector(repeating: 0.693_146_967_063_866_2)
    let c0 = Vector(repeating: 1.000_000_071_654_656_7)
    let minusInfinity = Vector(repeating: -.infinity)
    let lanes = Vector(0, 1, 2, 3, 4, 5, 6, 7)
    for group in stride(from: 0, to: queries, by: 8) {
      let old = MicroGEMM.load(m + group)
      var best0 = old
      var best1 = minusInfinity
      if let mask = maskFrom {
        let limit = lanes + Vector(repeating: Float(mask.firstLimit + group))
        for j in 0..<cols {
          let at = st + j * ldc + group
          let hidden = Vector(repeating: Float(mask.key0 + j)) .> limit
          let value = MicroGEMM.load(at).replacing(
            with: minusInfinity, where: hidden)
          MicroGEMM.store(value, at)
          best0 = VectorMath.maximum(best0, value)
        }
      } else if let blockMax {
        best0 = VectorMath.maximum(best0, MicroGEMM.load(blockMax + group))
      } else {
        var j = 0
        while j + 2 <= cols {
          best0 = VectorMath.maximum(
            best0, MicroGEMM.load(st + j * ldc + group))
          best1 = VectorMath.maximum(
            best1, MicroGEMM.load(st + (j + 1) * ldc + group))
          j += 2
        }
        if j < cols {
          best0 = VectorMath.maximum(
            best0, MicroGEMM.load(st + j * ldc + group))
        }
      }
      let best = VectorMath.maximum(best0, best1)
      // Columns with no visible key yet keep a max of −∞; shift them by 0.
      let shift = best.replacing(with: 0, where: best .== minusInfinity)
      var sum = Vector()
      var at = st + group
      for _ in 0..<cols {
        // x ≤ 0 after subtracting the max: only the lower clamp is needed.
        let clamped = VectorMath.maximum(MicroGEMM.load(at) - shift, low)
        let shifted = clamped + magic
        let f = clamped - (shifted - magic)
        var poly = c4.addingProduct(c5, f)
        poly = c3.addingProduct(poly, f)
        poly = c2.addingProduct(poly, f)
        poly = c1.addingProduct(poly, f)
        poly = c0.addingProduct(poly, f)
        // 2^n enters as n added to the exponent field of 2^f ∈ [2^−½, 2^½]:
        // the low bits of `shifted` hold n, and the magic number's own bits
        // leave the field when shifted by 23. A masked score (−∞) is clamped
        // to −126 and weighs below 2^−125 instead of 0: under fp32
        // resolution against any visible key.
        let e = unsafeBitCast(
          unsafeBitCast(poly, to: SIMD8<Int32>.self)
            &+ (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &<< 23),
          to: Vector.self)
        MicroGEMM.store(e, at)
        sum += e
        at += ldc
      }
      if old != best {
        var alpha = Vector()
        for lane in 0..<8 where old[lane] > -.infinity {
          alpha[lane] = exp2f(old[lane] - shift[lane])
        }
        for x in 0..<dRows {
          let at = ot + x * ldc + group
          MicroGEMM.store(MicroGEMM.load(at) * alpha, at)
        }
        MicroGEMM.store(alpha * MicroGEMM.load(l + group) + sum, l + group)
        MicroGEMM.store(best, m + group)
      } else {
        MicroGEMM.store(MicroGEMM.load(l + group) + sum, l + group)
      }
    }
  }
}
