#ifndef ROOFLINE_CPREFETCH_H
#define ROOFLINE_CPREFETCH_H

/// Asks the core to bring the 64-byte line holding `address` into every
/// cache level (`prefetcht0`). Swift has no prefetch intrinsic; unlike a
/// demand load, a prefetch retires at once, so a miss to DRAM does not hold
/// up the reorder buffer. Never faults, whatever the address.
static inline void roofline_prefetch(const void *address) {
  __builtin_prefetch(address, 0, 3);
}
#endif
