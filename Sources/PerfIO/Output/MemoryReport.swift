import PerfModel

/// Turns a ``MemoryEstimate`` into what `roofline memory` prints.
public struct MemoryReport: Sendable, Encodable {
  /// The model.
  public var model: String
  /// The hardware target's name.
  public var hardware: String
  /// The device the target is built of.
  public var device: String
  /// The scenario asked.
  public var scenario: MemoryScenario
  /// The answer.
  public var estimate: MemoryEstimate
  /// A multimodal model's vision encoder and projector, which the figures
  /// above leave out (the language model is sized).
  public var vision: VisionTower?

  /// Creates a report.
  public init(
    model: String, hardware: String, device: String, scenario: MemoryScenario,
    estimate: MemoryEstimate
  ) {
    self.model = model
    self.hardware = hardware
    self.device = device
    self.scenario = scenario
    self.estimate = estimate
  }

  /// One row per pipeline stage, in SI units: the chart-ready CSV.
  public func table() -> ReportTable {
    var t = ReportTable(columns: [
      "model", "hardware", "devices", "tp", "pp", "dp", "context_tokens",
      "batch",
      "weight_dtype", "kv_dtype", "weight_quantization", "parameters",
      "active_parameters",
      "weight_bytes",
      "kv_bytes_per_token", "state_bytes_per_request",
      "cache_bytes_per_request",
      "cache_bytes_batch", "stage", "first_layer", "end_layer",
      "capacity_bytes",
      "reserve_bytes", "device_weight_bytes", "workspace_bytes",
      "device_cache_bytes_batch",
      "free_bytes", "max_concurrent_requests", "max_context_tokens",
      "max_context_limit", "fits",
    ])
    let e = estimate
    let p = scenario.plan
    for s in e.stages {
      t.append([
        model, hardware, String(p.devices), String(p.tensorParallel),
        String(p.pipelineParallel), String(p.dataParallel),
        String(scenario.contextTokens),
        String(scenario.batch), scenario.weightFormat.dataType.rawValue,
        scenario.cacheFormat.dataType.rawValue,
        scenario.weightFormat.quantization?.summary ?? "",
        plain(e.totalParameters),
        plain(e.activeParametersPerToken), plain(e.weightBytes),
        plain(e.cacheBytesPerToken),
        plain(e.stateBytesPerRequest), plain(e.cacheBytesPerRequest),
        plain(e.cacheBytesForBatch), String(s.stage), String(s.firstLayer),
        String(s.endLayer),
        plain(s.capacityBytes), plain(s.reserveBytes), plain(s.weightBytes),
        plain(s.workspaceBytes), plain(s.batchCacheBytes), plain(s.freeBytes),
        String(e.maxConcurrentRequests),
        e.maxContextLimit == .unbounded || e.maxContextTokens >= 1 << 40
          ? "" : String(e.maxContextTokens),
        e.maxContextLimit.rawValue, e.fits ? "true" : "false",
      ])
    }
    return t
  }

  /// The human-readable answer.
  public func text() -> String {
    let e = estimate
    let s = scenario
    let p = s.plan
    let b = HumanUnits.bytes
    var out =
      "\(model) on \(hardware) — \(p.devices) × \(device) (TP \(p.tensorParallel), PP \(p.pipelineParallel)\(p.contextParallel > 1 ? ", CP \(p.contextParallel)" : ""), DP \(p.dataParallel))\n"
    out +=
      "context \(s.contextTokens) tokens, batch \(s.batch), weights \(s.weightFormat.quantization.map { "\($0.summary) (the rest \(s.weightFormat.dataType.rawValue))" } ?? s.weightFormat.dataType.rawValue), KV \(s.cacheFormat.dataType.rawValue)\n\n"
    var model = ReportTable(columns: ["model", "value"])
    model.append(["parameters", HumanUnits.count(e.totalParameters)])
    if e.activeParametersPerToken < e.totalParameters {
      model.append([
        "active parameters per token",
        HumanUnits.count(e.activeParametersPerToken),
      ])
    }
    model.append(["weights", b(e.weightBytes)])
    model.append([
      "KV cache per token",
      "\(b(e.cacheBytesPerToken)) (\(plain(e.cacheBytesPerToken)) B)",
    ])
    model.append([
      scenario.cacheFormat.residualTokens == nil
        ? "recurrent state per request"
        : "state per request (recurrent + fp16 window)",
      b(e.stateBytesPerRequest),
    ])
    model.append(["cache per request at context", b(e.cacheBytesPerRequest)])
    model.append(["cache for the batch", b(e.cacheBytesForBatch)])
    out += model.text() + "\n"
    if let vision {
      out += WorkloadReport.visionText(vision) + "\n\n"
    }

    var device = ReportTable(
      columns: ["per device"]
        + e.stages.map {
          "stage \($0.stage) (layers \($0.firstLayer)–\($0.endLayer - 1))"
        })
    func row(_ name: String, _ value: (StageMemory) -> Double) {
      device.append([name] + e.stages.map { b(value($0)) })
    }
    row("capacity") { $0.capacityBytes }
    row("reserve (\(Int((s.reserveFraction * 100).rounded()))%)") {
      $0.reserveBytes
    }
    row("weights") { $0.weightBytes }
    row("activation workspace (\(s.workspaceTokens) tokens)") {
      $0.workspaceBytes
    }
    row("KV cache per token") { $0.cacheBytesPerToken }
    row("cache for the batch") { $0.batchCacheBytes }
    row("free") { $0.freeBytes }
    device.append(
      ["max concurrent requests"]
        + e.stages.map { String($0.maxConcurrentRequests) })
    out += device.text() + "\n"

    let short = e.shortBytes
    out +=
      "fits: \(e.fits ? "yes" : "no — \(b(short)) short on the tightest device")\n"
    out +=
      "max concurrent requests at \(s.contextTokens) tokens: \(e.maxConcurrentRequests)\n"
    let context: String
    switch e.maxContextLimit {
    case .memory where e.maxContextTokens == 0:
      context =
        "none: weights, workspace and reserve alone exceed device memory"
    case .memory: context = "\(e.maxContextTokens) tokens (bound by memory)"
    case .model where e.maxContextTokens >= 1 << 40:
      context =
        "no limit (the model has no position limit, and memory allows more)"
    case .model:
      context =
        "\(e.maxContextTokens) tokens (the model's limit; memory allows more)"
    case .unbounded: context = "no limit (the cache does not grow with context)"
    }
    out += "max context at batch \(s.batch): \(context)\n"
    return out
  }

  private func plain(_ v: Double) -> String { HumanUnits.plain(v) }
}
