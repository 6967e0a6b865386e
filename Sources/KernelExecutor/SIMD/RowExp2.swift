#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// `2^(x − shift)` over a contiguous row, in place, returning the sum: the
/// polynomial of ``OnlineSoftmaxColumns`` with its constants hoisted, one
/// call per row (Swift declines to inline a per-vector helper).
enum RowExp2 {
  typealias Vector = SIMD8<Float>

  @inline(never)
  static func exponentiate(
    _ row: UnsafeMutablePointer<Float>, count: Int, shift: Float
  ) -> Float {
    let magic = Vector(repeating: 12_582_912)
    let low = Vector(repeating: -126)
    let high = Vector(repeating: 126)
    let c6 = Vector(repeating: 1.540_353_039_338_161e-4)
    let c5 = Vector(repeating: 1.333_355_814_642_844e-3)
    let c4 = Vector(repeating: 9.618_129_107_628_477e-3)
    let c3 = Vector(repeating: 5.550_410_866_482_158e-2)
    let c2 = Vector(repeating: 0.240_226_506_959_100_7)
    let c1 = Vector(repeating: 0.693_147_180_559_945_3)
    let one = Vector(repeating: 1)
    let s = Vector(repeating: shift)
    var sum = Vector()
    var j = 0
    while j + 8 <= count {
      let x = MicroGEMM.load(row + j) - s
      var clamped = x.replacing(with: low, where: x .< low)
      clamped = clamped.replacing(with: high, where: clamped .> high)
      let shifted = clamped + magic
      let f = clamped - (shifted - magic)
      var p = c5.addingProduct(c6, f)
      p = c4.addingProduct(p, f)
      p = c3.addingProduct(p, f)
      p = c2.addingProduct(p, f)
      p = c1.addingProduct(p, f)
      p = one.addingProduct(p, f)
      let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
      let scale = unsafeBitCast((integer &+ 127) &<< 23, to: Vector.self)
      let e = (p * scale).replacing(with: 0, where: x .< low)
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
