/// Small SIMD helpers that lower to single AVX2 instructions.
enum VectorMath {
  /// Lane-wise maximum (Swift's generic `pointwiseMax` is not lowered to
  /// `vmaxps`).
  @inline(__always)
  static func maximum(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    a.replacing(with: b, where: a .< b)
  }

  /// Sum of the lanes by halving (Swift's generic `sum()` is a scalar loop).
  @inline(__always)
  static func sum(_ v: SIMD8<Float>) -> Float {
    let four = v.lowHalf + v.highHalf
    let two = four.lowHalf + four.highHalf
    return two[0] + two[1]
  }
}
