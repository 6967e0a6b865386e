// AVX-512 split-KV decode: the scores of a GQA group against a block of
// cached keys, and the weighted sum of their values.
#include "CHostKernels.h"

#if defined(__x86_64__)
#include "AVX512.h"

/// The sums of sixteen vectors' lanes, `v[i]`'s in lane `i`: a tree of
/// unpacks and 128-bit lane shuffles (45 operations, where sixteen
/// separate reductions take about 130).
AVX512_INLINE __m512 sum16(const __m512 *v) {
  __m512 a[8], b[4], c[2];
  for (int i = 0; i < 8; i++)
    a[i] = _mm512_add_ps(_mm512_unpacklo_ps(v[2 * i], v[2 * i + 1]),
                         _mm512_unpackhi_ps(v[2 * i], v[2 * i + 1]));
  for (int i = 0; i < 4; i++) {
    __m512d x = _mm512_castps_pd(a[2 * i]), y = _mm512_castps_pd(a[2 * i + 1]);
    b[i] = _mm512_add_ps(_mm512_castpd_ps(_mm512_unpacklo_pd(x, y)),
                         _mm512_castpd_ps(_mm512_unpackhi_pd(x, y)));
  }
  // b[i], 128-bit lane L: the lane-L sums of v[4i ..< 4i + 4].
  for (int i = 0; i < 2; i++)
    c[i] = _mm512_add_ps(_mm512_shuffle_f32x4(b[2 * i], b[2 * i + 1], 0x88),
                         _mm512_shuffle_f32x4(b[2 * i], b[2 * i + 1], 0xDD));
  return _mm512_add_ps(_mm512_shuffle_f32x4(c[0], c[1], 0x88),
                       _mm512_shuffle_f32x4(c[0], c[1], 0xDD));
}

AVX512 void roofline_decode_scores_avx512(const float *qs, long rows, long d,
                                          const float *keys, long count,
                                          float *s, long lds,
                                          const void *ahead_k,
                                          const void *ahead_v, long lines) {
  long steps = (count + 3) / 4;
  if (steps < 1) steps = 1;
  long per_step = (lines + steps - 1) / steps, line = 0;
  for (long j = 0; j < count; j += 4) {
    // Spread the next block's prefetches over this block's steps, so the
    // misses overlap the arithmetic.
    for (long t = 0; t < per_step && line < lines; t++, line++) {
      __builtin_prefetch((const char *)ahead_k + line * 64, 0, 3);
      __builtin_prefetch((const char *)ahead_v + line * 64, 0, 3);
    }
    // Four keys (the last repeated past the end, its scores not stored).
    long valid = count - j < 4 ? count - j : 4;
    const float *k[4];
    for (int c = 0; c < 4; c++)
      k[c] = keys + (j + (c < valid ? c : valid - 1)) * d;
    for (long r = 0; r < rows; r += 4) {
      const float *q0 = qs + r * d;
      // acc[4·row + key]: sixteen independent FMA chains.
      __m512 acc[16];
      for (int i = 0; i < 16; i++) acc[i] = _mm512_setzero_ps();
      for (long x = 0; x < d; x += 16) {
        // The last piece of a head dimension that is not a multiple of 16
        // is masked (zeros contribute nothing).
        __mmask16 mask = first_lanes(d - x);
        __m512 kv[4];
        for (int c = 0; c < 4; c++)
          kv[c] = _mm512_maskz_loadu_ps(mask, k[c] + x);
        for (int q = 0; q < 4; q++) {
          __m512 qv = _mm512_maskz_loadu_ps(mask, q0 + q * d + x);
          for (int c = 0; c < 4; c++)
            acc[4 * q + c] = _mm512_fmadd_ps(qv, kv[c], acc[4 * q + c]);
        }
      }
      __m512 sums = sum16(acc);
      __mmask8 keep = (__mmask8)((1u << valid) - 1);
      // Row r's four scores are lanes 4r ..< 4r + 4.
      _mm_mask_storeu_ps(s + r * lds + j, keep,
                         _mm512_extractf32x4_ps(sums, 0));
      _mm_mask_storeu_ps(s + (r + 1) * lds + j, keep,
                         _mm512_extractf32x4_ps(sums, 1));
      _mm_mask_storeu_ps(s + (r + 2) * lds + j, keep,
                         _mm512_extractf32x4_ps(sums, 2));
      _mm_mask_storeu_ps(s + (r + 3) * lds + j, keep,
                         _mm512_extractf32x4_ps(sums, 3));
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
    __mmask16 mask0 = first_lanes(d - x0), mask1 = first_lanes(d - x0 - 16);
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
