// Which vector instruction sets this CPU and its OS can run: CPUID for the
// instructions, XGETBV for the register state the OS saves on a context
// switch (Intel SDM vol. 1, 13.3 and 15.2; AMD APM vol. 3, CPUID Fn7).
#include "CHostKernels.h"

#if defined(__x86_64__)
#include <cpuid.h>

static unsigned long long xcr0(void) {
  unsigned int eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return ((unsigned long long)edx << 32) | eax;
}

int roofline_cpu_isas(void) {
  unsigned int eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
  int fma = (ecx >> 12) & 1, osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1;
  if (!(fma && osxsave && avx)) return 0;
  unsigned long long state = xcr0();
  if ((state & 0x6) != 0x6) return 0;  // xmm and ymm state
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
  int result = 0;
  if ((ebx >> 5) & 1) result |= ROOFLINE_ISA_AVX2;
  int f = (ebx >> 16) & 1, dq = (ebx >> 17) & 1, bw = (ebx >> 30) & 1,
      vl = (ebx >> 31) & 1;
  // opmask, upper halves of zmm0–15, zmm16–31
  if (f && dq && bw && vl && (state & 0xE6) == 0xE6 &&
      (result & ROOFLINE_ISA_AVX2))
    result |= ROOFLINE_ISA_AVX512;
  return result;
}
#else
int roofline_cpu_isas(void) { return 0; }
#endif
