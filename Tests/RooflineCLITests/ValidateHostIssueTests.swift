import Foundation
import TestSupport
import Testing

@Suite(
  "roofline validate --host-issue: eager passes' host cost, fitted and stored")
struct ValidateHostIssueTests {
  static let header =
    "model,engine,fusion_profile,phase,batch,tokens,layers,repetitions,median_seconds,min_seconds,device"

  /// Passes of t = 0.6 ms + 0.5 ms · L at 1, 4 and 8 layers.
  static func rows(model: String = "llama-3-8b") -> String {
    ([header]
      + [1, 4, 8].map { layers in
        let t = 6e-4 + 5e-4 * Double(layers)
        return "\(model),hf,hf,decode,1,64,\(layers),160,\(t),\(t),H200"
      }).joined(separator: "\n") + "\n"
  }

  @Test("the fit lands in the calibrated descriptor, which predicts with it")
  func fittedAndStored() throws {
    let folder = try Repository.temporaryFolder()
    let kernels = try ValidateCommandTests.write(
      ValidateCommandTests.csv(), "kernels.csv")
    let host = try ValidateCommandTests.write(Self.rows(), "host.csv")
    let fitted = folder + "/h200-host.yaml"
    let r = try CommandRunner.run([
      "validate", "--measured", kernels, "--host-issue", host, "--hardware",
      "h200", "--db", folder + "/runs.sqlite", "--calibrated-descriptor",
      fitted,
    ])
    #expect(r.status == 0, "\(r.error)")
    #expect(
      r.output.contains("hf/attention+mlp/decode  600 µs  500 µs          3"))
    let yaml = try String(contentsOfFile: fitted, encoding: .utf8)
    #expect(yaml.contains("- key: hf/attention+mlp/decode\n"))
    #expect(yaml.contains("pass_seconds: 0.0006\n"))
    #expect(yaml.contains("layer_seconds: 0.0005\n"))
    // A decode step of llama-3-8b on it: the host issues it in 0.6 + 32 ·
    // 0.5 = 16.6 ms, the device needs about 4 ms in all, so the step ends
    // a little after the host: above 16.6 ms by no more than the LM head
    // (1 GB of weights, about 0.3 ms) and the sampling kernel, under 5%.
    let e2e = try ValidateCommandTests.write(
      ValidateEndToEndTests.header
        + "\nllama-3-8b,hf,hf,eager,decode,1,,1024,10,0.0166,0.0166,,H200\n",
      "e2e.csv")
    let predicted = try CommandRunner.run([
      "validate", "--end-to-end", e2e, "--hardware", fitted, "--db",
      folder + "/e2e.sqlite", "--format", "csv",
    ])
    #expect(predicted.status == 0, "\(predicted.error)")
    let fields =
      predicted.output.split(separator: "\n").dropFirst().first?.split(
        separator: ",", omittingEmptySubsequences: false
      ).map {
        String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
      } ?? []
    let error = fields.count > 10 ? Double(fields[10]) : nil
    #expect(error.map { $0 >= 0 && $0 < 0.05 } == true, "\(fields)")
  }

  @Test("--host-speed probe scales each row's host issue by its probe")
  func probe() throws {
    let folder = try Repository.temporaryFolder()
    let kernels = try ValidateCommandTests.write(
      ValidateCommandTests.csv(), "kernels.csv")
    let host = try ValidateCommandTests.write(Self.rows(), "host.csv")
    let fitted = folder + "/h200-host.yaml"
    _ = try CommandRunner.run([
      "validate", "--measured", kernels, "--host-issue", host, "--hardware",
      "h200", "--db", folder + "/runs.sqlite", "--calibrated-descriptor",
      fitted,
    ])
    // The 8-layer probe took 9.2 ms where the calibration gives
    // 0.6 + 8 · 0.5 = 4.6 ms: a host twice as slow, so the step's 16.6 ms
    // of issue becomes 33.2 ms (and the device's tail, under 5%).
    let e2e = try ValidateCommandTests.write(
      ValidateEndToEndTests.header + ",host_probe_seconds,host_probe_layers"
        + "\nllama-3-8b,hf,hf,eager,decode,1,,1024,10,0.0332,0.0332,,H200,0.0092,8\n",
      "e2e.csv")
    for (speed, scale) in [("probe", "2.0"), ("calibration", "")] {
      let r = try CommandRunner.run([
        "validate", "--end-to-end", e2e, "--hardware", fitted, "--db",
        folder + "/e2e.sqlite", "--format", "csv", "--host-speed", speed,
      ])
      #expect(r.status == 0, "\(r.error)")
      let fields =
        r.output.split(separator: "\n").dropFirst().first?.split(
          separator: ",", omittingEmptySubsequences: false
        ).map {
          String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        } ?? []
      #expect(fields.last == scale, "\(fields)")
      let error = fields.count > 10 ? Double(fields[10]) : nil
      if speed == "probe" {
        #expect(error.map { $0 >= 0 && $0 < 0.05 } == true, "\(fields)")
      } else {
        // As calibrated: 16.6 ms against 33.2 measured, about −50%.
        #expect(error.map { $0 < -0.45 } == true, "\(fields)")
      }
    }
  }

  @Test(
    "bad host-issue rows are refused naming the row and column",
    arguments: [
      (
        "llama-3-8b,hf,tgi,decode,1,64,1,160,0.001,0.001,H200",
        "row 2: column fusion_profile"
      ),
      (
        "llama-3-8b,hf,hf,sample,1,64,1,160,0.001,0.001,H200",
        "row 2: column phase"
      ),
      (
        "llama-3-8b,hf,hf,decode,1,64,0,160,0.001,0.001,H200",
        "row 2: column layers"
      ),
      (
        "llama-9b,hf,hf,decode,1,64,1,160,0.001,0.001,H200",
        "row 2: column model"
      ),
      (
        "jamba-v0.1,hf,hf,decode,1,64,1,160,0.001,0.001,H200",
        "mixes layer kinds"
      ),
      (
        "llama-3-8b,hf,hf,decode,1,64,4,160,0.001,0.001,H200",
        "one layer count"
      ),
    ])
  func badRows(row: String, message: String) throws {
    let folder = try Repository.temporaryFolder()
    let kernels = try ValidateCommandTests.write(
      ValidateCommandTests.csv(), "kernels.csv")
    let host = try ValidateCommandTests.write(
      Self.header + "\n" + row + "\n", "bad-host.csv")
    let r = try CommandRunner.run([
      "validate", "--measured", kernels, "--host-issue", host, "--hardware",
      "h200", "--db", folder + "/runs.sqlite",
    ])
    #expect(r.status != 0)
    #expect(r.error.contains(message), "stderr: \(r.error)")
  }

  @Test("--host-issue without --measured is refused")
  func needsMeasured() throws {
    let host = try ValidateCommandTests.write(Self.rows(), "host.csv")
    let r = try CommandRunner.run([
      "validate", "--host-issue", host, "--hardware", "h200",
    ])
    #expect(r.status != 0)
    #expect(r.error.contains("--host-issue needs --measured"))
  }
}
