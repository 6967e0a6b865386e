import PerfModel

/// Reads the measured end-to-end CSV that `tools/measure_e2e.py` writes
/// and `roofline validate --end-to-end` predicts.
///
/// Columns (header names exact):
///
///     model            a catalogue name or a config.json path
///     engine           reference | hf | … (free text, reported)
///     fusion_profile   torch | torch-grouped-experts | torch-expert-loop | hf | vllm | minimal
///     launch_mode      graph | eager
///     phase            prefill | decode
///     batch            sequences (≥ 1)
///     prompt_tokens    prefill: prompt tokens per sequence
///     context_tokens   decode: cached tokens per sequence
///     median_seconds   measured median (> 0)
///     kernels          GPU kernels of one pass (optional)
///     host_probe_seconds, host_probe_layers
///                      a pass of the model narrowed until the host binds,
///                      timed around the row, and its layers (optional,
///                      together)
///     repetitions, min_seconds, device              read, not needed
public enum EndToEndCSV {
  /// Columns every file needs.
  static let required = [
    "model", "engine", "fusion_profile", "launch_mode", "phase", "batch",
    "median_seconds",
  ]

  /// Reads and checks the file at `path`.
  ///
  /// - Throws: ``MeasuredCSVError`` naming the row and column at fault.
  public static func load(_ path: String) throws(MeasuredCSVError)
    -> [EndToEndCase]
  {
    try parse(MeasuredCSV.text(path), path: path)
  }

  /// The profile a `fusion_profile` value names: the reference's variants
  /// (`torch-grouped-experts`, `torch-expert-loop`) run the `torch`
  /// profile's short kernels.
  static func profile(_ name: String) -> EngineProfile? {
    let base = name.hasPrefix("torch-") ? "torch" : name
    return try? EngineProfile.named(base)
  }

  /// Reads and checks CSV `text`, naming `path` in errors.
  public static func parse(_ text: String, path: String)
    throws(MeasuredCSVError) -> [EndToEndCase]
  {
    var cases: [EndToEndCase] = []
    for row in try MeasuredCSV.rows(
      text, path: path, required: required,
      missing:
        "tools/measure_e2e.py writes it (the header needs \(required.joined(separator: ", ")))"
    ) {
      let profile = try row.fusionProfile()
      let modeText = row.text("launch_mode") ?? ""
      guard let mode = KernelWorkload.LaunchMode(rawValue: modeText) else {
        throw row.error(
          "launch_mode",
          "unknown launch mode \"\(modeText)\"; use graph or eager")
      }
      let phase = try row.phase()
      let model = try row.model()
      let tokens = try row.int(
        phase == .prefill ? "prompt_tokens" : "context_tokens")
      guard tokens <= 1 << 24 else {
        throw row.error(
          phase == .prefill ? "prompt_tokens" : "context_tokens",
          "\(tokens) tokens is beyond any model's context; at most 16777216")
      }
      let batch = try row.int("batch")
      guard batch <= 1 << 20 else {
        throw row.error("batch", "\(batch) sequences; at most 1048576")
      }
      var probe: Double?
      var probeLayers: Int?
      if row.text("host_probe_seconds") != nil {
        probe = try row.seconds("host_probe_seconds")
        probeLayers = try row.int("host_probe_layers")
      }
      cases.append(
        EndToEndCase(
          model: model, engine: row.text("engine") ?? "", profile: profile,
          launchMode: mode, phase: phase, batch: batch, tokens: tokens,
          measuredSeconds: try row.seconds("median_seconds"),
          measuredKernels: try row.optionalInt("kernels"), row: row.number,
          hostProbeSeconds: probe, hostProbeLayers: probeLayers))
    }
    return cases
  }
}
