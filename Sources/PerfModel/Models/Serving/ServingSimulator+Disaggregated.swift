/// Prefill–decode disaggregation (DistServe, Splitwise): one pool of
/// replicas prefills, another decodes, and each request's KV cache moves
/// between them over a link.
///
/// A request is prefilled on a prefill replica (round robin), which
/// samples its first token (its TTFT); its prompt's cache, per device of
/// the replica's tensor-parallel group, then crosses the link, each device
/// sending its own shard at once:
///
///     transfer = latency + bytes_per_device / (bandwidth · efficiency)
///
/// and it joins a decode replica (round robin) with its cache in place, to
/// generate the rest. The gap between its first and second token includes
/// the transfer and any wait for the decode pool.
///
/// [Zhong et al. 2024, DistServe]: https://arxiv.org/abs/2401.09670
/// [Patel et al. 2024, Splitwise]: https://arxiv.org/abs/2311.18677
extension ServingSimulator {
  /// The link the caches cross and its efficiency.
  public struct CacheLink: Sendable, Hashable {
    /// The link.
    public var link: LinkSpec
    /// Fraction of its bandwidth reached.
    public var efficiency: Double

    /// Creates a link.
    public init(link: LinkSpec, efficiency: Double) {
      self.link = link
      self.efficiency = efficiency
    }

    /// Seconds to move `bytes` per device.
    public func seconds(bytes: Double) -> Double {
      (link.latencySeconds ?? 0) + bytes
        / (link.bandwidthBytesPerSecondPerDirection * efficiency)
    }
  }

  /// Simulates `requests` on `prefillReplicas` replicas that prefill and
  /// `decodeReplicas` that decode, the caches crossing `link`.
  ///
  /// - Throws: ``PlanError`` as ``run(_:replicas:policy:pricer:pool:recordIterations:decodeStretches:stop:)``.
  public static func runDisaggregated(
    _ requests: [ServingRequest], prefillReplicas: Int, decodeReplicas: Int,
    policy: SchedulerPolicy, pricer: IterationPricer, pool: CachePool,
    link: CacheLink, recordIterations: Bool = false
  ) throws(PlanError) -> Result {
    precondition(prefillReplicas > 0 && decodeReplicas > 0)
    // The prefill pool: each request as if it stopped at its first token.
    let prompts = requests.map {
      var r = $0
      r.outputTokens = 1
      return r
    }
    let prefill = try run(
      prompts, replicas: prefillReplicas, policy: policy, pricer: pricer,
      pool: pool, recordIterations: recordIterations)
    // The decode pool: requests with more to generate, arriving as their
    // caches land, in that order.
    var arrivals: [(request: Int, at: Double)] = []
    for (i, r) in requests.enumerated() where r.outputTokens > 1 {
      let bytes =
        pool.bytesPerToken * Double(r.promptTokens)
        + pool.stateBytesPerSequence
      arrivals.append(
        (i, prefill.requests[i].firstTokenSeconds + link.seconds(bytes: bytes)))
    }
    arrivals.sort { $0.at < $1.at }
    var result = prefill
    result.iterations = recordIterations ? prefill.iterations : []
    var outcomes = prefill.requests
    for replica in 0..<decodeReplicas {
      let mine = Array(
        stride(from: replica, to: arrivals.count, by: decodeReplicas))
      guard !mine.isEmpty else { continue }
      var sim = ReplicaSimulation(
        requests: mine.map {
          var r = requests[arrivals[$0].request]
          r.arrivalSeconds = arrivals[$0].at
          return r
        }, globalIndex: mine.map { arrivals[$0].request },
        replica: prefillReplicas + replica, policy: policy, pricer: pricer,
        pool: pool, recordIterations: recordIterations)
      sim.arriveCached = true
      for (local, k) in mine.enumerated() {
        sim.first[local] =
          prefill.requests[arrivals[k].request]
          .firstTokenSeconds
      }
      try check(sim)
      try sim.run()
      for (local, k) in mine.enumerated() {
        let i = arrivals[k].request
        outcomes[i].outputTokens = requests[i].outputTokens
        outcomes[i].completionSeconds = sim.completion[local]
        outcomes[i].maxGapSeconds = sim.maxGap[local]
        outcomes[i].preemptions += sim.preemptions[local]
      }
      result.absorb(sim)
    }
    result.requests = outcomes
    result.uncalibratedClasses = pricer.uncalibratedClasses.sorted()
    return result
  }
}
