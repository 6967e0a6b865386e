// The AVX-512 FMA peak probe: 12 independent 16-lane chains, enough to
// cover a 4-cycle FMA latency on two 512-bit pipes.
#include "CHostKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma")))

AVX512 float roofline_fma_chains_avx512(long iterations) {
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  __m512 c[12];
  for (int i = 0; i < 12; i++) c[i] = _mm512_set1_ps(1.0f + 0.1f * i);
  for (long step = 0; step < iterations; step++) {
    // An empty asm with the chains as operands keeps the compiler from
    // folding or reordering the loop away.
    __asm__ volatile("" : "+v"(c[0]), "+v"(c[1]), "+v"(c[2]), "+v"(c[3]));
    for (int i = 0; i < 12; i++) c[i] = _mm512_fmadd_ps(c[i], a, b);
  }
  __m512 sum = c[0];
  for (int i = 1; i < 12; i++) sum = _mm512_add_ps(sum, c[i]);
  return _mm512_reduce_add_ps(sum);
}
#endif
