import Foundation
import TestSupport
import Testing

@Suite("roofline report: a folder of charts, tables and CSVs")
struct ReportCommandTests {
  @Test("writes report.md, a self-contained report.html, charts and CSVs")
  func folder() throws {
    let out = try Repository.temporaryFolder() + "/r"
    let result = try CommandRunner.run([
      "report", "--model", "llama-3-8b", "--hardware", "h100-sxm", "--compare",
      "mamba-2.8b", "--contexts", "1024,8192", "--out", out, "--quiet",
    ])
    #expect(result.status == 0, "\(result.error)")
    let fm = FileManager.default
    let charts = try fm.contentsOfDirectory(atPath: out + "/charts").sorted()
    #expect(
      charts == [
        "concurrency.svg", "cost.svg", "memory.svg", "roofline.svg",
        "techniques-concurrency.svg", "techniques-tpot.svg", "tpot.svg",
        "ttft.svg",
      ])
    let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
    // Eight charts inline, no file referenced from outside the page.
    #expect(html.components(separatedBy: "<svg ").count - 1 == 8)
    #expect(!html.contains("src=\""))
    let md = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
    for chart in charts { #expect(md.contains("(charts/\(chart))")) }
    let sweep = try String(
      contentsOfFile: out + "/data/sweep.csv", encoding: .utf8)
    // A header and 2 models × 2 contexts.
    #expect(sweep.split(separator: "\n").count == 5)
    let techniques = try String(
      contentsOfFile: out + "/data/techniques.csv", encoding: .utf8)
    // A header and 6 caches (dense and five techniques) × 2 contexts.
    #expect(techniques.split(separator: "\n").count == 13)
    // An earlier report is replaced whole.
    let again = try CommandRunner.run([
      "report", "--model", "llama-3-8b", "--hardware", "h100-sxm", "--contexts",
      "1024", "--out", out, "--quiet",
    ])
    #expect(again.status == 0, "\(again.error)")
    let sweep2 = try String(
      contentsOfFile: out + "/data/sweep.csv", encoding: .utf8)
    #expect(sweep2.split(separator: "\n").count == 2)
  }

  @Test("refuses to write over a folder that is not a report, leaving it")
  func refuses() throws {
    let out = try Repository.temporaryFolder() + "/mine"
    try FileManager.default.createDirectory(
      atPath: out, withIntermediateDirectories: true)
    try "keep".write(
      toFile: out + "/notes.txt", atomically: true, encoding: .utf8)
    let result = try CommandRunner.run([
      "report", "--model", "llama-3-8b", "--hardware", "h100-sxm", "--out", out,
      "--quiet",
    ])
    #expect(result.status != 0)
    #expect(result.error.contains("not a roofline report folder"))
    #expect(
      try String(contentsOfFile: out + "/notes.txt", encoding: .utf8) == "keep")
  }

  @Test(
    "with --db, the stored run's kernels are charted against their predictions")
  func storedRun() throws {
    let folder = try Repository.temporaryFolder()
    let db = folder + "/runs.sqlite"
    let csv = folder + "/m.csv"
    try ValidateCommandTests.csv().write(
      toFile: csv, atomically: true, encoding: .utf8)
    let stored = try CommandRunner.run([
      "validate", "--measured", csv, "--hardware", "h100-sxm", "--db", db,
      "--quiet",
    ])
    #expect(stored.status == 0, "\(stored.error)")
    let out = folder + "/r"
    let result = try CommandRunner.run([
      "report", "--hardware", "h100-sxm", "--contexts", "1024", "--db", db,
      "--out", out,
      "--quiet",
    ])
    #expect(result.status == 0, "\(result.error)")
    let svg = try String(
      contentsOfFile: out + "/charts/validation.svg", encoding: .utf8)
    // Six GEMMs: four train, two held out (every third by size from the second).
    #expect(
      svg.contains(
        "data-name=\"gemm (train)\" data-style=\"markers\" data-points=\"4\""))
    #expect(
      svg.contains(
        "data-name=\"gemm (held out)\" data-style=\"markers\" data-points=\"2\""
      ))
    let roofline = try String(
      contentsOfFile: out + "/charts/roofline.svg", encoding: .utf8)
    #expect(roofline.contains("data-name=\"gemm measured\""))
    let missing = try CommandRunner.run([
      "report", "--hardware", "h100-sxm", "--db", db, "--run", "7", "--out",
      folder + "/x",
      "--quiet",
    ])
    #expect(missing.status != 0 && missing.error.contains("has no run 7"))
  }

  @Test(
    "a device without bf16 asks for --activation-dtype, then reports in fp32")
  func activationType() throws {
    let host = Repository.root + "/reports/host-probed.yaml"
    let out = try Repository.temporaryFolder() + "/host"
    let refused = try CommandRunner.run([
      "report", "--model", "mamba-2.8b", "--hardware", host, "--contexts",
      "1024",
      "--out", out, "--quiet",
    ])
    #expect(refused.status != 0)
    #expect(
      refused.error.contains("--activation-dtype")
        && refused.error.contains("fp32"))
    #expect(!FileManager.default.fileExists(atPath: out))
    let fp32 = try CommandRunner.run([
      "report", "--model", "mamba-2.8b", "--hardware", host, "--contexts",
      "1024",
      "--activation-dtype", "fp32", "--weight-dtype", "fp32", "--out", out,
      "--quiet",
    ])
    #expect(fp32.status == 0, "\(fp32.error)")
    let roofline = try String(
      contentsOfFile: out + "/charts/roofline.svg", encoding: .utf8)
    #expect(roofline.contains("fp32 vector"))
  }
}
