extension ReplicaSimulation {
  /// Runs the decode-only passes up to the next event at once.
  ///
  /// It runs when the next pass would only decode every running
  /// sequence: under
  /// continuous batching nothing is waiting (the stretch ends with the
  /// pass during which the next request arrives) or the sequence limit is
  /// reached; under static batching the batch is prefilled. It ends at
  /// the first completion, or before the pass that would need more cache
  /// blocks than are free. Returns whether it ran any pass.
  mutating func decodeStretch() throws(PlanError) -> Bool {
    guard !running.isEmpty, preempted.isEmpty else { return false }
    let d = running.count
    var remaining = Int.max
    var context = 0
    var longestReal = 0
    var longestPadding = 0
    for id in running {
      guard computed[id] >= target[id] else { return false }
      context += computed[id]
      if padding[id] {
        longestPadding = max(longestPadding, computed[id] + 1)
        continue
      }
      longestReal = max(longestReal, computed[id])
      guard last[id] == clock else { return false }
      remaining = min(remaining, requests[id].outputTokens - generated[id])
    }
    var untilArrival = false
    if policy.kind == .continuous {
      guard d <= policy.tokenBudget else { return false }
      if waitingCount > 0 {
        guard d >= policy.maxSequences else { return false }
      } else {
        untilArrival = arrived < requests.count
      }
    }
    guard remaining != .max else { return false }
    var steps = remaining
    if policy.kind == .continuous, extraBlocks(after: steps) > free {
      // The largest number of passes whose new blocks fit.
      var low = 0
      var high = steps
      while low < high {
        let mid = (low + high + 1) / 2
        if extraBlocks(after: mid) <= free { low = mid } else { high = mid - 1 }
      }
      steps = low
    }
    guard steps > 0 else { return false }
    let nextArrival =
      untilArrival ? requests[arrived].arrivalSeconds : .infinity
    let real = running.count { !padding[$0] }
    var longest = 0.0
    var done = 0
    while done < steps {
      done += 1
      // Each sequence reads its cache and the new token; padding's
      // caches stop growing.
      let read = context + d + (done - 1) * real
      let seconds =
        try pricer.decodeSeconds(sequences: d, contextTokens: Double(read))
        + pricer.tailSeconds(
          sequences: d, contextTokens: Double(read),
          longest: max(longestReal + done, longestPadding))
      longest = max(longest, seconds)
      gaps.append(seconds)
      gapWeights.append(real)
      countGap(seconds, weight: real)
      let start = clock
      clock += seconds
      if policy.kind == .continuous {
        // The cache blocks this pass holds, as a pass-by-pass run
        // allocates them.
        free -= extraBlocks(after: done) - extraBlocks(after: done - 1)
      }
      record(
        start: start, seconds: seconds, prefillTokens: 0, decodes: d,
        context: read)
      if clock >= nextArrival { break }
    }
    var finished = false
    for id in running where !padding[id] {
      computed[id] += done
      generated[id] += done
      if policy.kind == .continuous {
        blocks[id] = blocksFor(computed[id]) - shared[id]
      }
      last[id] = clock
      if longest > maxGap[id] { maxGap[id] = longest }
      if generated[id] == requests[id].outputTokens {
        completion[id] = clock
        finished = true
      }
    }
    if finished { retireFinished() }
    return true
  }

  mutating func countGap(_ gap: Double, weight: Int) {
    guard let stop, gap > stop.gapSeconds else { return }
    gapViolations += weight
    if gapViolations > stop.allowedGapViolations, !stopped {
      stopped = true
      stoppedBy = "gap"
    }
  }

  /// Blocks the running sequences need beyond those they hold after
  /// `passes` more decode passes.
  func extraBlocks(after passes: Int) -> Int {
    var extra = 0
    for id in running {
      extra += max(
        0, blocksFor(computed[id] + passes) - shared[id] - blocks[id])
    }
    return extra
  }
}
