import ArgumentParser
import Foundation
import PerfModel

/// `--host-probe-ms`, `--host-probe-layers`: the serving host's speed at
/// issuing eager kernels, measured, against the calibration's.
struct HostProbeOptions: ParsableArguments {
  @Option(
    name: .customLong("host-probe-ms"), parsing: .unconditional,
    help: ArgumentHelp(
      "A host probe: milliseconds of a host-bound prefill pass of the model narrowed as tools/measure_host.py narrows it (tools/measure_serving.py writes host_probe_seconds).",
      discussion:
        "Eager passes' host issue is scaled by the probe over the descriptor's calibrated host seconds for that pass: hosts differ, and the lent GPU machine's drifts twofold between leases. Needs the descriptor's host_issue entry for the engine."
    ))
  var probeMilliseconds: Double?
  @Option(
    name: .customLong("host-probe-layers"), parsing: .unconditional,
    help: "Layers of the probe's narrowed model.")
  var probeLayers = 8

  func validate() throws {
    if let ms = probeMilliseconds, !(ms.isFinite && ms > 0 && ms < 1e6) {
      throw ValidationError(
        "--host-probe-ms must be a positive number of milliseconds below 1e6 (got \(ms))"
      )
    }
    guard (1...100_000).contains(probeLayers) else {
      throw ValidationError(
        "--host-probe-layers must be between 1 and 100000 (got \(probeLayers))"
      )
    }
  }

  /// The scale of eager host issue for `model` under `engine` on
  /// `device`, and a line saying where it came from; `(1, nil)` without
  /// a probe.
  ///
  /// - Throws: ``CommandError`` when the descriptor has no host-issue
  ///   entry to compare the probe with.
  func scale(
    _ model: ModelArchitecture, _ engine: EngineProfile,
    on device: DeviceSpec, calibration: KernelCalibration?
  ) throws -> (Double, String?) {
    guard let ms = probeMilliseconds else { return (1, nil) }
    let kind = model.layerGroups.first?.layer.issueKind ?? ""
    let key = HostIssue.key(
      profile: engine.name, layerKind: kind, phase: .prefill)
    guard let calibration,
      let entry = calibration.hostIssue(
        profile: engine.name, layerKind: kind, phase: .prefill),
      let scale = calibration.hostScale(
        probeSeconds: ms * 1e-3, layers: probeLayers, profile: engine.name,
        layerKind: kind, phase: .prefill)
    else {
      if calibration == nil, device.calibration != nil {
        throw CommandError(
          "--host-probe-ms scales the calibration's host issue, which --ignore-calibration drops; give one or the other"
        )
      }
      throw CommandError(
        "--host-probe-ms: \(device.name) has no calibrated host issue \(key) to compare the probe with; fit one with roofline validate --measured KERNELS.csv --host-issue HOST.csv (tools/measure_host.py), or leave the flag out"
      )
    }
    let calibrated = entry.seconds(layers: probeLayers)
    func f(_ x: Double) -> String { String(format: "%.3f", x) }
    return (
      scale,
      "host issue ×\(f(scale)): a probe of \(f(ms)) ms over \(probeLayers) layers against \(f(calibrated * 1e3)) ms calibrated (\(key))"
    )
  }
}
