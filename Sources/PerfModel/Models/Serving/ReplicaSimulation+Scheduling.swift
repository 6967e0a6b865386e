/// How a replica fills a pass: the running sequences, then admissions,
/// preempting when the cache runs out.
extension ReplicaSimulation {
  /// Running sequences first, in admission order, then waiting requests.
  mutating func scheduleContinuous(into work: inout [(id: Int, tokens: Int)]) {
    var budget = policy.tokenBudget
    var evicted = false
    var i = 0
    while i < running.count, budget > 0 {
      let id = running[i]
      let remaining = target[id] - computed[id]
      let n = remaining > 0 ? min(remaining, budget) : 1
      if remaining > 0, !policy.chunkedPrefill, n < remaining {
        i += 1
        continue
      }
      let need = blocksFor(computed[id] + n) - shared[id] - blocks[id]
      if need > free { evictPrefixes(toFree: need) }
      var lostSelf = false
      while need > free, let victim = running.last {
        preempt(victim)
        evicted = true
        if victim == id {
          lostSelf = true
          break
        }
      }
      if lostSelf { continue }
      free -= need
      blocks[id] += need
      work.append((id, n))
      budget -= n
      i += 1
    }
    // As vLLM: no admissions in a pass that had to preempt.
    guard !evicted else { return }
    while budget > 0, running.count < policy.maxSequences,
      let id = nextWaiting()
    {
      if arriveCached, generated[id] == 0 {
        // Prefilled elsewhere: its prompt is cached and its first token
        // was sampled there.
        computed[id] = requests[id].promptTokens
        generated[id] = 1
        last[id] = first[id]
      }
      let hit = prefixHit(id)
      let start = max(computed[id], hit * policy.blockTokens)
      let remaining = target[id] - start
      // A sequence swapped out while decoding comes back for its token.
      let n = remaining > 0 ? min(remaining, budget) : 1
      if !policy.chunkedPrefill, n < remaining { break }
      let need = blocksFor(start + n) - hit - shared[id] + stateBlocks
      if need > free { evictPrefixes(toFree: need, sparing: id) }
      if need > free { break }
      admit(id)
      if swapped[id] {
        // Its blocks come back from host memory before the pass.
        swapped[id] = false
        pendingTransferSeconds += pricer.hostTransferSeconds(
          bytes: Double(blocksFor(start) - shared[id] + stateBlocks)
            * blockBytes)
      } else {
        attachPrefix(id, blocks: hit)
      }
      computed[id] = start
      free -= need
      blocks[id] = need - stateBlocks
      work.append((id, n))
      budget -= n
    }
  }

  /// An idle static replica takes up to the sequence limit of waiting
  /// requests, reserving each one's prompt and output up front (as
  /// FasterTransformer preallocates), while they fit.
  mutating func admitStaticBatch(into work: inout [(id: Int, tokens: Int)]) {
    while running.count < policy.maxSequences, let id = nextWaiting() {
      let need = peakBlocks(id)
      if need > free { break }
      admit(id)
      free -= need
      blocks[id] = need - stateBlocks
      work.append((id, target[id]))
    }
  }

  func nextWaiting() -> Int? {
    if let id = preempted.last { return id }
    return head < arrived ? head : nil
  }

  mutating func admit(_ id: Int) {
    if preempted.last == id {
      preempted.removeLast()
    } else {
      if preemptions[id] == 0 { scheduled[id] = clock }
      head += 1
    }
    running.append(id)
  }

  /// Frees a running sequence's cache; it prefills its prompt and its
  /// generated tokens again when readmitted.
  mutating func preempt(_ id: Int) {
    guard let at = running.lastIndex(of: id) else { return }
    running.remove(at: at)
    free += blocks[id] + stateBlocks
    preemptions[id] += 1
    preempted.append(id)
    if policy.preemption == .swap {
      // Its own blocks go to host memory (a shared prefix stays cached,
      // still in use); it resumes where it stopped.
      pendingTransferSeconds += pricer.hostTransferSeconds(
        bytes: Double(blocks[id] + stateBlocks) * blockBytes)
      blocks[id] = 0
      swapped[id] = true
      return
    }
    blocks[id] = 0
    detachPrefix(id)
    computed[id] = 0
    target[id] = requests[id].promptTokens + generated[id]
  }
}
