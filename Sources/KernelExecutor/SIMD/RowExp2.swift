import CHostKernels

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// `2^(x − shift)` over a contiguous row, in place, returning the sum.
enum RowExp2 {
  typealias Vector = SIMD8<Float>

  @inline(never)
  static func exponentiate(
    _ row: UnsafeMutablePointer<Float>, count: Int, shift: Float,
    isa: InstructionSet = .widest
  ) -> Float {
    #if arch(x86_64)
    if isa.isWide { return roofline_row_exp2_avx512(row, count, shift) }
    #endif
    let s = Vector(repeating: shift)
    var sum = Vector()
    var j = 0
    while j + 8 <= count {
      let e = exp2Lanes(MicroGEMM.load(row + j) - s)
      MicroGEMM.store(e, row + j)
      sum += e
      j += 8
    }
    var total = sum.sum()
    while j < count {
      let e = exp2f(row[j] - shift)
      row[j] = e
      total += e
      j += 1
    }
    return total
  }
}
