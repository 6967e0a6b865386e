// AVX-512 online softmax: down the columns of a transposed score block
// (FlashAttention), and along one row (split-KV decode).
#include "CHostKernels.h"

#if defined(__x86_64__)
#include "AVX512.h"

AVX512 void roofline_softmax_columns_avx512(float *st, long ldc, long queries,
                                            long cols, float *m, float *l,
                                            float *ot, long d_rows, int masked,
                                            long key0, long first_limit,
                                            const float *block_max) {
  const __m512 minus_infinity = _mm512_set1_ps(-__builtin_inff());
  const __m512 lanes = _mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
                                      12, 13, 14, 15);
  for (long group = 0; group < queries; group += 16) {
    __m512 old = _mm512_loadu_ps(m + group);
    __m512 best0 = old, best1 = minus_infinity;
    // A group whose first query already sees the block's last key needs
    // no mask: only the groups the diagonal crosses pay for it.
    if (masked && key0 + cols - 1 > first_limit + group) {
      __m512 limit =
          _mm512_add_ps(lanes, _mm512_set1_ps((float)(first_limit + group)));
      for (long j = 0; j < cols; j++) {
        float *at = st + j * ldc + group;
        __mmask16 hidden = _mm512_cmp_ps_mask(
            _mm512_set1_ps((float)(key0 + j)), limit, _CMP_GT_OQ);
        __m512 value =
            _mm512_mask_mov_ps(_mm512_loadu_ps(at), hidden, minus_infinity);
        _mm512_storeu_ps(at, value);
        best0 = _mm512_max_ps(best0, value);
      }
    } else if (block_max) {
      best0 = _mm512_max_ps(best0, _mm512_loadu_ps(block_max + group));
    } else {
      long j = 0;
      for (; j + 2 <= cols; j += 2) {
        best0 = _mm512_max_ps(best0, _mm512_loadu_ps(st + j * ldc + group));
        best1 =
            _mm512_max_ps(best1, _mm512_loadu_ps(st + (j + 1) * ldc + group));
      }
      if (j < cols)
        best0 = _mm512_max_ps(best0, _mm512_loadu_ps(st + j * ldc + group));
    }
    __m512 best = _mm512_max_ps(best0, best1);
    // Columns with no visible key yet keep a max of −∞; shift them by 0.
    __mmask16 empty = _mm512_cmp_ps_mask(best, minus_infinity, _CMP_EQ_OQ);
    __m512 shift = _mm512_mask_mov_ps(best, empty, _mm512_setzero_ps());
    __m512 sum0 = _mm512_setzero_ps(), sum1 = sum0;
    float *at = st + group;
    long j = 0;
    for (; j + 2 <= cols; j += 2, at += 2 * ldc) {
      __m512 e0 = exp2_nonpositive(_mm512_sub_ps(_mm512_loadu_ps(at), shift));
      __m512 e1 =
          exp2_nonpositive(_mm512_sub_ps(_mm512_loadu_ps(at + ldc), shift));
      _mm512_storeu_ps(at, e0);
      _mm512_storeu_ps(at + ldc, e1);
      sum0 = _mm512_add_ps(sum0, e0);
      sum1 = _mm512_add_ps(sum1, e1);
    }
    if (j < cols) {
      __m512 e0 = exp2_nonpositive(_mm512_sub_ps(_mm512_loadu_ps(at), shift));
      _mm512_storeu_ps(at, e0);
      sum0 = _mm512_add_ps(sum0, e0);
    }
    __m512 sum = _mm512_add_ps(sum0, sum1);
    __mmask16 moved = _mm512_cmp_ps_mask(old, best, _CMP_NEQ_UQ);
    if (moved) {
      // Columns whose max was −∞ had nothing to rescale: α = 0 there.
      __mmask16 seen = _mm512_cmp_ps_mask(old, minus_infinity, _CMP_GT_OQ);
      __m512 alpha = _mm512_maskz_mov_ps(
          seen, exp2_nonpositive(_mm512_sub_ps(old, shift)));
      for (long x = 0; x < d_rows; x++) {
        float *row = ot + x * ldc + group;
        _mm512_storeu_ps(row, _mm512_mul_ps(_mm512_loadu_ps(row), alpha));
      }
      _mm512_storeu_ps(l + group,
                       _mm512_fmadd_ps(alpha, _mm512_loadu_ps(l + group), sum));
      _mm512_storeu_ps(m + group, best);
    } else {
      _mm512_storeu_ps(l + group,
                       _mm512_add_ps(_mm512_loadu_ps(l + group), sum));
    }
  }
}

AVX512 float roofline_row_exp2_avx512(float *row, long count, float shift) {
  const __m512 s = _mm512_set1_ps(shift);
  __m512 sum = _mm512_setzero_ps();
  for (long j = 0; j < count; j += 16) {
    __mmask16 mask = first_lanes(count - j);
    __m512 e =
        exp2_any(_mm512_sub_ps(_mm512_maskz_loadu_ps(mask, row + j), s));
    _mm512_mask_storeu_ps(row + j, mask, e);
    sum = _mm512_add_ps(sum, _mm512_maskz_mov_ps(mask, e));
  }
  return _mm512_reduce_add_ps(sum);
}
#endif
