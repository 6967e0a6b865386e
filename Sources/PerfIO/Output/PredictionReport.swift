import PerfModel

/// What `roofline predict` prints.
public struct PredictionReport: Sendable, Encodable {
  /// The model.
  public var model: String
  /// The hardware target.
  public var hardware: String
  /// The split.
  public var plan: ParallelPlan
  /// Prompt tokens per request.
  public var promptTokens: Int
  /// The prediction.
  public var prediction: ServingPrediction
  /// Whether the batch fits in memory at its final context.
  public var fits: Bool
  /// The calibration the prediction used, if the descriptor has one.
  public var calibrationSource: String?
  /// Leading prompt tokens reused from an earlier request's cache.
  public var cachedPrefixTokens: Int = 0
  /// TTFT without the reused prefix, seconds (when one is reused).
  public var ttftWithoutReuseSeconds: Double?
  /// Swapping one request's cache to the host and back, against
  /// recomputing it.
  public var contextSwitch: OffloadModel.ContextSwitch?
  /// TTFT's error band from the calibration's held-out residuals.
  public var ttftBand: ErrorBand?
  /// TPOT's error band.
  public var tpotBand: ErrorBand?
  /// The latency of a collective step on the scale-up link, and where it
  /// came from (`descriptor`, `default`, a flag), when printed.
  public var linkLatency: LinkLatency?
  /// Speculative decoding's step, when a draft is given.
  public var speculative: Speculative?

  /// Speculative decoding against plain decoding.
  public struct Speculative: Sendable, Encodable {
    /// The draft model.
    public var draftModel: String
    /// The step asked for.
    public var step: SpeculativeDecoding.Step
    /// The best draft length at that acceptance (1–16).
    public var best: SpeculativeDecoding.Step

    /// Creates the summary.
    public init(
      draftModel: String, step: SpeculativeDecoding.Step,
      best: SpeculativeDecoding.Step
    ) {
      self.draftModel = draftModel
      self.step = step
      self.best = best
    }
  }

  /// A link latency and its source.
  public struct LinkLatency: Sendable, Hashable, Encodable {
    /// Seconds a collective step.
    public var seconds: Double
    /// `descriptor`, `default` or the flag that set it.
    public var source: String

    /// Creates one.
    public init(seconds: Double, source: String) {
      self.seconds = seconds
      self.source = source
    }
  }
  /// What the deployment costs at the device's price, and that price's
  /// basis, when the descriptor has one.
  public var cost: DeploymentCost?
  /// The price's basis and date (`on-demand list price, 2025-06`).
  public var priceBasis: String?
  /// The binding device's memory at the final context, when printed.
  public var memory: StageMemory?
  /// The engine profile priced.
  public var engine: String
  /// Whether that profile lists an engine's short kernels.
  public var modelsShortKernels: Bool

  /// Creates a report.
  public init(
    model: String, hardware: String, plan: ParallelPlan, promptTokens: Int,
    prediction: ServingPrediction, fits: Bool,
    calibration: KernelCalibration? = nil, engine: EngineProfile = .minimal
  ) {
    calibrationSource = calibration?.source
    ttftBand = calibration?.band(of: prediction.prefill, engine: engine)
    tpotBand = calibration?.band(of: prediction.decode, engine: engine)
    self.engine = engine.name
    modelsShortKernels = engine.modelsShortKernels
    self.model = model
    self.hardware = hardware
    self.plan = plan
    self.promptTokens = promptTokens
    self.prediction = prediction
    self.fits = fits
  }

  /// A summary row, or one row per operator of each phase, in SI units.
  public func table(operators: Bool) -> ReportTable {
    let p = prediction
    guard operators else {
      var t = ReportTable(columns: [
        "model", "hardware", "tp", "pp", "cp", "ep", "dp", "micro_batches",
        "batch", "prompt_tokens", "cached_prefix_tokens", "output_tokens",
        "prefill_passes",
        "ttft_seconds", "tpot_seconds", "end_to_end_seconds",
        "output_tokens_per_second", "output_tokens_per_second_per_device",
        "prefill_bubble_fraction",
        "decode_bubble_fraction", "prefix_load_seconds",
        "swap_seconds", "recompute_seconds", "fits",
        "usd_per_million_output_tokens", "usd_per_million_input_tokens",
      ])
      t.append([
        model, hardware, String(plan.tensorParallel),
        String(plan.pipelineParallel), String(plan.contextParallel),
        String(plan.expertParallel),
        String(plan.dataParallel), String(plan.microBatches), String(p.batch),
        String(promptTokens), String(cachedPrefixTokens),
        String(p.outputTokens), String(1 + p.laterChunks.count),
        "\(p.ttftSeconds)", "\(p.tpotSeconds)", "\(p.endToEndSeconds)",
        "\(p.outputTokensPerSecond)",
        "\(p.outputTokensPerSecond / Double(plan.devices))",
        "\(p.prefillBubbleFraction)",
        "\(p.decodeBubbleFraction)", "\(p.prefixLoadSeconds)",
        contextSwitch.map { "\($0.swapSeconds)" } ?? "",
        contextSwitch.map { "\($0.recomputeSeconds)" } ?? "",
        fits ? "true" : "false",
        cost.map { "\($0.usdPerMillionOutputTokens)" } ?? "",
        cost.map { "\($0.usdPerMillionInputTokens)" } ?? "",
      ])
      if let spec = speculative {
        t.columns += [
          "draft_model", "draft_tokens", "acceptance", "tokens_per_step",
          "draft_seconds", "verify_seconds",
          "speculative_tpot_seconds", "best_draft_tokens",
          "best_speculative_tpot_seconds",
        ]
        t.rows[0] += [
          spec.draftModel, "\(spec.step.draftTokens)",
          "\(spec.step.acceptance)", "\(spec.step.tokensPerStep)",
          "\(spec.step.draftSeconds)", "\(spec.step.verifySeconds)",
          "\(spec.step.tpotSeconds)", "\(spec.best.draftTokens)",
          "\(spec.best.tpotSeconds)",
        ]
      }
      return t
    }
    var t = ReportTable(columns: [
      "phase", "operator", "kind", "count", "flops", "bytes",
      "collective", "collective_bytes", "collective_ranks",
      "collective_crosses_nodes",
      "seconds_each", "seconds_total", "limiter",
    ])
    for phase in [p.prefill, p.decode] {
      for (op, time) in zip(phase.graph.operators, phase.times) {
        let c = op.collective
        t.append([
          phase.graph.phase.rawValue, op.name, op.kind.rawValue,
          String(op.count),
          HumanUnits.plain(op.flops), HumanUnits.plain(op.bytes),
          c?.kind.rawValue ?? "",
          c.map { HumanUnits.plain($0.bytes * Double($0.repeats)) } ?? "",
          c.map { String($0.ranks) } ?? "",
          c.map { $0.crossesNodes ? "true" : "false" } ?? "",
          "\(time.seconds)",
          "\(Double(op.count) * time.seconds)", time.limiter.rawValue,
        ])
      }
    }
    return t
  }

  /// The human-readable answer.
  public func text(operators: Bool) -> String {
    let p = prediction
    let e = p.efficiency
    var split = "TP \(plan.tensorParallel), PP \(plan.pipelineParallel)"
    if plan.contextParallel > 1 {
      split += ", CP \(plan.contextParallel) (\(plan.contextStrategy.rawValue))"
    }
    if plan.expertParallel > 1 { split += ", EP \(plan.expertParallel)" }
    split += ", DP \(plan.dataParallel)"
    if plan.microBatches > 1 {
      split += ", \(plan.microBatches) micro-batches"
    }
    var out =
      "\(model) on \(hardware) (\(split)): prompt \(promptTokens), output \(p.outputTokens), batch \(p.batch) per replica\n"
    out +=
      "efficiency: compute \(e.compute), memory \(e.memory), link \(e.link), launch \(HumanUnits.seconds(e.launchSeconds))"
      + (linkLatency.map {
        ", link latency \(HumanUnits.seconds($0.seconds)) a step (\($0.source))"
      } ?? "") + "\n\n"
    out +=
      "engine: \(engine) (prefill \(p.prefill.launchMode.rawValue), decode \(p.decode.launchMode.rawValue); \(p.prefill.kernelLaunches) kernels a prefill pass, \(p.decode.kernelLaunches) a decode step)"
    out +=
      modelsShortKernels
      ? "\n"
      : "; short kernels (RoPE, cache write, residual adds, activation, sampling) not modelled: --engine torch, hf or vllm lists them\n"
    if let calibrationSource {
      out +=
        "calibrated operators use fitted factors (\(calibrationSource)); bands are held-out p10–p90 errors\n"
    }
    let missing = Set(
      p.decode.uncalibratedClasses + p.prefill.uncalibratedClasses
        + p.laterChunks.flatMap(\.uncalibratedClasses)
    ).sorted()
    if calibrationSource != nil, !missing.isEmpty {
      out +=
        "not calibrated, priced at the factors above: \(missing.joined(separator: ", "))\n"
    }
    out += "\n"
    var summary = ReportTable(columns: [
      "metric", "value", "band (p10–p90)", "bound mostly by",
    ])
    summary.append([
      "TTFT", HumanUnits.seconds(p.ttftSeconds),
      Self.range(p.ttftSeconds, ttftBand), Self.dominant(p.prefill),
    ])
    summary.append([
      "TPOT", HumanUnits.seconds(p.tpotSeconds),
      Self.range(p.tpotSeconds, tpotBand), Self.dominant(p.decode),
    ])
    summary.append([
      "end-to-end", HumanUnits.seconds(p.endToEndSeconds), "", "",
    ])
    summary.append([
      "output tokens/s (deployment)",
      String(format: "%.1f", p.outputTokensPerSecond), "", "",
    ])
    summary.append([
      "output tokens/s per device",
      String(format: "%.1f", p.outputTokensPerSecond / Double(plan.devices)),
      "", "\(plan.devices) devices",
    ])
    if let cost {
      summary.append([
        "$ per 1M output tokens",
        String(format: "%.3f", cost.usdPerMillionOutputTokens), "",
        String(format: "$%.2f/hour", cost.usdPerHour)
          + (priceBasis.map { " (\($0))" } ?? ""),
      ])
      summary.append([
        "$ per 1M input tokens",
        String(format: "%.3f", cost.usdPerMillionInputTokens), "",
        "the prefill's share of the hour",
      ])
    }
    for row in extraRows() { summary.append(row) }
    out += summary.text()
    out +=
      "fits in memory at the final context: \(fits ? "yes" : "no (see roofline memory)")"
    if let m = memory {
      let b = HumanUnits.bytes
      out +=
        " — per device: weights \(b(m.weightBytes)), cache \(b(m.batchCacheBytes)), workspace \(b(m.workspaceBytes)), reserve \(b(m.reserveBytes)) of \(b(m.capacityBytes)); \(b(m.freeBytes)) free"
    }
    out += "\n"
    guard operators else { return out }
    for phase in [p.prefill, p.decode] {
      var t = ReportTable(columns: [
        "\(phase.graph.phase.rawValue) operator", "count", "FLOPs", "bytes",
        "collective", "each", "total", "limiter",
      ])
      for (op, time) in zip(phase.graph.operators, phase.times) {
        // A collective: its kind, bytes (all repeats) and ranks, and
        // whether it leaves the node.
        let collective =
          op.collective.map {
            "\($0.kind.rawValue) \(HumanUnits.bytes($0.bytes * Double($0.repeats))) × \($0.ranks) ranks"
              + ($0.crossesNodes ? ", across nodes" : "")
          } ?? ""
        t.append([
          op.name, String(op.count), HumanUnits.count(op.flops),
          HumanUnits.bytes(op.bytes), collective,
          HumanUnits.seconds(time.seconds),
          HumanUnits.seconds(Double(op.count) * time.seconds),
          time.limiter.rawValue,
        ])
      }
      out += "\n" + t.text()
    }
    return out
  }

  /// Rows for the pipeline, chunking, prefix reuse and the context switch,
  /// where they apply.
  func extraRows() -> [[String]] {
    let p = prediction
    var rows: [[String]] = []
    if p.pipelineStages > 1 {
      rows.append([
        "pipeline bubble (prefill, decode)",
        "\(Self.percent(p.prefillBubbleFraction)), \(Self.percent(p.decodeBubbleFraction))",
        "", "balanced: (pp − 1)/(m + pp − 1); (pp − m)/pp",
      ])
    }
    if !p.laterChunks.isEmpty {
      rows.append([
        "prefill passes (chunked)", String(1 + p.laterChunks.count), "", "",
      ])
    }
    if cachedPrefixTokens > 0 {
      var value = "\(cachedPrefixTokens) tokens"
      if p.prefixLoadSeconds > 0 {
        value +=
          ", \(HumanUnits.seconds(p.prefixLoadSeconds)) to load from host"
      }
      rows.append(["reused prefix", value, "", ""])
      if let without = ttftWithoutReuseSeconds {
        rows.append([
          "TTFT without reuse", HumanUnits.seconds(without), "",
          "saves \(HumanUnits.seconds(without - p.ttftSeconds))",
        ])
      }
    }
    if let spec = speculative {
      let s = spec.step
      rows.append([
        "speculative TPOT (γ \(s.draftTokens), α \(s.acceptance))",
        HumanUnits.seconds(s.tpotSeconds), "",
        String(
          format: "%.2f tokens a step; ×%.2f against plain decoding",
          s.tokensPerStep, p.tpotSeconds / s.tpotSeconds)
          + " (draft \(spec.draftModel) \(HumanUnits.seconds(s.draftSeconds)), verify \(HumanUnits.seconds(s.verifySeconds)))",
      ])
      rows.append([
        "best draft length at α \(s.acceptance)",
        "γ \(spec.best.draftTokens): \(HumanUnits.seconds(spec.best.tpotSeconds))",
        "",
        spec.best.tpotSeconds < p.tpotSeconds
          ? String(format: "×%.2f", p.tpotSeconds / spec.best.tpotSeconds)
          : "no γ pays at this batch and context",
      ])
    }
    if let s = contextSwitch {
      rows.append([
        "context switch (swap out + in)", HumanUnits.seconds(s.swapSeconds),
        "",
        "host link, \(HumanUnits.bytes(s.bytesPerDevice)) a device each way",
      ])
      rows.append([
        "recompute instead (prefill)", HumanUnits.seconds(s.recomputeSeconds),
        "",
        s.recomputeIsCheaper
          ? "cheaper than swapping in" : "dearer than swapping in",
      ])
    }
    return rows
  }

  static func percent(_ fraction: Double) -> String {
    String(format: "%.1f%%", 100 * fraction)
  }

  /// `low–high` seconds of a band around `seconds`, or empty.
  static func range(_ seconds: Double, _ band: ErrorBand?) -> String {
    guard let band else { return "" }
    return
      "\(HumanUnits.seconds(seconds * (1 + band.low)))–\(HumanUnits.seconds(seconds * (1 + band.high)))"
  }

  /// The limiter that accounts for most of a phase's time, with its share.
  static func dominant(_ phase: PhasePrediction) -> String {
    var shares: [Limiter: Double] = [:]
    for (op, time) in zip(phase.graph.operators, phase.times) {
      shares[time.limiter, default: 0] += Double(op.count) * time.seconds
    }
    guard let top = shares.max(by: { $0.value < $1.value }) else { return "" }
    return
      "\(top.key.rawValue) (\(Int((100 * top.value / phase.seconds).rounded()))%)"
  }
}
