/// The cheapest deployment that serves a request rate within tail-latency
/// objectives: for each configuration (device, tensor-parallel degree,
/// scheduler limits), the largest rate one replica sustains, found by
/// simulation; then as many replicas as the target rate needs.
///
/// A replica sustains a rate when a simulation of the workload at that
/// rate meets both objectives: P99 time to first token and P99 time
/// between tokens (over every token gap). The rate is bracketed by
/// doubling from 1/16 request per second and bisected to 2% (the same
/// requests at every probe, their arrival times scaled, so probes differ
/// only in load); a probe stops as soon as more than 1% of its requests
/// or gaps have missed. The objective that fails just above the sustained
/// rate is the configuration's binding constraint. A rate above the
/// replica's saturation rate (``saturationRate(scheduled:completed:)``:
/// the workload queued at once, repeated until a queue forms, admissions
/// while it drains) is not sustained whatever the finite workload's
/// percentiles: then `throughput` binds.
public enum CapacityPlanner {
  /// Tail-latency objectives.
  public struct Objectives: Sendable, Hashable, Codable {
    /// The most P99 time to first token.
    public var ttftP99Seconds: Double
    /// The most P99 time between tokens.
    public var tbtP99Seconds: Double

    /// Creates objectives.
    public init(ttftP99Seconds: Double, tbtP99Seconds: Double) {
      self.ttftP99Seconds = ttftP99Seconds
      self.tbtP99Seconds = tbtP99Seconds
    }
  }

  /// One configuration to try.
  public struct Configuration: Sendable, Hashable {
    /// The device.
    public var device: DeviceSpec
    /// Devices of one replica (tensor parallelism).
    public var tensorParallel: Int
    /// The replica's scheduler.
    public var policy: SchedulerPolicy

    /// Creates a configuration.
    public init(
      device: DeviceSpec, tensorParallel: Int, policy: SchedulerPolicy
    ) {
      self.device = device
      self.tensorParallel = tensorParallel
      self.policy = policy
    }
  }

  /// What a configuration achieves.
  public struct Finding: Sendable, Hashable, Codable {
    /// The device's name.
    public var device: String
    /// Devices per replica.
    public var tensorParallel: Int
    /// Sequences a replica runs at once.
    public var maxSequences: Int
    /// Tokens per pass.
    public var tokenBudget: Int
    /// The largest rate one replica sustains within the objectives.
    public var sustainedRequestsPerSecondPerReplica: Double
    /// The objective that fails just above it, with its value there.
    public var binding: String
    /// Replicas the target rate needs.
    public var replicas: Int
    /// Devices in all.
    public var devices: Int
    /// Dollars an hour for them.
    public var usdPerHour: Double
    /// Dollars per million output tokens at the target rate.
    public var usdPerMillionOutputTokens: Double
    /// P99 time to first token at the target rate (spread over the
    /// replicas).
    public var ttftP99Seconds: Double
    /// P99 time between tokens there.
    public var tbtP99Seconds: Double
  }

  /// The search's answer.
  public struct Result: Sendable, Hashable, Codable {
    /// Every configuration that serves the rate, cheapest first.
    public var feasible: [Finding]
    /// Feasible configurations no other beats on both cost and P99 TTFT.
    public var pareto: [Finding]
    /// Configurations that serve no rate at all, each with why.
    public var refused: [String]
  }

  /// Searches `configurations` for `targetRate` requests per second of
  /// `workload(rate)` (requests arriving at that rate over one replica).
  ///
  /// - Parameters:
  ///   - model: the model served.
  ///   - configurations: devices, degrees and schedulers to try.
  ///   - targetRate: requests per second over the whole deployment.
  ///   - objectives: the P99 limits.
  ///   - workload: the requests one replica sees at a rate.
  ///   - scenario: formats and engine of every pass (split and device
  ///     filled in per configuration).
  ///   - memory: formats and reserve of the memory estimate.
  ///   - efficiency: factors for kernels without a fitted class.
  ///   - maxReplicas: the most replicas a configuration may use.
  ///   - unequalLengthTail: the attention tail over unequal cache lengths,
  ///     if measured (``IterationPricer/unequalLengthTail``).
  ///   - progress: called with each configuration's label when done.
  /// - Returns: the configurations that serve the rate, their Pareto
  ///   front, and those refused with why.
  public static func search(
    _ model: ModelArchitecture, configurations: [Configuration],
    targetRate: Double, objectives: Objectives,
    workload: (Double) -> [ServingRequest], scenario: GraphScenario,
    memory: MemoryScenario, efficiency: EfficiencyFactors,
    maxReplicas: Int = 1024, unequalLengthTail: UnequalLengthTail? = nil,
    progress: (String) -> Void = { _ in }
  ) -> Result {
    var feasible: [Finding] = []
    var refused: [String] = []
    for c in configurations {
      let label =
        "\(c.tensorParallel) × \(c.device.name), \(c.policy.maxSequences) seqs, \(c.policy.tokenBudget)-token budget"
      defer { progress(label) }
      do {
        if let f = try evaluate(
          model, c, targetRate: targetRate, objectives: objectives,
          workload: workload, scenario: scenario, memory: memory,
          efficiency: efficiency, maxReplicas: maxReplicas,
          unequalLengthTail: unequalLengthTail)
        {
          feasible.append(f)
        }
      } catch let error as PlanError {
        refused.append("\(label): \(error.message)")
      } catch let error as Refusal {
        refused.append("\(label): \(error.message)")
      } catch {
        refused.append("\(label): \(error)")
      }
    }
    feasible.sort { $0.usdPerHour < $1.usdPerHour }
    var pareto: [Finding] = []
    var fastest = Double.infinity
    for f in feasible where f.ttftP99Seconds < fastest {
      pareto.append(f)
      fastest = f.ttftP99Seconds
    }
    return Result(feasible: feasible, pareto: pareto, refused: refused)
  }

  /// Why a configuration serves nothing.
  struct Refusal: Error {
    var message: String
  }

  /// The P99s of a probe, or `nil` if it stopped early having missed.
  struct Probe {
    var ttft: Double
    var tbt: Double
    /// The limit that stopped the probe early, if one did.
    var stoppedBy: String?
  }

  static func evaluate(
    _ model: ModelArchitecture, _ c: Configuration, targetRate: Double,
    objectives o: Objectives, workload: (Double) -> [ServingRequest],
    scenario: GraphScenario, memory: MemoryScenario,
    efficiency: EfficiencyFactors, maxReplicas: Int,
    unequalLengthTail: UnequalLengthTail?
  ) throws -> Finding? {
    guard let price = c.device.price else {
      throw Refusal(message: "no price in its descriptor")
    }
    if c.policy.preemption == .swap, c.device.interconnect.hostLink == nil {
      throw Refusal(message: "no host link in its descriptor to price swaps")
    }
    var fit = memory
    fit.plan = ParallelPlan(tensorParallel: c.tensorParallel)
    fit.batch = 1
    fit.workspaceTokens = max(fit.workspaceTokens, c.policy.tokenBudget)
    let estimate = try MemoryModel.estimate(model, on: c.device, fit)
    let pool = CachePool(estimate.stages[estimate.bindingStage])
    guard pool.capacityBytes > 0 else {
      throw Refusal(message: "the weights leave no memory for the cache")
    }
    var graph = scenario
    graph.plan = fit.plan
    graph.sramBytes = c.device.sramBytesPerUnit ?? 65536
    graph.computeUnits = c.device.compute.unitCount
    let pricer = try IterationPricer(
      model, on: c.device, graph, efficiency: efficiency,
      calibration: c.device.calibration)
    pricer.unequalLengthTail = unequalLengthTail
    // A finite workload can meet both P99s at a rate the replica cannot
    // keep up with, its queue draining after the last arrival: a rate
    // above its saturation rate is not sustained.
    // The workload queued at once, repeated until a queue forms.
    var burst = workload(1e9)
    var saturation: Double?
    for _ in 0..<6 {
      let run = try ServingSimulator.run(
        burst, replicas: 1, policy: c.policy, pricer: pricer, pool: pool)
      saturation = saturationRate(
        scheduled: run.requests.map(\.scheduledSeconds),
        completed: run.requests.map(\.completionSeconds))
      if saturation != nil { break }
      burst += burst
    }
    guard let saturation else {
      throw Refusal(
        message:
          "\(burst.count) requests queued at once leave too few waiting to measure its saturation rate"
      )
    }
    func probe(_ rate: Double) throws -> Probe {
      if rate > saturation {
        return Probe(ttft: 0, tbt: 0, stoppedBy: "saturation")
      }
      let requests = workload(rate)
      let stop = ServingSimulator.StopRule(
        ttftSeconds: o.ttftP99Seconds,
        allowedTTFTViolations: requests.count / 100,
        gapSeconds: o.tbtP99Seconds,
        allowedGapViolations: requests.reduce(0) { $0 + $1.outputTokens } / 100)
      let r = try ServingSimulator.run(
        requests, replicas: 1, policy: c.policy, pricer: pricer, pool: pool,
        stop: stop)
      let s = SimulationSummary(r)
      return Probe(
        ttft: s.ttftSeconds.p99, tbt: s.timeBetweenTokensSeconds.p99,
        stoppedBy: r.stoppedBy)
    }
    func meets(_ p: Probe) -> Bool {
      p.stoppedBy == nil && p.ttft <= o.ttftP99Seconds
        && p.tbt <= o.tbtP99Seconds
    }
    func binding(_ p: Probe) -> String {
      switch p.stoppedBy {
      case "saturation": "throughput"
      case "ttft": "TTFT p99"
      case "gap": "TBT p99"
      default: p.ttft > o.ttftP99Seconds ? "TTFT p99" : "TBT p99"
      }
    }
    // At a vanishing load each request runs alone.
    let idle = try probe(1e-3)
    guard meets(idle) else {
      let which = binding(idle)
      let value = which == "TTFT p99" ? idle.ttft : idle.tbt
      let limit = which == "TTFT p99" ? o.ttftP99Seconds : o.tbtP99Seconds
      throw Refusal(
        message:
          "\(which) is \(milliseconds(value)) with requests alone, above the objective \(milliseconds(limit)) by \(Int(((value / limit - 1) * 100).rounded()))%"
      )
    }
    var low = 0.0
    var high = 1.0 / 16
    var failed: Probe?
    while high < 1e6 {
      let p = try probe(high)
      if !meets(p) {
        failed = p
        break
      }
      low = high
      high *= 2
    }
    guard var lastFailure = failed else {
      throw Refusal(message: "sustains over 1M requests per second")
    }
    while high - low > 0.02 * high {
      let mid = low == 0 ? high / 2 : (low + high) / 2
      let p = try probe(mid)
      if meets(p) {
        low = mid
      } else {
        high = mid
        lastFailure = p
      }
      if low == 0, high < 1e-3 { break }
    }
    guard low > 0 else {
      throw Refusal(
        message:
          "\(binding(lastFailure)) fails even at \(high) requests per second")
    }
    let replicas = Int((targetRate / low).rounded(.up))
    guard replicas <= maxReplicas else {
      throw Refusal(
        message:
          "needs \(replicas) replicas (each sustains \(low) req/s, bound by \(binding(lastFailure))); at most \(maxReplicas)"
      )
    }
    let operating = try probe(targetRate / Double(replicas))
    let requests = workload(1)
    let meanOutput =
      Double(requests.reduce(0) { $0 + $1.outputTokens })
      / Double(max(requests.count, 1))
    let devices = replicas * c.tensorParallel
    let usdPerHour = Double(devices) * price.usdPerHour
    return Finding(
      device: c.device.name, tensorParallel: c.tensorParallel,
      maxSequences: c.policy.maxSequences, tokenBudget: c.policy.tokenBudget,
      sustainedRequestsPerSecondPerReplica: low,
      binding: binding(lastFailure), replicas: replicas, devices: devices,
      usdPerHour: usdPerHour,
      usdPerMillionOutputTokens: usdPerHour
        / (targetRate * meanOutput * 3600) * 1e6,
      ttftP99Seconds: operating.ttft, tbtP99Seconds: operating.tbt)
  }

  /// Requests per second a replica serves with a queue in front of it.
  ///
  /// With every request of a workload arriving at once (`scheduled`: when
  /// each was admitted, `completed`: when each ended): the admissions
  /// after the first completion (each departure frees room for the next
  /// waiting request) over the time from that completion to the last
  /// admission, when the queue empties. `nil` with fewer than 16 such
  /// admissions: the workload does not keep the replica saturated long
  /// enough to tell.
  ///
  /// The workload's own requests over its makespan would understate it:
  /// the makespan ends with the longest request decoding alone.
  public static func saturationRate(
    scheduled: [Double], completed: [Double]
  ) -> Double? {
    guard let first = completed.min(), let last = scheduled.max(),
      last > first
    else { return nil }
    let admitted = scheduled.filter { $0 > first }.count
    return admitted >= 16 ? Double(admitted) / (last - first) : nil
  }

  static func milliseconds(_ seconds: Double) -> String {
    let ms = (seconds * 1e4).rounded() / 10
    return "\(ms) ms"
  }
}
