import PerfModel

/// Reads a descriptor's `calibration:` section.
///
/// `roofline validate --calibrated-descriptor` writes it:
///
///     calibration:
///       source: "fitted by roofline validate …"
///       classes:
///         - class: gemm                      # or flash-attention/1t on a host
///           matrix_efficiency: 0.62
///           special_efficiency: 0.5          # absent: exponentials hidden
///           stream_efficiency: 0.02          # absent: operand passes hidden
///           memory_efficiency: 0.83
///           compute_overhead_seconds: 4.1e-6
///           memory_overhead_seconds: 3.0e-6
///           band_low: -0.04                  # held-out error band
///           band_high: 0.06
///           training_cases: 40
///       host_issue:                          # optional: eager passes' host cost
///         - key: hf/attention+mlp/decode     # profile/layer kind/phase
///           pass_seconds: 6.1e-4
///           layer_seconds: 5.9e-4
///           training_cases: 3
enum CalibrationDecoder {
  static func decode(_ r: YAMLNodeReader) throws(DescriptorError)
    -> KernelCalibration?
  {
    guard let c = try r.optionalChild("calibration") else { return nil }
    try c.rejectUnknownKeys(["source", "classes", "host_issue", "notes"])
    var entries: [String: KernelCalibration.Entry] = [:]
    for item in try c.children("classes") {
      try item.rejectUnknownKeys([
        "class", "matrix_efficiency", "special_efficiency",
        "stream_efficiency", "memory_efficiency", "compute_overhead_seconds",
        "memory_overhead_seconds", "band_low", "band_high", "training_cases",
      ])
      let name = try item.string("class")
      let low = try item.optionalDouble("band_low", unit: "fraction", .any)
      let high = try item.optionalDouble("band_high", unit: "fraction", .any)
      var band: ErrorBand?
      if let low, let high {
        guard low <= 0 && high >= 0 else {
          throw item.error(
            .range, "band_low",
            "a band runs from band_low ≤ 0 to band_high ≥ 0, found \(low)…\(high)"
          )
        }
        band = ErrorBand(low: low, high: high)
      }
      entries[name] = KernelCalibration.Entry(
        efficiency: KernelEfficiency(
          matrix: try item.double("matrix_efficiency", unit: "fraction"),
          special: try item.optionalDouble(
            "special_efficiency", unit: "fraction"),
          memory: try item.double("memory_efficiency", unit: "fraction"),
          computeOverheadSeconds: try item.double(
            "compute_overhead_seconds", unit: "seconds", .nonNegative),
          memoryOverheadSeconds: try item.double(
            "memory_overhead_seconds", unit: "seconds", .nonNegative),
          stream: try item.optionalDouble(
            "stream_efficiency", unit: "fraction")),
        band: band,
        trainingCases: try item.optionalInt("training_cases") ?? 0)
    }
    var hostIssue: [String: HostIssue] = [:]
    if try c.optionalList("host_issue") != nil {
      for item in try c.children("host_issue") {
        try item.rejectUnknownKeys([
          "key", "pass_seconds", "layer_seconds", "training_cases",
        ])
        hostIssue[try item.string("key")] = HostIssue(
          passSeconds: try item.double(
            "pass_seconds", unit: "seconds", .nonNegative),
          layerSeconds: try item.double(
            "layer_seconds", unit: "seconds", .nonNegative),
          trainingCases: try item.optionalInt("training_cases") ?? 0)
      }
    }
    return KernelCalibration(
      entries: entries, hostIssue: hostIssue, source: try c.string("source"))
  }
}
