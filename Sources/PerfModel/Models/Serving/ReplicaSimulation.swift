/// The discrete-event simulation of one replica: passes one after
/// another, each scheduled by the policy, priced by the iteration pricer,
/// its tokens then emitted at its end.
///
/// A stretch of passes that only decode, with nothing to admit before the
/// next arrival or completion, runs without touching the sequences per
/// pass (``decodeStretch()``); it gives the same times as passing
/// through ``step()`` one by one (a test runs both).
struct ReplicaSimulation {
  let requests: [ServingRequest]
  let globalIndex: [Int]
  let replica: Int
  let policy: SchedulerPolicy
  let pricer: IterationPricer
  /// Cache blocks of the pool; a token block holds `blockTokens` tokens.
  let totalBlocks: Int
  /// Whether tokens take blocks (false for a model of recurrent state
  /// only).
  let tokensTakeBlocks: Bool
  /// Blocks of recurrent state each running sequence holds.
  let stateBlocks: Int
  /// Bytes of one block (a whole pool unit) per device.
  let blockBytes: Double
  let recordIterations: Bool
  var allowStretches = true
  /// Whether requests arrive prefilled elsewhere, their caches sent here
  /// and their first token sampled at ``first`` (a disaggregated decode
  /// pool).
  var arriveCached = false

  var computed: [Int]
  var target: [Int]
  var generated: [Int]
  var blocks: [Int]
  var scheduled: [Double]
  var first: [Double]
  var last: [Double]
  var completion: [Double]
  var maxGap: [Double]
  var preemptions: [Int]
  var padding: [Bool]
  /// Blocks of its group's cached prefix a running sequence uses (not in
  /// ``blocks``).
  var shared: [Int]
  /// Prompt tokens a request found cached on its first admission.
  var reused: [Int]
  /// Whether a waiting sequence's cache is in host memory.
  var swapped: [Bool]
  /// Seconds of host copies the pass being scheduled waits for.
  var pendingTransferSeconds = 0.0
  /// Cached prefixes: blocks held, sequences using them, last release.
  var prefixBlocks: [Int: Int] = [:]
  var prefixUsers: [Int: Int] = [:]
  var prefixLastUse: [Int: Double] = [:]

  var running: [Int] = []
  /// Preempted sequences, readmitted before new ones, the last preempted
  /// first (vLLM prepends them to its waiting queue).
  var preempted: [Int] = []
  /// The next request never admitted.
  var head = 0
  /// Requests arrived by `clock`.
  var arrived = 0
  var free: Int
  var clock = 0.0

  /// Objectives past which the run stops early (a capacity search's
  /// probe that has already failed), and how far past it is.
  var stop: ServingSimulator.StopRule?
  var ttftViolations = 0
  var gapViolations = 0
  var stopped = false
  /// Which limit stopped the run: `ttft` or `gap`.
  var stoppedBy: String?

  var iterations: [IterationRecord] = []
  var gaps: [Double] = []
  var gapWeights: [Int] = []
  var stats = RunningStats()

  /// Totals the summary needs, kept whether or not passes are recorded.
  struct RunningStats {
    var passes = 0
    var decodeOnlyPasses = 0
    var busySeconds = 0.0
    var occupancySeconds = 0.0
    var systemSeconds = 0.0
    var peakCacheFraction = 0.0
    var peakWaiting = 0
  }

  init(
    requests: [ServingRequest], globalIndex: [Int], replica: Int,
    policy: SchedulerPolicy, pricer: IterationPricer, pool: CachePool,
    recordIterations: Bool
  ) {
    self.requests = requests
    self.globalIndex = globalIndex
    self.replica = replica
    self.policy = policy
    self.pricer = pricer
    self.recordIterations = recordIterations
    let blockBytes = Double(policy.blockTokens) * pool.bytesPerToken
    tokensTakeBlocks = blockBytes > 0
    let unit =
      tokensTakeBlocks ? blockBytes : max(pool.stateBytesPerSequence, 1)
    totalBlocks = Int(min(pool.capacityBytes / unit, Double(1 << 40)))
    self.blockBytes = unit
    stateBlocks =
      pool.stateBytesPerSequence > 0
      ? Int((pool.stateBytesPerSequence / unit).rounded(.up)) : 0
    free = totalBlocks
    let n = requests.count
    computed = Array(repeating: 0, count: n)
    target = requests.map(\.promptTokens)
    generated = Array(repeating: 0, count: n)
    blocks = Array(repeating: 0, count: n)
    scheduled = Array(repeating: 0, count: n)
    first = Array(repeating: 0, count: n)
    last = Array(repeating: 0, count: n)
    completion = Array(repeating: 0, count: n)
    maxGap = Array(repeating: 0, count: n)
    preemptions = Array(repeating: 0, count: n)
    padding = Array(repeating: false, count: n)
    shared = Array(repeating: 0, count: n)
    reused = Array(repeating: -1, count: n)
    swapped = Array(repeating: false, count: n)
  }

  func blocksFor(_ tokens: Int) -> Int {
    tokensTakeBlocks
      ? (tokens + policy.blockTokens - 1) / policy.blockTokens : 0
  }

  /// Blocks a request needs at its largest: its prompt and all its output.
  func peakBlocks(_ id: Int) -> Int {
    blocksFor(requests[id].promptTokens + requests[id].outputTokens)
      + stateBlocks
  }

  var waitingCount: Int { preempted.count + arrived - head }

  mutating func run() throws(PlanError) {
    while true {
      while arrived < requests.count,
        requests[arrived].arrivalSeconds <= clock
      {
        arrived += 1
      }
      if stopped { return }
      if running.isEmpty && waitingCount == 0 {
        guard arrived < requests.count else { return }
        clock = requests[arrived].arrivalSeconds
        continue
      }
      if allowStretches, try decodeStretch() { continue }
      try step()
    }
  }

  // MARK: one pass

  mutating func step() throws(PlanError) {
    let start = clock
    var work: [(id: Int, tokens: Int)] = []
    if policy.kind == .static {
      if running.isEmpty { admitStaticBatch(into: &work) }
      for id in running where computed[id] >= target[id] {
        work.append((id, 1))
      }
    } else {
      scheduleContinuous(into: &work)
    }
    guard !work.isEmpty else {
      // Nothing fits: a waiting request larger than the free pool with
      // nothing running to finish cannot happen (checked up front).
      preconditionFailure("a pass scheduled nothing")
    }
    var chunks: [ServingIteration.Chunk] = []
    var decodes = 0
    var context = 0
    var longest = 0
    var prefillTokens = 0
    for (id, n) in work {
      if computed[id] < target[id] {
        chunks.append(
          .init(
            tokens: n, cachedTokens: computed[id],
            samples: computed[id] + n == target[id]))
        prefillTokens += n
      } else {
        decodes += 1
        context += computed[id] + 1
        longest = max(longest, computed[id] + 1)
      }
    }
    let copies = pendingTransferSeconds
    pendingTransferSeconds = 0
    let seconds =
      try copies
      + pricer.seconds(
        ServingIteration(
          chunks: chunks, decodeSequences: decodes,
          decodeContextTokens: context, decodeLongestContext: longest))
    record(
      start: start, seconds: seconds, prefillTokens: prefillTokens,
      decodes: decodes, context: context)
    clock = start + seconds
    var finished = false
    for (id, n) in work {
      if computed[id] < target[id] {
        computed[id] += n
        cachePrefix(id)
        if computed[id] == target[id] { finished = emit(id) || finished }
      } else if !padding[id] {
        computed[id] += 1
        finished = emit(id) || finished
      }
    }
    if finished { retireFinished() }
  }

  /// Samples a token of `id` at `clock`; whether the request is done.
  mutating func emit(_ id: Int) -> Bool {
    guard !padding[id] else { return false }
    generated[id] += 1
    if generated[id] == 1 {
      first[id] = clock
      if let stop, clock - requests[id].arrivalSeconds > stop.ttftSeconds {
        ttftViolations += 1
        if ttftViolations > stop.allowedTTFTViolations, !stopped {
          stopped = true
          stoppedBy = "ttft"
        }
      }
    } else {
      let gap = clock - last[id]
      gaps.append(gap)
      gapWeights.append(1)
      if gap > maxGap[id] { maxGap[id] = gap }
      countGap(gap, weight: 1)
    }
    last[id] = clock
    guard generated[id] == requests[id].outputTokens else { return false }
    completion[id] = clock
    return true
  }

  /// Removes finished sequences (continuous) or, under static batching,
  /// keeps them as padding until the whole batch is done.
  mutating func retireFinished() {
    if policy.kind == .static {
      for id in running where generated[id] == requests[id].outputTokens {
        padding[id] = true
      }
      guard running.allSatisfy({ padding[$0] }) else { return }
      for id in running { free += blocks[id] + stateBlocks }
      running.removeAll(keepingCapacity: true)
      return
    }
    for id in running where generated[id] == requests[id].outputTokens {
      free += blocks[id] + stateBlocks
      blocks[id] = 0
      detachPrefix(id)
    }
    running.removeAll { generated[$0] == requests[$0].outputTokens }
  }

  mutating func record(
    start: Double, seconds: Double, prefillTokens: Int, decodes: Int,
    context: Int
  ) {
    let used = Double(totalBlocks - free) / Double(max(totalBlocks, 1))
    let waiting = waitingCount
    stats.passes += 1
    if prefillTokens == 0 { stats.decodeOnlyPasses += 1 }
    stats.busySeconds += seconds
    stats.occupancySeconds += used * seconds
    stats.systemSeconds += Double(running.count + waiting) * seconds
    stats.peakCacheFraction = max(stats.peakCacheFraction, used)
    stats.peakWaiting = max(stats.peakWaiting, waiting)
    guard recordIterations else { return }
    iterations.append(
      IterationRecord(
        replica: replica, startSeconds: start, seconds: seconds,
        prefillTokens: prefillTokens, decodeSequences: decodes,
        decodeContextTokens: context, runningSequences: running.count,
        waitingRequests: waiting,
        cacheUsedFraction: used))
  }
}
