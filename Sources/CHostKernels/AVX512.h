// Shared by the AVX-512 kernels: the target attribute and 2^x on 16 lanes.
#ifndef ROOFLINE_AVX512_H
#define ROOFLINE_AVX512_H
#include <immintrin.h>

#define AVX512 \
  __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma")))
#define AVX512_INLINE static inline AVX512 __attribute__((always_inline))

/// The lanes of a sixteen-float piece that hold its first `count` floats
/// (none when `count` ≤ 0, all from 16).
AVX512_INLINE __mmask16 first_lanes(long count) {
  if (count <= 0) return 0;
  return count >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << count) - 1);
}

/// 2^x for x ≤ 0 (clamped below at −126, where it is 2^−126, not 0), as
/// KernelExecutor's exp2Lanes: x = n + f with n = round(x) by the
/// magic-number trick, 2^f by the same degree-5 near-minimax polynomial
/// (relative error 7.5e-8 on [−½, ½]), n added to the exponent field.
AVX512_INLINE __m512 exp2_nonpositive(__m512 x) {
  const __m512 magic = _mm512_set1_ps(12582912.0f);
  __m512 clamped = _mm512_max_ps(x, _mm512_set1_ps(-126.0f));
  __m512 shifted = _mm512_add_ps(clamped, magic);
  __m512 f = _mm512_sub_ps(clamped, _mm512_sub_ps(shifted, magic));
  __m512 p = _mm512_fmadd_ps(_mm512_set1_ps(1.327647152014423e-3f), f,
                             _mm512_set1_ps(9.675541330699089e-3f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(5.550713274959705e-2f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(0.240221197239335f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(0.6931469670638662f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(1.0000000716546567f));
  __m512i bits = _mm512_add_epi32(
      _mm512_castps_si512(p),
      _mm512_slli_epi32(_mm512_castps_si512(shifted), 23));
  return _mm512_castsi512_ps(bits);
}

/// 2^x for any x, 0 below −126 (the selective scan's exp(Δ·A)).
AVX512_INLINE __m512 exp2_any(__m512 x) {
  const __m512 low = _mm512_set1_ps(-126.0f);
  __m512 clamped = _mm512_min_ps(x, _mm512_set1_ps(126.0f));
  __mmask16 under = _mm512_cmp_ps_mask(x, low, _CMP_LT_OQ);
  __m512 e = exp2_nonpositive(clamped);
  // exp2_nonpositive adds n to the exponent of 2^f, valid for any n in
  // [−126, 126]; only its lower clamp assumed x ≤ 0.
  return _mm512_mask_mov_ps(e, under, _mm512_setzero_ps());
}
#endif
