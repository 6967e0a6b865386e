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
  /// TTFT's error band from the calibration's held-out residuals.
  public var ttftBand: ErrorBand?
  /// TPOT's error band.
  public var tpotBand: ErrorBand?

  /// Creates a report.
  public init(
    model: String, hardware: String, plan: ParallelPlan, promptTokens: Int,
    prediction: ServingPrediction, fits: Bool,
    calibration: KernelCalibration? = nil
  ) {
    calibrationSource = calibration?.source
    ttftBand = calibration?.band(of: prediction.prefill)
    tpotBand = calibration?.band(of: prediction.decode)
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
        "model", "hardware", "tp", "pp", "dp", "batch", "prompt_tokens",
        "output_tokens",
        "ttft_seconds", "tpot_seconds", "end_to_end_seconds",
        "output_tokens_per_second", "fits",
      ])
      t.append([
        model, hardware, String(plan.tensorParallel),
        String(plan.pipelineParallel),
        String(plan.dataParallel), String(p.batch), String(promptTokens),
        String(p.outputTokens),
        "\(p.ttftSeconds)", "\(p.tpotSeconds)", "\(p.endToEndSeconds)",
        "\(p.outputTokensPerSecond)", fits ? "true" : "false",
      ])
      return t
    }
    var t = ReportTable(columns: [
      "phase", "operator", "kind", "count", "flops", "bytes",
      "all_reduce_bytes",
      "seconds_each", "seconds_total", "limiter",
    ])
    for phase in [p.prefill, p.decode] {
      for (op, time) in zip(phase.graph.operators, phase.times) {
        t.append([
          phase.graph.phase.rawValue, op.name, op.kind.rawValue,
          String(op.count),
          HumanUnits.plain(op.flops), HumanUnits.plain(op.bytes),
          HumanUnits.plain(op.allReduceBytes), "\(time.seconds)",
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
    var out =
      "\(model) on \(hardware) (TP \(plan.tensorParallel), PP \(plan.pipelineParallel), DP \(plan.dataParallel)): prompt \(promptTokens), output \(p.outputTokens), batch \(p.batch) per replica\n"
    out +=
      "efficiency: compute \(e.compute), memory \(e.memory), link \(e.link), launch \(HumanUnits.seconds(e.launchSeconds))\n\n"
    if let calibrationSource {
      out +=
        "calibrated operators use fitted factors (\(calibrationSource)); bands are held-out p10–p90 errors\n\n"
    }
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
    out += summary.text()
    out +=
      "fits in memory at the final context: \(fits ? "yes" : "no (see roofline memory)")\n"
    guard operators else { return out }
    for phase in [p.prefill, p.decode] {
      var t = ReportTable(columns: [
        "\(phase.graph.phase.rawValue) operator", "count", "FLOPs", "bytes",
        "each", "total",
        "limiter",
      ])
      for (op, time) in zip(phase.graph.operators, phase.times) {
        t.append([
          op.name, String(op.count), HumanUnits.count(op.flops),
          HumanUnits.bytes(op.bytes),
          HumanUnits.seconds(time.seconds),
          HumanUnits.seconds(Double(op.count) * time.seconds),
          time.limiter.rawValue,
        ])
      }
      out += "\n" + t.text()
    }
    return out
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
