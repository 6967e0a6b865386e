// AVX-512 selective scan: one block of 16 channels, its 16 × N state in
// memory beside the loop (N up to 16 fits the registers of the loop body).
#include "CHostKernels.h"

#if defined(__x86_64__)
#include "AVX512.h"

AVX512 void roofline_scan_block_avx512(const float *at, float *h, long n,
                                       const float *x, const float *delta,
                                       const float *b, const float *c,
                                       const float *skip, float *y,
                                       long channels, long t0, long t1) {
  __m512 dv = _mm512_loadu_ps(skip);
  for (long t = t0; t < t1; t++) {
    long row = t * channels;
    __m512 xv = _mm512_loadu_ps(x + row);
    __m512 deltav = _mm512_loadu_ps(delta + row);
    const float *bt = b + t * n, *ct = c + t * n;
    __m512 dx = _mm512_mul_ps(deltav, xv);
    __m512 acc0 = _mm512_setzero_ps(), acc1 = acc0;
    long s = 0;
    for (; s + 2 <= n; s += 2) {
      __m512 h0 = _mm512_fmadd_ps(
          exp2_any(_mm512_mul_ps(deltav, _mm512_loadu_ps(at + s * 16))),
          _mm512_loadu_ps(h + s * 16),
          _mm512_mul_ps(dx, _mm512_set1_ps(bt[s])));
      __m512 h1 = _mm512_fmadd_ps(
          exp2_any(_mm512_mul_ps(deltav, _mm512_loadu_ps(at + (s + 1) * 16))),
          _mm512_loadu_ps(h + (s + 1) * 16),
          _mm512_mul_ps(dx, _mm512_set1_ps(bt[s + 1])));
      _mm512_storeu_ps(h + s * 16, h0);
      _mm512_storeu_ps(h + (s + 1) * 16, h1);
      acc0 = _mm512_fmadd_ps(_mm512_set1_ps(ct[s]), h0, acc0);
      acc1 = _mm512_fmadd_ps(_mm512_set1_ps(ct[s + 1]), h1, acc1);
    }
    if (s < n) {
      __m512 h0 = _mm512_fmadd_ps(
          exp2_any(_mm512_mul_ps(deltav, _mm512_loadu_ps(at + s * 16))),
          _mm512_loadu_ps(h + s * 16),
          _mm512_mul_ps(dx, _mm512_set1_ps(bt[s])));
      _mm512_storeu_ps(h + s * 16, h0);
      acc0 = _mm512_fmadd_ps(_mm512_set1_ps(ct[s]), h0, acc0);
    }
    _mm512_storeu_ps(y + row,
                     _mm512_fmadd_ps(dv, xv, _mm512_add_ps(acc0, acc1)));
  }
}
#endif
