/// `2^x` for eight lanes.
///
/// Built from operations that lower to single AVX2 instructions (Swift's
/// generic SIMD rounding and integer conversion do not): `x = n + f` with `n = round(x)` by the magic-number trick
/// (`(x + 1.5·2^23) − 1.5·2^23`), `2^f` by a degree-5 near-minimax
/// polynomial in fused multiply-adds (relative error 7.5e-8 on `[−½, ½]`,
/// 2.3e-7 evaluated in fp32), `2^n` written into the exponent bits. Inputs below −126 give
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
  // Degree-5 near-minimax fit (Lawson-weighted least squares on [−½, ½]).
  var p = V(repeating: 9.675_541_330_699_089e-3).addingProduct(
    V(repeating: 1.327_647_152_014_423e-3), f)
  p = V(repeating: 5.550_713_274_959_705e-2).addingProduct(p, f)
  p = V(repeating: 0.240_221_197_239_335).addingProduct(p, f)
  p = V(repeating: 0.693_146_967_063_866_2).addingProduct(p, f)
  p = V(repeating: 1.000_000_071_654_656_7).addingProduct(p, f)
  let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
  let scale = unsafeBitCast((integer &+ 127) &<< 23, to: V.self)
  return (p * scale).replacing(with: 0, where: x .< low)
}
