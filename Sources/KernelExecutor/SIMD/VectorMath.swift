/// Small SIMD helpers that lower to single AVX2 instructions.
enum VectorMath {
  /// Lane-wise maximum (Swift's generic `pointwiseMax` is not lowered to
  /// `vmaxps`).
  @inline(__always)
  static func maximum(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    a.replacing(with: b, where: a .< b)
  }
}
