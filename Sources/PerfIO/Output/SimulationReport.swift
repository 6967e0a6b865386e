import Foundation
import PerfModel

/// What `roofline simulate` prints: the deployment, the workload, the
/// scheduler, and the simulation's summary.
public struct SimulationReport: Sendable, Encodable {
  /// The model.
  public var model: String
  /// The hardware.
  public var hardware: String
  /// Replicas and each one's tensor-parallel degree.
  public var replicas: Int
  /// Tensor-parallel degree of a replica.
  public var tensorParallel: Int
  /// The engine profile whose kernels price the passes.
  public var engine: String
  /// The scheduler, in words.
  public var scheduler: String
  /// The workload, in words.
  public var workload: String
  /// Cache tokens one replica holds.
  public var cacheTokensPerReplica: Int
  /// The summary.
  public var summary: SimulationSummary
  /// Calibration classes the passes lacked (priced at default factors).
  public var uncalibratedClasses: [String]
  /// How eager passes' host issue was scaled from the calibration, when
  /// a host probe was given.
  public var hostIssue: String?
  /// What the simulation does not model.
  public var notModelled: [String]

  /// Creates a report.
  public init(
    model: String, hardware: String, replicas: Int, tensorParallel: Int,
    engine: String, scheduler: String, workload: String,
    cacheTokensPerReplica: Int, summary: SimulationSummary,
    uncalibratedClasses: [String], hostIssue: String? = nil,
    notModelled: [String]
  ) {
    self.model = model
    self.hardware = hardware
    self.replicas = replicas
    self.tensorParallel = tensorParallel
    self.engine = engine
    self.scheduler = scheduler
    self.workload = workload
    self.cacheTokensPerReplica = cacheTokensPerReplica
    self.summary = summary
    self.uncalibratedClasses = uncalibratedClasses
    self.hostIssue = hostIssue
    self.notModelled = notModelled
  }

  /// The summary as rows of (measure, p50, p90, p99, mean) in seconds.
  var spreads: [(String, SimulationSummary.Spread)] {
    [
      ("ttft", summary.ttftSeconds),
      ("time_between_tokens", summary.timeBetweenTokensSeconds),
      ("tpot", summary.tpotSeconds), ("end_to_end", summary.endToEndSeconds),
      ("queue", summary.queueSeconds),
    ]
  }

  /// The human-readable report.
  public func text() -> String {
    let s = summary
    var out = """
      \(model) on \(replicas) × \(hardware)\(tensorParallel > 1 ? " (TP \(tensorParallel) each)" : ""), engine \(engine)
      scheduler: \(scheduler); \(HumanUnits.count(Double(cacheTokensPerReplica))) cache tokens per replica
      workload: \(workload)

      """
    var table = ReportTable(columns: ["", "p50", "p90", "p99", "mean"])
    for (name, spread) in spreads {
      table.append(
        [name.replacingOccurrences(of: "_", with: " ")]
          + [spread.p50, spread.p90, spread.p99, spread.mean].map(
            HumanUnits.seconds))
    }
    out += table.text()
    out += "\n"
    var totals = ReportTable(columns: ["", "value"])
    totals.append([
      "offered load", HumanUnits.rate(s.offeredRequestsPerSecond, "req/s"),
    ])
    totals.append(["throughput", HumanUnits.rate(s.requestsPerSecond, "req/s")])
    totals.append([
      "output tokens", HumanUnits.rate(s.outputTokensPerSecond, "tok/s"),
    ])
    if let g = s.goodputRequestsPerSecond, let a = s.attainment {
      totals.append([
        "goodput",
        "\(HumanUnits.rate(g, "req/s")) (\(String(format: "%.1f", a * 100))% within the objectives)",
      ])
    }
    totals.append([
      "cache used",
      String(
        format: "mean %.0f%%, peak %.0f%%", s.meanCacheFraction * 100,
        s.peakCacheFraction * 100),
    ])
    totals.append([
      "requests in system", String(format: "%.1f", s.meanRequestsInSystem),
    ])
    totals.append(["longest queue", "\(s.peakWaiting)"])
    totals.append(["preemptions", "\(s.preemptions)"])
    totals.append([
      "passes", "\(s.passes) over \(HumanUnits.seconds(s.makespanSeconds))",
    ])
    out += totals.text()
    for name in uncalibratedClasses {
      out += "warning: no fitted class for \(name); priced at default factors\n"
    }
    if let hostIssue { out += "\(hostIssue)\n" }
    if !notModelled.isEmpty {
      out += "not modelled: \(notModelled.joined(separator: "; "))\n"
    }
    return out
  }

  /// The summary as CSV rows of measure and value, SI units in the names.
  public func table() -> ReportTable {
    var t = ReportTable(columns: ["measure", "value"])
    for (name, spread) in spreads {
      for (q, v) in [
        ("p50", spread.p50), ("p90", spread.p90), ("p99", spread.p99),
        ("mean", spread.mean),
      ] {
        t.append(["\(name)_\(q)_seconds", HumanUnits.plain(v)])
      }
    }
    let s = summary
    t.append(["requests", "\(s.requests)"])
    t.append([
      "offered_requests_per_second",
      HumanUnits.plain(s.offeredRequestsPerSecond),
    ])
    t.append(["requests_per_second", HumanUnits.plain(s.requestsPerSecond)])
    t.append([
      "output_tokens_per_second", HumanUnits.plain(s.outputTokensPerSecond),
    ])
    if let g = s.goodputRequestsPerSecond, let a = s.attainment {
      t.append(["goodput_requests_per_second", HumanUnits.plain(g)])
      t.append(["attainment_fraction", HumanUnits.plain(a)])
    }
    t.append(["mean_cache_fraction", HumanUnits.plain(s.meanCacheFraction)])
    t.append(["peak_cache_fraction", HumanUnits.plain(s.peakCacheFraction)])
    t.append([
      "mean_requests_in_system", HumanUnits.plain(s.meanRequestsInSystem),
    ])
    t.append(["peak_waiting_requests", "\(s.peakWaiting)"])
    t.append(["preemptions", "\(s.preemptions)"])
    t.append(["passes", "\(s.passes)"])
    t.append(["makespan_seconds", HumanUnits.plain(s.makespanSeconds)])
    return t
  }

  /// Each request's outcome as CSV.
  public static func requestsCSV(_ outcomes: [RequestOutcome]) -> String {
    requestsTable(outcomes).csv()
  }

  /// Each request's outcome, SI units.
  public static func requestsTable(_ outcomes: [RequestOutcome])
    -> ReportTable
  {
    var t = ReportTable(columns: [
      "request", "replica", "arrival_seconds", "prompt_tokens",
      "output_tokens", "queue_seconds", "ttft_seconds", "tpot_seconds",
      "max_gap_seconds", "end_to_end_seconds", "preemptions",
    ])
    for o in outcomes {
      t.append(
        ["\(o.request)", "\(o.replica)"]
          + [o.arrivalSeconds].map(HumanUnits.plain)
          + ["\(o.promptTokens)", "\(o.outputTokens)"]
          + [
            o.queueSeconds, o.ttftSeconds, o.tpotSeconds, o.maxGapSeconds,
            o.endToEndSeconds,
          ].map(HumanUnits.plain) + ["\(o.preemptions)"])
    }
    return t
  }

  /// Each pass as CSV.
  public static func iterationsCSV(_ passes: [IterationRecord]) -> String {
    iterationsTable(passes).csv()
  }

  /// Each pass, SI units.
  public static func iterationsTable(_ passes: [IterationRecord])
    -> ReportTable
  {
    var t = ReportTable(columns: [
      "replica", "start_seconds", "seconds", "prefill_tokens",
      "decode_sequences", "decode_context_tokens", "running_sequences",
      "waiting_requests", "cache_used_fraction",
    ])
    for p in passes {
      t.append([
        "\(p.replica)", HumanUnits.plain(p.startSeconds),
        HumanUnits.plain(p.seconds), "\(p.prefillTokens)",
        "\(p.decodeSequences)", "\(p.decodeContextTokens)",
        "\(p.runningSequences)",
        "\(p.waitingRequests)", HumanUnits.plain(p.cacheUsedFraction),
      ])
    }
    return t
  }
}
