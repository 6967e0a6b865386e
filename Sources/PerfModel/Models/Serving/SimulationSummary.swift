/// Percentiles, throughput and goodput of a simulation.
public struct SimulationSummary: Sendable, Hashable, Codable {
  /// The 50th, 90th and 99th percentiles and the mean of one measure.
  public struct Spread: Sendable, Hashable, Codable {
    /// Median.
    public var p50: Double
    /// 90th percentile.
    public var p90: Double
    /// 99th percentile.
    public var p99: Double
    /// Mean.
    public var mean: Double

    /// The spread of `values` with `weights` (each value counted that
    /// many times): the `q`-th percentile is the smallest value whose
    /// cumulative weight reaches `q`·total (nearest rank).
    public init(_ values: [Double], weights: [Int]? = nil) {
      guard !values.isEmpty else {
        self.init(p50: 0, p90: 0, p99: 0, mean: 0)
        return
      }
      let w = weights ?? Array(repeating: 1, count: values.count)
      let order = values.indices.sorted { values[$0] < values[$1] }
      let total = w.reduce(0, +)
      var sum = 0.0
      for (v, k) in zip(values, w) { sum += v * Double(k) }
      func rank(_ q: Double) -> Double {
        let need = max(1, Int((q * Double(total)).rounded(.up)))
        var seen = 0
        for i in order {
          seen += w[i]
          if seen >= need { return values[i] }
        }
        return values[order[order.count - 1]]
      }
      self.init(
        p50: rank(0.5), p90: rank(0.9), p99: rank(0.99),
        mean: sum / Double(max(total, 1)))
    }

    /// A spread from its numbers.
    public init(p50: Double, p90: Double, p99: Double, mean: Double) {
      self.p50 = p50
      self.p90 = p90
      self.p99 = p99
      self.mean = mean
    }
  }

  /// Service-level objectives a request must meet to count as goodput
  /// (DistServe's attainment: its TTFT and its mean TPOT).
  public struct Objectives: Sendable, Hashable, Codable {
    /// The most time to first token.
    public var ttftSeconds: Double
    /// The most mean time per output token.
    public var tpotSeconds: Double

    /// Creates objectives.
    public init(ttftSeconds: Double, tpotSeconds: Double) {
      self.ttftSeconds = ttftSeconds
      self.tpotSeconds = tpotSeconds
    }
  }

  /// Requests simulated.
  public var requests: Int
  /// Time to first token.
  public var ttftSeconds: Spread
  /// Time between tokens, over every gap of every request.
  public var timeBetweenTokensSeconds: Spread
  /// Mean time per output token of each request.
  public var tpotSeconds: Spread
  /// Arrival to last token.
  public var endToEndSeconds: Spread
  /// Waiting before the first pass.
  public var queueSeconds: Spread
  /// First arrival to last completion.
  public var makespanSeconds: Double
  /// Requests completed per second over the makespan.
  public var requestsPerSecond: Double
  /// Output tokens per second over the makespan.
  public var outputTokensPerSecond: Double
  /// Requests per second that met the objectives, if given.
  public var goodputRequestsPerSecond: Double?
  /// Fraction of requests that met them.
  public var attainment: Double?
  /// The arrival rate offered (requests / span of arrivals).
  public var offeredRequestsPerSecond: Double
  /// Mean fraction of the cache used while busy.
  public var meanCacheFraction: Double
  /// The largest fraction a replica used.
  public var peakCacheFraction: Double
  /// Mean requests in the system (running and waiting) while busy,
  /// averaged over the makespan and summed over replicas.
  public var meanRequestsInSystem: Double
  /// The longest queue.
  public var peakWaiting: Int
  /// Preemptions.
  public var preemptions: Int
  /// Passes over all replicas.
  public var passes: Int

  /// Summarises `result`, scoring goodput against `objectives`.
  public init(_ result: ServingSimulator.Result, objectives: Objectives? = nil)
  {
    let r = result.requests
    requests = r.count
    ttftSeconds = Spread(r.map(\.ttftSeconds))
    timeBetweenTokensSeconds = Spread(
      result.gapSeconds, weights: result.gapWeights)
    tpotSeconds = Spread(r.filter { $0.outputTokens > 1 }.map(\.tpotSeconds))
    endToEndSeconds = Spread(r.map(\.endToEndSeconds))
    queueSeconds = Spread(r.map(\.queueSeconds))
    let start = r.map(\.arrivalSeconds).min() ?? 0
    let end = r.map(\.completionSeconds).max() ?? 0
    makespanSeconds = end - start
    let span = max(makespanSeconds, .leastNormalMagnitude)
    requestsPerSecond = Double(r.count) / span
    outputTokensPerSecond = Double(r.reduce(0) { $0 + $1.outputTokens }) / span
    let lastArrival = r.map(\.arrivalSeconds).max() ?? 0
    offeredRequestsPerSecond =
      r.count > 1 ? Double(r.count - 1) / max(lastArrival - start, 1e-300) : 0
    if let o = objectives {
      let met = r.count {
        $0.ttftSeconds <= o.ttftSeconds && $0.tpotSeconds <= o.tpotSeconds
      }
      goodputRequestsPerSecond = Double(met) / span
      attainment = Double(met) / Double(max(r.count, 1))
    }
    meanCacheFraction =
      result.busySeconds > 0
      ? result.cacheOccupancySeconds / result.busySeconds : 0
    peakCacheFraction = result.peakCacheFraction
    meanRequestsInSystem = result.requestsInSystemSeconds / span
    peakWaiting = result.peakWaiting
    preemptions = r.reduce(0) { $0 + $1.preemptions }
    passes = result.passes
  }
}
