#ifndef ROOFLINE_CHOSTKERNELS_H
#define ROOFLINE_CHOSTKERNELS_H

/// The host kernels' AVX-512 micro-kernels, and the CPU feature test that
/// decides whether they may run.
///
/// Every function but `roofline_cpu_isas` uses AVX-512 F/BW/VL/DQ through
/// intrinsics under a per-function target attribute, so the rest of the
/// binary stays runnable on any x86-64; call one only when
/// `roofline_cpu_isas()` has `ROOFLINE_ISA_AVX512`. On other architectures
/// they are not defined. Sizes and strides are in floats; pointers need no
/// alignment.

/// AVX2 and FMA, with the OS saving the ymm state.
#define ROOFLINE_ISA_AVX2 1
/// AVX-512 F, BW, VL and DQ, with the OS saving the zmm and mask state.
#define ROOFLINE_ISA_AVX512 2

/// The instruction sets this CPU and OS can run, a mask of `ROOFLINE_ISA_*`.
int roofline_cpu_isas(void);

/// Runs `iterations` steps of 12 independent 16-lane FMA chains and returns
/// a value that depends on all of them (12 × 16 × 2 FLOPs per step).
float roofline_fma_chains_avx512(long iterations);

/// `C (+)= A · B` on panel-packed operands: A in 6-row panels `a_stride`
/// apart (`A[6p + r][x]` at `6x + r`), B in 16-column panels `b_stride`
/// apart (`B[x][16q + c]` at `x·b_step + c`); `m` a multiple of 6, `n` of
/// 16. With `column_max`, raises `column_max[j]` to the largest `C[i][j]`
/// (only with `accumulate` 0).
void roofline_packed_gemm_avx512(
    long m, long n, long k, const float *a, long a_stride, const float *b,
    long b_stride, long b_step, float *c, long ldc, int accumulate,
    float *column_max);

/// `C (+)= A · B`, row-major with leading dimensions, any sizes.
void roofline_gemm_avx512(
    long m, long n, long k, const float *a, long lda, const float *b, long ldb,
    float *c, long ldc, int accumulate);

/// Online softmax down the columns of a transposed score block (keys ×
/// queries, rows `ldc` apart), sixteen queries per vector: `queries` a
/// multiple of 16. Updates the running max `m` and sum `l`, rescales `d_rows`
/// rows of `Oᵀ` when the max moves, and leaves `2^(s − m)` in place. With
/// `masked`, key `key0 + j` is hidden from column `r` when
/// `key0 + j > first_limit + r`; `block_max` (or NULL) holds each column's
/// largest score in the block.
void roofline_softmax_columns_avx512(
    float *st, long ldc, long queries, long cols, float *m, float *l,
    float *ot, long d_rows, int masked, long key0, long first_limit,
    const float *block_max);

/// `row[j] = 2^(row[j] − shift)` for `j < count`; returns their sum.
float roofline_row_exp2_avx512(float *row, long count, float shift);

/// Scores of `rows` (a multiple of 4) queries `qs` (`d` apart) against
/// `count` consecutive keys, into `s` (`lds` apart), prefetching `lines`
/// 64-byte lines of `ahead_k` and `ahead_v` spread over the steps.
void roofline_decode_scores_avx512(
    const float *qs, long rows, long d, const float *keys, long count,
    float *s, long lds, const void *ahead_k, const void *ahead_v, long lines);

/// `acc[r] += Σ_j w[r][j] · V[j]` for `rows` query rows (`acc` rows `d`
/// apart, `w` rows `lds` apart, `values` rows `d` apart).
void roofline_decode_accumulate_avx512(
    const float *w, long lds, long rows, const float *values, long count,
    long d, float *acc);

/// Mamba's selective scan for one block of 16 channels over time steps
/// `t0 ..< t1`: `at` is A transposed to `[n][16]` and scaled by log2(e),
/// `h` the block's `n` states of 16 lanes (updated), `x`, `delta` and `y`
/// point at the block's first channel of time step 0 (rows `channels`
/// apart), `b` and `c` at time step 0 (rows `n` apart), `skip` at the
/// block's `D`.
void roofline_scan_block_avx512(
    const float *at, float *h, long n, const float *x, const float *delta,
    const float *b, const float *c, const float *skip, float *y,
    long channels, long t0, long t1);

#endif
