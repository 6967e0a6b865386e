import ArgumentParser
import Foundation
import PerfIO
import PerfModel

/// `plan --qps`: the flags of a capacity search by simulation.
struct CapacityOptions: ParsableArguments {
  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Requests per second to serve: search by simulation for the cheapest deployment that sustains it within --ttft-p99-ms and --tbt-p99-ms.",
      discussion:
        "Each device, --device-counts tensor-parallel degree and scheduler limit (--max-seqs, --token-budget) is simulated (continuous batching, chunked prefill) to find the largest rate one replica sustains; the target takes as many replicas as it needs."
    ))
  var qps: Double?
  @Option(
    name: .customLong("ttft-p99-ms"), parsing: .unconditional,
    help: "With --qps: the most P99 time to first token, ms.")
  var ttftP99: Double = 2000
  @Option(
    name: .customLong("tbt-p99-ms"), parsing: .unconditional,
    help: "With --qps: the most P99 time between tokens, ms.")
  var tbtP99: Double = 100
  @Option(help: "With --qps: a trace CSV whose requests set the lengths.")
  var trace: String?
  @Option(
    help:
      "With --qps and no trace: chat, summarization or fixed (--prompt-tokens, --output-tokens) lengths."
  )
  var lengths = "chat"
  @Option(
    name: .customLong("requests"), parsing: .unconditional,
    help: "With --qps: requests per simulation.")
  var requestCount = 500
  @Option(parsing: .unconditional, help: "With --qps: the workload's seed.")
  var seed: UInt64 = 1
  @Option(
    name: .customLong("max-seqs"),
    help: "With --qps: comma-separated sequence limits to try.")
  var maxSequences = "256"
  @Option(
    name: .customLong("token-budget"),
    help: "With --qps: comma-separated token budgets to try.")
  var tokenBudgets = "8192"
  @Option(
    name: .customLong("unequal-lengths"),
    help:
      "With --qps: decode attention timed over unequal cache lengths (tools/serving_kernels.py's CSV)."
  )
  var unequalLengths: String?
  @Flag(
    name: .customLong("prefix-caching"),
    help: "With --qps: replicas share a prefix group's cached blocks.")
  var prefixCaching = false
  @Option(
    name: .customLong("shared-prefix-tokens"), parsing: .unconditional,
    help:
      "With --qps and no trace: prepend one of --prefix-groups shared prefixes of this many tokens to every prompt."
  )
  var sharedPrefixTokens = 0
  @Option(
    name: .customLong("prefix-groups"), parsing: .unconditional,
    help: "With --qps and no trace: distinct shared prefixes.")
  var prefixGroups = 1
  @Option(
    help: "With --qps: preemption when the cache runs out, recompute or swap."
  )
  var preemption: SchedulerPolicy.Preemption = .recompute
  @Option(
    name: .customLong("max-replicas"), parsing: .unconditional,
    help: "With --qps: the most replicas a configuration may use.")
  var maxReplicas = 1024

  func validate() throws {
    guard let qps else { return }
    if !(qps > 0 && qps <= 1e6) {
      throw ValidationError("--qps must be in (0, 1000000], got \(qps)")
    }
    for (flag, v) in [("--ttft-p99-ms", ttftP99), ("--tbt-p99-ms", tbtP99)]
    where !(v > 0 && v.isFinite) {
      throw ValidationError("\(flag) must be a positive time, got \(v)")
    }
    if !(10...1_000_000).contains(requestCount) {
      throw ValidationError(
        "--requests must be 10 to 1000000 (P99 needs 100 or more), got \(requestCount)"
      )
    }
    if !(0...(1 << 24)).contains(sharedPrefixTokens)
      || !(1...(1 << 20)).contains(prefixGroups)
    {
      throw ValidationError(
        "--shared-prefix-tokens must be 0 to 16777216 and --prefix-groups 1 to 1048576"
      )
    }
    if trace != nil, sharedPrefixTokens > 0 {
      throw ValidationError(
        "--shared-prefix-tokens shapes a generated workload; a trace gives its prefixes in prefix_group and prefix_tokens"
      )
    }
    if !(1...1_000_000).contains(maxReplicas) {
      throw ValidationError("--max-replicas must be 1 to 1000000")
    }
    let profiles = WorkloadGenerator.lengthNames
    if !profiles.contains(lengths) {
      throw ValidationError(
        "--lengths \(lengths): use \(profiles.joined(separator: ", "))")
    }
    for (flag, text) in [
      ("--max-seqs", maxSequences), ("--token-budget", tokenBudgets),
    ] {
      for v in try RooflineCommand.Sweep.integers(text, flag)
      where !(1...(1 << 20)).contains(v) {
        throw ValidationError("\(flag) \(v): use 1 to 1048576")
      }
    }
  }
}

extension RooflineCommand.Plan {
  /// `plan --qps`: see ``CapacityOptions``.
  func runCapacity() throws {
    try cache.refuseInSimulation("plan --qps")
    let c = try catalog.load()
    let model = try c.model(self.model)
    var preset: ScenarioSpec?
    if let scenario { preset = try c.scenario(scenario) }
    let rate = capacity.qps ?? 1
    // The workload at one request per second; a probe at rate r scales its
    // arrival times by 1/r (the same requests at every probe).
    var base: [ServingRequest]
    if let trace = capacity.trace {
      base = try TraceCSV.load(trace)
      let first = base.first?.arrivalSeconds ?? 0
      let span = (base.last?.arrivalSeconds ?? 0) - first
      let traceRate = span > 0 ? Double(base.count - 1) / span : 1
      base = base.map {
        var r = $0
        r.arrivalSeconds = (r.arrivalSeconds - first) * traceRate
        return r
      }
    } else {
      let lengths =
        WorkloadGenerator.lengths(
          named: capacity.lengths,
          fixedPrompt: promptTokens ?? preset?.promptTokens ?? 1024,
          fixedOutput: outputTokens ?? preset?.outputTokens ?? 256)
        ?? (.fixed(1), .fixed(1))
      base = WorkloadGenerator.requests(
        count: capacity.requestCount, arrivals: .poisson(ratePerSecond: 1),
        prompt: lengths.0, output: lengths.1, seed: capacity.seed,
        prefixTokens: capacity.sharedPrefixTokens,
        prefixGroups: capacity.prefixGroups)
    }
    let requests = base
    let workload: (Double) -> [ServingRequest] = { r in
      requests.map {
        var q = $0
        q.arrivalSeconds /= r
        return q
      }
    }
    let weights = model.weightFormat(
      override: weightDataType ?? preset?.weightDataType)
    let longest = base.map { $0.promptTokens + $0.outputTokens }.max() ?? 1
    let memory = MemoryScenario(
      contextTokens: longest, weightFormat: weights,
      cacheFormat: cache.format(
        kvDataType ?? preset?.cacheDataType ?? model.weightDataType),
      allowBeyondModelContext: true)
    var graph = GraphScenario(
      batch: 1, promptTokens: 1, contextTokens: 1,
      weightFormat: weights, cacheFormat: memory.cacheFormat, sramBytes: 65536)
    graph.engine = try engine.profile()
    let devices = try candidateDevices(c)
    var configurations: [CapacityPlanner.Configuration] = []
    for device in devices {
      for tp in try RooflineCommand.Sweep.integers(
        deviceCounts, "--device-counts")
      where (try? model.checkTensorParallel(tp)) != nil {
        for seqs in try RooflineCommand.Sweep.integers(
          capacity.maxSequences, "--max-seqs")
        {
          for budget in try RooflineCommand.Sweep.integers(
            capacity.tokenBudgets, "--token-budget")
          {
            configurations.append(
              .init(
                device: device, tensorParallel: tp,
                policy: SchedulerPolicy(
                  kind: .continuous, maxSequences: seqs, tokenBudget: budget,
                  preemption: capacity.preemption,
                  prefixCaching: capacity.prefixCaching)))
          }
        }
      }
    }
    let progress = Progress(
      total: configurations.count, label: "plan --qps", quiet: quiet)
    let result = CapacityPlanner.search(
      model, configurations: configurations, targetRate: rate,
      objectives: .init(
        ttftP99Seconds: capacity.ttftP99 / 1000,
        tbtP99Seconds: capacity.tbtP99 / 1000),
      workload: workload, scenario: graph, memory: memory,
      efficiency: .defaults, maxReplicas: capacity.maxReplicas,
      unequalLengthTail: try capacity.unequalLengths.map(
        UnequalLengthCSV.load),
      progress: progress.step)
    guard let best = result.feasible.first else {
      throw CommandError(
        "no configuration serves \(rate) requests/s within --ttft-p99-ms \(capacity.ttftP99) and --tbt-p99-ms \(capacity.tbtP99):\n"
          + result.refused.map { "  \($0)" }.joined(separator: "\n"))
    }
    var table = ReportTable(columns: [
      "device", "tp", "max_seqs", "token_budget",
      "sustained_requests_per_second_per_replica", "binding", "replicas",
      "devices", "usd_per_hour", "usd_per_million_output_tokens",
      "ttft_p99_seconds", "tbt_p99_seconds",
    ])
    var human = ReportTable(columns: [
      "device", "TP", "seqs", "budget", "req/s/replica", "binds", "replicas",
      "$/hour", "$/1M output", "TTFT p99", "TBT p99",
    ])
    for f in result.pareto {
      table.append([
        f.device, "\(f.tensorParallel)", "\(f.maxSequences)",
        "\(f.tokenBudget)",
        HumanUnits.plain(f.sustainedRequestsPerSecondPerReplica), f.binding,
        "\(f.replicas)", "\(f.devices)", HumanUnits.plain(f.usdPerHour),
        HumanUnits.plain(f.usdPerMillionOutputTokens),
        HumanUnits.plain(f.ttftP99Seconds), HumanUnits.plain(f.tbtP99Seconds),
      ])
      human.append([
        f.device, "\(f.tensorParallel)", "\(f.maxSequences)",
        "\(f.tokenBudget)",
        String(format: "%.2f", f.sustainedRequestsPerSecondPerReplica),
        f.binding, "\(f.replicas)", String(format: "%.2f", f.usdPerHour),
        String(format: "%.3f", f.usdPerMillionOutputTokens),
        HumanUnits.seconds(f.ttftP99Seconds),
        HumanUnits.seconds(f.tbtP99Seconds),
      ])
    }
    try output.emit(
      table: {
        "cheapest for \(rate) req/s: \(best.replicas) × \(best.tensorParallel) × \(best.device) (\(best.maxSequences) sequences, \(best.tokenBudget)-token budget), "
          + String(
            format: "$%.2f/hour, $%.3f per 1M output tokens; ",
            best.usdPerHour, best.usdPerMillionOutputTokens)
          + "a replica sustains \(String(format: "%.2f", best.sustainedRequestsPerSecondPerReplica)) req/s, bound by \(best.binding)\n"
          + "\(result.feasible.count) of \(configurations.count) configurations serve it; Pareto front of cost against TTFT p99:\n\n"
          + human.text()
          + result.refused.map { "refused: \($0)\n" }.joined()
          + cache.notModelledInSimulation.map { "not modelled: \($0)\n" }
          .joined()
      }, csv: { table.csv() }, json: { JSONOutput.encode(result) })
  }
}
