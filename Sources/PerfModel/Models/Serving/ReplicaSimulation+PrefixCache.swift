/// Automatic prefix caching (``SchedulerPolicy/prefixCaching``): a prefix
/// group's whole blocks, once a request of the group has computed them,
/// are kept and shared by the group's later requests, which start their
/// prefill after them.
extension ReplicaSimulation {
  /// Whole blocks of a request's shared prefix.
  func prefixBlockCount(_ id: Int) -> Int {
    guard policy.prefixCaching, policy.kind == .continuous,
      requests[id].prefixGroup != nil
    else {
      return 0
    }
    return requests[id].prefixTokens / policy.blockTokens
  }

  /// Blocks of `id`'s prefix cached now (0 on a miss).
  func prefixHit(_ id: Int) -> Int {
    guard let g = requests[id].prefixGroup, let held = prefixBlocks[g],
      computed[id] == 0
    else { return 0 }
    return held
  }

  /// Starts `id` on `blocks` cached blocks of its prefix.
  mutating func attachPrefix(_ id: Int, blocks hit: Int) {
    if reused[id] < 0 { reused[id] = hit * policy.blockTokens }
    guard hit > 0, let g = requests[id].prefixGroup else { return }
    shared[id] = hit
    prefixUsers[g, default: 0] += 1
  }

  /// Once `id` has computed its prefix's whole blocks and its group has
  /// none cached, those blocks become the group's.
  mutating func cachePrefix(_ id: Int) {
    let count = prefixBlockCount(id)
    guard count > 0, shared[id] == 0, let g = requests[id].prefixGroup,
      prefixBlocks[g] == nil, computed[id] >= count * policy.blockTokens
    else { return }
    prefixBlocks[g] = count
    prefixUsers[g] = 1
    blocks[id] -= count
    shared[id] = count
  }

  /// `id` stops using its group's cached prefix (the blocks stay).
  mutating func detachPrefix(_ id: Int) {
    guard shared[id] > 0, let g = requests[id].prefixGroup else { return }
    shared[id] = 0
    prefixUsers[g, default: 1] -= 1
    prefixLastUse[g] = clock
  }

  /// Frees unused cached prefixes, least recently used first, until
  /// `need` blocks are free (or none is left to free); `id`'s own group
  /// is spared.
  mutating func evictPrefixes(toFree need: Int, sparing id: Int? = nil) {
    guard free < need, !prefixBlocks.isEmpty else { return }
    let own = id.flatMap { requests[$0].prefixGroup }
    let idle = prefixBlocks.keys.filter {
      (prefixUsers[$0] ?? 0) == 0 && $0 != own
    }.sorted { (prefixLastUse[$0] ?? 0) < (prefixLastUse[$1] ?? 0) }
    for g in idle where free < need {
      free += prefixBlocks[g] ?? 0
      prefixBlocks[g] = nil
      prefixUsers[g] = nil
      prefixLastUse[g] = nil
    }
  }
}
