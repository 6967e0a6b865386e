// AVX-512 matrix products: the packed micro-kernels of the attention
// kernels (6 rows × 16·P columns from P 16-column B panels, or 12 rows from
// two A panels × 16 columns: at least 12 zmm accumulators, one load of each
// B panel and a broadcast of A per row per step of k) and a row-major
// product with masked edges.
#include "CHostKernels.h"

#if defined(__x86_64__)
#include "AVX512.h"

/// Stores (or adds) one row's accumulators.
AVX512_INLINE void finish(float *c, __m512 v, int accumulate) {
  if (accumulate) v = _mm512_add_ps(_mm512_loadu_ps(c), v);
  _mm512_storeu_ps(c, v);
}

/// A tile of `ap` A panels (6·ap rows) × `bp` B panels (16·bp columns),
/// `ap · bp` at most 4; called with constants, so the loops unroll and the
/// accumulators stay in registers. With `column_max`, raises each column's
/// running max to the tile's.
AVX512_INLINE void packed_tile(int ap, int bp, long k, const float *a,
                               long a_stride, const float *b, long b_stride,
                               long b_step, float *c, long ldc,
                               int accumulate, float *column_max) {
  __m512 acc[12][4];
  for (int r = 0; r < 6 * ap; r++)
    for (int q = 0; q < bp; q++) acc[r][q] = _mm512_setzero_ps();
  for (long x = 0; x < k; x++) {
    __m512 v[4];
    for (int q = 0; q < bp; q++)
      v[q] = _mm512_loadu_ps(b + q * b_stride + x * b_step);
    for (int p = 0; p < ap; p++)
      for (int r = 0; r < 6; r++) {
        __m512 s = _mm512_set1_ps(a[p * a_stride + 6 * x + r]);
        for (int q = 0; q < bp; q++)
          acc[6 * p + r][q] = _mm512_fmadd_ps(s, v[q], acc[6 * p + r][q]);
      }
  }
  for (int q = 0; q < bp; q++) {
    __m512 best = acc[0][q];
    for (int r = 0; r < 6 * ap; r++) {
      finish(c + r * ldc + 16 * q, acc[r][q], accumulate);
      best = _mm512_max_ps(best, acc[r][q]);
    }
    if (column_max)
      _mm512_storeu_ps(
          column_max + 16 * q,
          _mm512_max_ps(_mm512_loadu_ps(column_max + 16 * q), best));
  }
}

AVX512 void roofline_packed_gemm_avx512(long m, long n, long k, const float *a,
                                        long a_stride, const float *b,
                                        long b_stride, long b_step, float *c,
                                        long ldc, int accumulate,
                                        float *column_max) {
  long panels = m / 6, columns = n / 16, q = 0;
  // Column panels outer, four (or two) at a time: they (4·16·k floats)
  // stay in L1 while the A panels stream past them. Four panels a tile
  // (24 accumulators) ran 147–157 GFLOP/s on the Intel Xeon host of a lent
  // GPU machine where two ran 138–142 (a 155 GFLOP/s probe); on this Zen 5
  // VM both run at the peak.
#define TILE(AP, BP, P, Q)                                                  \
  packed_tile(AP, BP, k, a + (P) * a_stride, a_stride, b + (Q) * b_stride, \
              b_stride, b_step, c + (P) * 6 * ldc + (Q) * 16, ldc,         \
              accumulate, column_max ? column_max + (Q) * 16 : 0)
  for (; q + 4 <= columns; q += 4)
    for (long p = 0; p < panels; p++) TILE(1, 4, p, q);
  for (; q + 2 <= columns; q += 2)
    for (long p = 0; p < panels; p++) TILE(1, 2, p, q);
  if (q < columns) {
    // The last single panel: two A panels a tile keep 12 accumulators.
    long p = 0;
    for (; p + 2 <= panels; p += 2) TILE(2, 1, p, q);
    if (p < panels) TILE(1, 1, p, q);
  }
#undef TILE
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
