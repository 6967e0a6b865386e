/// `2^x` for eight lanes.
///
/// Built from operations that lower to single AVX2 instructions (Swift's
/// generic SIMD rounding and integer conversion do not): `x = n + f` with `n = round(x)` by the magic-number trick
/// (`(x + 1.5·2^23) − 1.5·2^23`), `2^f` by the degree-6 Taylor polynomial
/// of `e^{f·ln2}` in fused multiply-adds (relative error below 2e-7 on
/// `[−½, ½]`), `2^n` written into the exponent bits. Inputs below −126 give
/// 0, as a masked score (−∞) must. A free function with local constants,
/// because Swift inlines it where it declines to inline the same code as a
/// method of a struct holding the constants.
@inline(__always)
func exp2Lanes(_ x: SIMD8<Float>) -> SIMD8<Float> {
  typealias V = SIMD8<Float>
  let low = V(repeating: -126)
  let high = V(repeating: 126)
  let magic = V(repeating: 12_582_912)
  var clamped = x.replacing(with: low, where: x .< low)
  clamped = clamped.replacing(with: high, where: clamped .> high)
  let shifted = clamped + magic
  let f = clamped - (shifted - magic)
  var p = V(repeating: 1.333_355_814_642_844e-3).addingProduct(
    V(repeating: 1.540_353_039_338_161e-4), f)
  p = V(repeating: 9.618_129_107_628_477e-3).addingProduct(p, f)
  p = V(repeating: 5.550_410_866_482_158e-2).addingProduct(p, f)
  p = V(repeating: 0.240_226_506_959_100_7).addingProduct(p, f)
  p = V(repeating: 0.693_147_180_559_945_3).addingProduct(p, f)
  p = V(repeating: 1).addingProduct(p, f)
  let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
  let scale = unsafeBitCast((integer &+ 127) &<< 23, to: V.self)
  return (p * scale).replacing(with: 0, where: x .< low)
}
