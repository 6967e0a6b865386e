/// A discrete-event simulation of replicas of an inference server under
/// a stream of requests (Vidur's question, answered with the one cost
/// model that `predict` uses and `validate` checks).
///
/// Requests go to replicas in turn (round robin, request `i` to replica
/// `i mod R`); each replica runs ``SchedulerPolicy``'s batching over its
/// ``CachePool`` in blocks, and every pass is priced by an
/// ``IterationPricer``. Not modelled, and said so by the CLI: routing by
/// load, pipelined replicas, the
/// host's scheduling time between passes (vLLM overlaps it), and the
/// load imbalance of unequal cache lengths in one attention kernel (a pass
/// is priced at its mean length; measured on an H200, FlashAttention-2
/// varlen over 64 log-normal lengths of mean 400 took 1.5× the equal
/// lengths' time).
///
/// [Agrawal et al. 2024, Vidur]: https://arxiv.org/abs/2405.05465
/// [Kwon et al. 2023, vLLM]: https://arxiv.org/abs/2309.06180
/// [Agrawal et al. 2024, Sarathi-Serve]: https://arxiv.org/abs/2403.02310
public enum ServingSimulator {
  /// What a simulation produced.
  public struct Result: Sendable {
    /// Each request, in workload order.
    public var requests: [RequestOutcome]
    /// Each pass, when asked for.
    public var iterations: [IterationRecord]
    /// Gaps between consecutive tokens of a request, with how many
    /// tokens saw each (a decode pass gives one gap to each sequence).
    public var gapSeconds: [Double]
    /// The weight of each gap.
    public var gapWeights: [Int]
    /// Passes run over all replicas.
    public var passes: Int
    /// Of those, passes that only decoded.
    public var decodeOnlyPasses: Int
    /// Replica-seconds spent in passes.
    public var busySeconds: Double
    /// ∫ cache fraction used dt over the passes, summed over replicas.
    public var cacheOccupancySeconds: Double
    /// ∫ (running + waiting) dt over the passes, summed over replicas.
    public var requestsInSystemSeconds: Double
    /// The largest cache fraction a replica used.
    public var peakCacheFraction: Double
    /// The longest queue a replica had.
    public var peakWaiting: Int
    /// Calibration classes the passes lacked.
    public var uncalibratedClasses: [String]
    /// Whether the run stopped early at its ``StopRule`` (its outcomes
    /// are then incomplete).
    public var stopped = false
    /// The limit that stopped it: `ttft` or `gap`.
    public var stoppedBy: String?
  }

  /// Objectives a run may stop at once it has missed them: more requests
  /// over the TTFT limit, or more token gaps over the gap limit, than a
  /// percentile objective allows.
  public struct StopRule: Sendable, Hashable {
    /// The TTFT limit.
    public var ttftSeconds: Double
    /// Requests of a replica that may exceed it.
    public var allowedTTFTViolations: Int
    /// The gap limit.
    public var gapSeconds: Double
    /// Token gaps of a replica that may exceed it.
    public var allowedGapViolations: Int

    /// Creates a rule.
    public init(
      ttftSeconds: Double, allowedTTFTViolations: Int, gapSeconds: Double,
      allowedGapViolations: Int
    ) {
      self.ttftSeconds = ttftSeconds
      self.allowedTTFTViolations = allowedTTFTViolations
      self.gapSeconds = gapSeconds
      self.allowedGapViolations = allowedGapViolations
    }
  }

  /// Simulates `requests` (sorted by arrival) on `replicas` replicas of
  /// `pricer`'s deployment.
  ///
  /// - Throws: ``PlanError`` when a request could never fit in the pool
  ///   or the budget, or the device lacks a data type.
  public static func run(
    _ requests: [ServingRequest], replicas: Int, policy: SchedulerPolicy,
    pricer: IterationPricer, pool: CachePool, recordIterations: Bool = false,
    decodeStretches: Bool = true, stop: StopRule? = nil
  ) throws(PlanError) -> Result {
    precondition(replicas > 0)
    var result = Result(
      requests: [], iterations: [], gapSeconds: [], gapWeights: [], passes: 0,
      decodeOnlyPasses: 0,
      busySeconds: 0, cacheOccupancySeconds: 0, requestsInSystemSeconds: 0,
      peakCacheFraction: 0, peakWaiting: 0, uncalibratedClasses: [])
    var byRequest = [RequestOutcome?](repeating: nil, count: requests.count)
    for replica in 0..<replicas {
      let mine = Array(stride(from: replica, to: requests.count, by: replicas))
      var sim = ReplicaSimulation(
        requests: mine.map { requests[$0] }, globalIndex: mine,
        replica: replica, policy: policy, pricer: pricer, pool: pool,
        recordIterations: recordIterations)
      sim.allowStretches = decodeStretches
      sim.stop = stop
      try check(sim)
      try sim.run()
      for (local, global) in mine.enumerated() {
        let r = requests[global]
        byRequest[global] = RequestOutcome(
          request: global, replica: replica, arrivalSeconds: r.arrivalSeconds,
          promptTokens: r.promptTokens, outputTokens: r.outputTokens,
          scheduledSeconds: sim.scheduled[local],
          firstTokenSeconds: sim.first[local],
          completionSeconds: sim.completion[local],
          maxGapSeconds: sim.maxGap[local],
          preemptions: sim.preemptions[local],
          reusedPrefixTokens: max(0, sim.reused[local]))
      }
      result.absorb(sim)
      if sim.stopped {
        result.stopped = true
        result.stoppedBy = sim.stoppedBy
        break
      }
    }
    result.requests = byRequest.compactMap { $0 }
    result.uncalibratedClasses = pricer.uncalibratedClasses.sorted()
    return result
  }

  /// Refuses a workload a replica could never finish: a request larger
  /// than the whole pool, or a prompt beyond the budget without chunking.
  static func check(_ sim: ReplicaSimulation) throws(PlanError) {
    for (local, r) in sim.requests.enumerated() {
      let need = sim.peakBlocks(local)
      if need > sim.totalBlocks {
        throw PlanError(
          .context,
          "request \(sim.globalIndex[local] + 1) (\(r.promptTokens) + \(r.outputTokens) tokens) needs \(need) cache blocks; a replica holds \(sim.totalBlocks): shorten it, or give the replica more devices or memory"
        )
      }
      if sim.policy.kind == .continuous, !sim.policy.chunkedPrefill,
        r.promptTokens + r.outputTokens > sim.policy.tokenBudget
      {
        throw PlanError(
          .chunk,
          "request \(sim.globalIndex[local] + 1)'s prompt and output (\(r.promptTokens + r.outputTokens) tokens, prefilled whole after a preemption) exceed the token budget \(sim.policy.tokenBudget): raise the budget or allow chunked prefill"
        )
      }
    }
  }
}

extension ServingSimulator.Result {
  /// Adds a finished replica's passes, gaps and totals.
  mutating func absorb(_ sim: ReplicaSimulation) {
    iterations += sim.iterations
    gapSeconds += sim.gaps
    gapWeights += sim.gapWeights
    passes += sim.stats.passes
    decodeOnlyPasses += sim.stats.decodeOnlyPasses
    busySeconds += sim.stats.busySeconds
    cacheOccupancySeconds += sim.stats.occupancySeconds
    requestsInSystemSeconds += sim.stats.systemSeconds
    peakCacheFraction = max(peakCacheFraction, sim.stats.peakCacheFraction)
    peakWaiting = max(peakWaiting, sim.stats.peakWaiting)
  }
}
