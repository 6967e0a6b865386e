// AVX-512 split-KV decode: the scores of a GQA group against a block of
// cached keys, and the weighted sum of their values.
#include "CHostKernels.h"

#if defined(__x86_64__)
#include "AVX512.h"

AVX512 void roofline_decode_scores_avx512(const float *qs, long rows, long d,
                                          const float *keys, long count,
                                          float *s, long lds,
                                          const void *ahead_k,
                                          const void *ahead_v, long lines) {
  long steps = (count + 1) / 2;
  if (steps < 1) steps = 1;
  long per_step = (lines + steps - 1) / steps, line = 0;
  for (long j = 0; j < count; j += 2) {
    // Spread the next block's prefetches over this block's steps, so the
    // misses overlap the arithmetic.
    for (long t = 0; t < per_step && line < lines; t++, line++) {
      __builtin_prefetch((const char *)ahead_k + line * 64, 0, 3);
      __builtin_prefetch((const char *)ahead_v + line * 64, 0, 3);
    }
    const float *k0 = keys + j * d;
    const float *k1 = j + 1 < count ? k0 + d : k0;
    for (long r = 0; r < rows; r += 4) {
      const float *q0 = qs + r * d;
      __m512 a00 = _mm512_setzero_ps(), a01 = a00, a10 = a00, a11 = a00,
             a20 = a00, a21 = a00, a30 = a00, a31 = a00;
      for (long x = 0; x < d; x += 16) {
        // The last piece of a head dimension that is not a multiple of 16
        // is masked (zeros contribute nothing).
        __mmask16 mask =
            d - x >= 16 ? 0xFFFF : (__mmask16)((1u << (d - x)) - 1);
        __m512 kv0 = _mm512_maskz_loadu_ps(mask, k0 + x),
               kv1 = _mm512_maskz_loadu_ps(mask, k1 + x);
        __m512 qv = _mm512_maskz_loadu_ps(mask, q0 + x);
        a00 = _mm512_fmadd_ps(qv, kv0, a00);
        a01 = _mm512_fmadd_ps(qv, kv1, a01);
        qv = _mm512_maskz_loadu_ps(mask, q0 + d + x);
        a10 = _mm512_fmadd_ps(qv, kv0, a10);
        a11 = _mm512_fmadd_ps(qv, kv1, a11);
        qv = _mm512_maskz_loadu_ps(mask, q0 + 2 * d + x);
        a20 = _mm512_fmadd_ps(qv, kv0, a20);
        a21 = _mm512_fmadd_ps(qv, kv1, a21);
        qv = _mm512_maskz_loadu_ps(mask, q0 + 3 * d + x);
        a30 = _mm512_fmadd_ps(qv, kv0, a30);
        a31 = _mm512_fmadd_ps(qv, kv1, a31);
      }
      s[r * lds + j] = _mm512_reduce_add_ps(a00);
      s[(r + 1) * lds + j] = _mm512_reduce_add_ps(a10);
      s[(r + 2) * lds + j] = _mm512_reduce_add_ps(a20);
      s[(r + 3) * lds + j] = _mm512_reduce_add_ps(a30);
      if (j + 1 < count) {
        s[r * lds + j + 1] = _mm512_reduce_add_ps(a01);
        s[(r + 1) * lds + j + 1] = _mm512_reduce_add_ps(a11);
        s[(r + 2) * lds + j + 1] = _mm512_reduce_add_ps(a21);
        s[(r + 3) * lds + j + 1] = _mm512_reduce_add_ps(a31);
      }
    }
  }
}

/// Up to four rows over 32 dimensions (`mask0`, `mask1` select them).
AVX512_INLINE void accumulate_rows(int rows, const float *w, long lds,
                                   const float *values, long count, long d,
                                   float *a, __mmask16 mask0,
                                   __mmask16 mask1) {
  __m512 acc0[4], acc1[4];
  for (int r = 0; r < rows; r++) {
    acc0[r] = _mm512_maskz_loadu_ps(mask0, a + r * d);
    acc1[r] = _mm512_maskz_loadu_ps(mask1, a + r * d + 16);
  }
  const float *vr = values;
  for (long j = 0; j < count; j++, vr += d) {
    __m512 v0 = _mm512_maskz_loadu_ps(mask0, vr);
    __m512 v1 = _mm512_maskz_loadu_ps(mask1, vr + 16);
    for (int r = 0; r < rows; r++) {
      __m512 weight = _mm512_set1_ps(w[r * lds + j]);
      acc0[r] = _mm512_fmadd_ps(weight, v0, acc0[r]);
      acc1[r] = _mm512_fmadd_ps(weight, v1, acc1[r]);
    }
  }
  for (int r = 0; r < rows; r++) {
    _mm512_mask_storeu_ps(a + r * d, mask0, acc0[r]);
    _mm512_mask_storeu_ps(a + r * d + 16, mask1, acc1[r]);
  }
}

AVX512 void roofline_decode_accumulate_avx512(const float *w, long lds,
                                              long rows, const float *values,
                                              long count, long d,
                                              float *acc) {
  for (long x0 = 0; x0 < d; x0 += 32) {
    long width = d - x0 < 32 ? d - x0 : 32;
    __mmask16 mask0 = width >= 16 ? 0xFFFF : (__mmask16)((1u << width) - 1);
    __mmask16 mask1 =
        width >= 32 ? 0xFFFF
                    : (width > 16 ? (__mmask16)((1u << (width - 16)) - 1) : 0);
    long r = 0;
    for (; r + 4 <= rows; r += 4)
      accumulate_rows(4, w + r * lds, lds, values + x0, count, d,
                      acc + r * d + x0, mask0, mask1);
    for (; r < rows; r++)
      accumulate_rows(1, w + r * lds, lds, values + x0, count, d,
                      acc + r * d + x0, mask0, mask1);
  }
}
#endif
