// AVX-512 matrix products: the packed 6×32 micro-kernel of the attention
// kernels (two 16-column B panels per tile: 12 zmm accumulators, two loads
// of B and six broadcasts of A per step of k) and a row-major product with
// masked edges.
#include "CHostKernels.h"

#if defined(__x86_64__)
#include "AVX512.h"

/// Stores (or adds) one row's accumulators.
AVX512_INLINE void finish(float *c, __m512 v, int accumulate) {
  if (accumulate) v = _mm512_add_ps(_mm512_loadu_ps(c), v);
  _mm512_storeu_ps(c, v);
}

/// 6 rows × 32 columns from two B panels.
AVX512_INLINE void packed6x32(long k, const float *a, const float *b0,
                              const float *b1, long b_step, float *c, long ldc,
                              int accumulate, float *column_max) {
  __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00,
         c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00,
         c50 = c00, c51 = c00;
  for (long x = 0; x < k; x++) {
    __m512 v0 = _mm512_loadu_ps(b0 + x * b_step);
    __m512 v1 = _mm512_loadu_ps(b1 + x * b_step);
    const float *pa = a + 6 * x;
    __m512 s = _mm512_set1_ps(pa[0]);
    c00 = _mm512_fmadd_ps(s, v0, c00);
    c01 = _mm512_fmadd_ps(s, v1, c01);
    s = _mm512_set1_ps(pa[1]);
    c10 = _mm512_fmadd_ps(s, v0, c10);
    c11 = _mm512_fmadd_ps(s, v1, c11);
    s = _mm512_set1_ps(pa[2]);
    c20 = _mm512_fmadd_ps(s, v0, c20);
    c21 = _mm512_fmadd_ps(s, v1, c21);
    s = _mm512_set1_ps(pa[3]);
    c30 = _mm512_fmadd_ps(s, v0, c30);
    c31 = _mm512_fmadd_ps(s, v1, c31);
    s = _mm512_set1_ps(pa[4]);
    c40 = _mm512_fmadd_ps(s, v0, c40);
    c41 = _mm512_fmadd_ps(s, v1, c41);
    s = _mm512_set1_ps(pa[5]);
    c50 = _mm512_fmadd_ps(s, v0, c50);
    c51 = _mm512_fmadd_ps(s, v1, c51);
  }
  finish(c, c00, accumulate);
  finish(c + 16, c01, accumulate);
  finish(c + ldc, c10, accumulate);
  finish(c + ldc + 16, c11, accumulate);
  finish(c + 2 * ldc, c20, accumulate);
  finish(c + 2 * ldc + 16, c21, accumulate);
  finish(c + 3 * ldc, c30, accumulate);
  finish(c + 3 * ldc + 16, c31, accumulate);
  finish(c + 4 * ldc, c40, accumulate);
  finish(c + 4 * ldc + 16, c41, accumulate);
  finish(c + 5 * ldc, c50, accumulate);
  finish(c + 5 * ldc + 16, c51, accumulate);
  if (column_max) {
    __m512 low = _mm512_max_ps(_mm512_max_ps(_mm512_max_ps(c00, c10),
                                             _mm512_max_ps(c20, c30)),
                               _mm512_max_ps(c40, c50));
    __m512 high = _mm512_max_ps(_mm512_max_ps(_mm512_max_ps(c01, c11),
                                              _mm512_max_ps(c21, c31)),
                                _mm512_max_ps(c41, c51));
    _mm512_storeu_ps(column_max,
                     _mm512_max_ps(_mm512_loadu_ps(column_max), low));
    _mm512_storeu_ps(column_max + 16,
                     _mm512_max_ps(_mm512_loadu_ps(column_max + 16), high));
  }
}

/// 6 rows × 64 columns from four B panels: 24 accumulators, four loads of
/// B and six broadcasts of A per 24 FMAs. On the Intel Xeon host of a lent
/// GPU machine this tile ran 147–157 GFLOP/s where 6×32 ran 138–142 (of a
/// 155 GFLOP/s probe; on this Zen 5 VM both run at the peak).
AVX512_INLINE void packed6x64(long k, const float *a, const float *b,
                              long b_stride, long b_step, float *c, long ldc,
                              int accumulate, float *column_max) {
  __m512 acc[6][4];
  for (int r = 0; r < 6; r++)
    for (int q = 0; q < 4; q++) acc[r][q] = _mm512_setzero_ps();
  for (long x = 0; x < k; x++) {
    __m512 v[4];
    for (int q = 0; q < 4; q++)
      v[q] = _mm512_loadu_ps(b + q * b_stride + x * b_step);
    for (int r = 0; r < 6; r++) {
      __m512 s = _mm512_set1_ps(a[6 * x + r]);
      for (int q = 0; q < 4; q++)
        acc[r][q] = _mm512_fmadd_ps(s, v[q], acc[r][q]);
    }
  }
  for (int q = 0; q < 4; q++) {
    __m512 best = acc[0][q];
    for (int r = 0; r < 6; r++) {
      finish(c + r * ldc + 16 * q, acc[r][q], accumulate);
      best = _mm512_max_ps(best, acc[r][q]);
    }
    if (column_max)
      _mm512_storeu_ps(
          column_max + 16 * q,
          _mm512_max_ps(_mm512_loadu_ps(column_max + 16 * q), best));
  }
}

/// 12 rows (two A panels) × 16 columns: the tail of an odd panel count,
/// still 12 independent accumulators.
AVX512_INLINE void packed12x16(long k, const float *a0, const float *a1,
                               const float *b, long b_step, float *c,
                               long ldc, int accumulate, float *column_max) {
  __m512 acc[12];
  for (int r = 0; r < 12; r++) acc[r] = _mm512_setzero_ps();
  for (long x = 0; x < k; x++) {
    __m512 v = _mm512_loadu_ps(b + x * b_step);
    for (int r = 0; r < 6; r++) {
      acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(a0[6 * x + r]), v, acc[r]);
      acc[6 + r] =
          _mm512_fmadd_ps(_mm512_set1_ps(a1[6 * x + r]), v, acc[6 + r]);
    }
  }
  __m512 best = acc[0];
  for (int r = 0; r < 12; r++) {
    finish(c + r * ldc, acc[r], accumulate);
    best = _mm512_max_ps(best, acc[r]);
  }
  if (column_max)
    _mm512_storeu_ps(column_max,
                     _mm512_max_ps(_mm512_loadu_ps(column_max), best));
}

/// 6 rows × 16 columns: the last panel of each, when both counts are odd.
AVX512_INLINE void packed6x16(long k, const float *a, const float *b,
                              long b_step, float *c, long ldc, int accumulate,
                              float *column_max) {
  __m512 acc[6];
  for (int r = 0; r < 6; r++) acc[r] = _mm512_setzero_ps();
  for (long x = 0; x < k; x++) {
    __m512 v = _mm512_loadu_ps(b + x * b_step);
    for (int r = 0; r < 6; r++)
      acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[6 * x + r]), v, acc[r]);
  }
  __m512 best = acc[0];
  for (int r = 0; r < 6; r++) {
    finish(c + r * ldc, acc[r], accumulate);
    best = _mm512_max_ps(best, acc[r]);
  }
  if (column_max)
    _mm512_storeu_ps(column_max,
                     _mm512_max_ps(_mm512_loadu_ps(column_max), best));
}

AVX512 void roofline_packed_gemm_avx512(long m, long n, long k, const float *a,
                                        long a_stride, const float *b,
                                        long b_stride, long b_step, float *c,
                                        long ldc, int accumulate,
                                        float *column_max) {
  long panels = m / 6, columns = n / 16, q = 0;
  // Column panels outer, four (or two) at a time: they (4·16·k floats)
  // stay in L1 while the A panels stream past them.
  for (; q + 4 <= columns; q += 4) {
    for (long p = 0; p < panels; p++)
      packed6x64(k, a + p * a_stride, b + q * b_stride, b_stride, b_step,
                 c + p * 6 * ldc + q * 16, ldc, accumulate,
                 column_max ? column_max + q * 16 : 0);
  }
  for (; q + 2 <= columns; q += 2) {
    for (long p = 0; p < panels; p++)
      packed6x32(k, a + p * a_stride, b + q * b_stride,
                 b + (q + 1) * b_stride, b_step, c + p * 6 * ldc + q * 16, ldc,
                 accumulate, column_max ? column_max + q * 16 : 0);
  }
  if (q < columns) {
    long p = 0;
    for (; p + 2 <= panels; p += 2)
      packed12x16(k, a + p * a_stride, a + (p + 1) * a_stride,
                  b + q * b_stride, b_step, c + p * 6 * ldc + q * 16, ldc,
                  accumulate, column_max ? column_max + q * 16 : 0);
    if (p < panels)
      packed6x16(k, a + p * a_stride, b + q * b_stride, b_step,
                 c + p * 6 * ldc + q * 16, ldc, accumulate,
                 column_max ? column_max + q * 16 : 0);
  }
}

/// Up to 6 rows × up to 32 columns of a row-major product; `mask0` and
/// `mask1` select the columns of each 16-column half.
AVX512_INLINE void rows_tile(int rows, long k, const float *a, long lda,
                             const float *b, long ldb, float *c, long ldc,
                             int accumulate, __mmask16 mask0,
                             __mmask16 mask1) {
  __m512 acc0[6], acc1[6];
  for (int r = 0; r < 6; r++) acc0[r] = acc1[r] = _mm512_setzero_ps();
  for (long x = 0; x < k; x++) {
    __m512 v0 = _mm512_maskz_loadu_ps(mask0, b + x * ldb);
    __m512 v1 = _mm512_maskz_loadu_ps(mask1, b + x * ldb + 16);
    for (int r = 0; r < rows; r++) {
      __m512 s = _mm512_set1_ps(a[r * lda + x]);
      acc0[r] = _mm512_fmadd_ps(s, v0, acc0[r]);
      acc1[r] = _mm512_fmadd_ps(s, v1, acc1[r]);
    }
  }
  for (int r = 0; r < rows; r++) {
    float *row = c + r * ldc;
    __m512 v0 = acc0[r], v1 = acc1[r];
    if (accumulate) {
      v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(mask0, row));
      v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(mask1, row + 16));
    }
    _mm512_mask_storeu_ps(row, mask0, v0);
    _mm512_mask_storeu_ps(row + 16, mask1, v1);
  }
}

AVX512 void roofline_gemm_avx512(long m, long n, long k, const float *a,
                                 long lda, const float *b, long ldb, float *c,
                                 long ldc, int accumulate) {
  for (long col = 0; col < n; col += 32) {
    __mmask16 mask0 = first_lanes(n - col), mask1 = first_lanes(n - col - 16);
    long row = 0;
    // Six rows at a time, with the row count a constant so the compiler
    // keeps all twelve accumulators in registers.
    for (; row + 6 <= m; row += 6)
      rows_tile(6, k, a + row * lda, lda, b + col, ldb, c + row * ldc + col,
                ldc, accumulate, mask0, mask1);
    for (; row < m; row++)
      rows_tile(1, k, a + row * lda, lda, b + col, ldb, c + row * ldc + col,
                ldc, accumulate, mask0, mask1);
  }
}
#endif
