import Foundation
import PerfIO
import TestSupport
import Testing

@Suite("roofline validate: residuals, the run store and faults")
struct ValidateCommandTests {
  static let header =
    "kernel,backend,dtype,batch,heads,kv_heads,query_length,key_length,head_dim,causal,m,n,k,repetitions,median_seconds,min_seconds,device"

  /// Six GEMMs whose times are 2 µs + 2·m·n·k / (0.5 · 989.4 TFLOP/s).
  static func csv(slowerFirst: Bool = false) -> String {
    var lines = [header]
    for (i, m) in [1024, 2048, 3072, 4096, 6144, 8192].enumerated() {
      var t = 2e-6 + 2 * Double(m) * 4096 * 4096 / (0.5 * 989.4e12)
      if slowerFirst && i == 0 { t *= 2 }
      lines.append(
        "gemm,cublas,bf16,,,,,,,,\(m),4096,4096,10,\(t),\(t * 0.99),GPU")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func write(_ text: String, _ name: String) throws -> String {
    let path = try Repository.temporaryFolder() + "/" + name
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test("measured GEMMs are predicted, fitted, stored, and regressions flagged")
  func measured() throws {
    let db = try Repository.temporaryFolder() + "/runs.sqlite"
    let csv = try Self.write(Self.csv(), "m.csv")
    let fitted = try Repository.temporaryFolder() + "/h100-fitted.yaml"
    let first = try CommandRunner.run([
      "validate", "--measured", csv, "--hardware", "h100-sxm", "--db", db,
      "--calibrated-descriptor", fitted,
    ])
    #expect(first.status == 0, "\(first.error)")
    #expect(first.output.contains("roofline-fitted      test"))
    #expect(first.output.contains("no regressions"))
    // Times made from a 2 µs overhead and 50% of the peak are fitted back:
    // the held-out error is 0.0%.
    let heldOut = first.output.split(separator: "\n").first {
      $0.hasPrefix("roofline-fitted") && $0.contains(" test ")
        && $0.contains("overall")
    }.map { $0.split(separator: " ").map(String.init) }
    #expect(
      heldOut == [
        "roofline-fitted", "test", "overall", "2", "0.0%", "0.0%", "0.0%",
      ])
    let descriptor = try String(contentsOfFile: fitted, encoding: .utf8)
    #expect(descriptor.contains("matrix_efficiency: 0.5\n"))
    let slower = try Self.write(Self.csv(slowerFirst: true), "slow.csv")
    let second = try CommandRunner.run([
      "validate", "--measured", slower, "--hardware", "h100-sxm", "--db", db,
      "--format", "csv",
    ])
    #expect(second.status == 0, "\(second.error)")
    // CSV: a header and six rows; the doubled GEMM shows +100% change.
    #expect(second.output.split(separator: "\n").count == 7)
    #expect(second.output.contains("\"1.0000\""))
    let store = try RunStore(path: db)
    #expect(try store.runs().count == 2)
  }

  @Test("bad input: --measured without --hardware, and a bad row")
  func badInput() throws {
    let missing = try CommandRunner.run([
      "validate", "--measured", "x.csv",
    ])
    #expect(missing.status != 0)
    #expect(missing.error.contains("--measured needs --hardware"))
    let bad = try Self.write(
      Self.header + "\ngemm,cublas,bf16,,,,,,,,1,2,3,10,-1,-1,GPU\n", "bad.csv")
    let db = try Repository.temporaryFolder() + "/runs.sqlite"
    let result = try CommandRunner.run([
      "validate", "--measured", bad, "--hardware", "h100-sxm", "--db", db,
    ])
    #expect(result.status != 0)
    #expect(
      result.error.contains(
        "bad.csv: row 2: column median_seconds: a time must be positive"))
    for (flags, message) in [
      (["--rounds", "0"], "--rounds must be at least 1, got 0"),
      (["--min-time=-1"], "--min-time must be a number of seconds ≥ 0"),
    ] {
      let refused = try CommandRunner.run(["validate"] + flags)
      #expect(refused.status != 0)
      #expect(refused.error.contains(message), "stderr: \(refused.error)")
    }
  }

  @Test("the host grid times every executor kernel and predicts each")
  func hostQuickGrid() throws {
    let db = try Repository.temporaryFolder() + "/runs.sqlite"
    let result = try CommandRunner.run([
      "validate", "--grid", "quick", "--threads", "1", "--repetitions", "1",
      "--warmup", "0", "--min-time", "0", "--rounds", "2",
      "--hardware", "reports/host-probed.yaml", "--db", db,
      "--format", "csv", "--quiet",
    ])
    #expect(result.status == 0, "\(result.error)")
    // Header + flash (2 sizes × 2 masks) + standard + decode + linear + scan.
    let lines = result.output.split(separator: "\n")
    #expect(lines.count == 9)
    for kernel in [
      "flash-attention", "standard-attention", "decode-attention",
      "linear-attention", "selective-scan",
    ] {
      #expect(result.output.contains("\"\(kernel)\""))
    }
  }

  @Test("a run killed with SIGKILL before its commit leaves no trace")
  func killedMidway() throws {
    let db = try Repository.temporaryFolder() + "/runs.sqlite"
    let csv = try Self.write(Self.csv(), "m.csv")
    let arguments = [
      "validate", "--measured", csv, "--hardware", "h100-sxm", "--db", db,
    ]
    #expect(try CommandRunner.run(arguments).status == 0)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandRunner.executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: Repository.root)
    var environment = ProcessInfo.processInfo.environment
    environment["ROOFLINE_FAULT_PAUSE_BEFORE_COMMIT"] = "60"
    process.environment = environment
    let err = Pipe()
    process.standardError = err
    process.standardOutput = Pipe()
    try process.run()
    // Wait until every row of the run is written inside its transaction.
    var seen = Data()
    while !String(decoding: seen, as: UTF8.self).contains(
      "paused before commit")
    {
      let chunk = err.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      seen.append(chunk)
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal)
    let store = try RunStore(path: db)
    #expect(try store.runs().count == 1)
    #expect(try store.measurements(run: nil, model: "x").count == 6)
  }
}
