import Foundation
import TestSupport
import Testing

@Suite("roofline io, run as a binary")
struct IOCommandTests {
  @Test(
    "modelled and counted bytes agree for every algorithm",
    arguments: ["fa1", "fa2", "standard"])
  func exact(algorithm: String) throws {
    let r = try CommandRunner.run([
      "io", "--algorithm", algorithm, "--n", "100", "--d", "32", "--heads", "4",
      "--kv-heads",
      "2", "--causal", "--row-block", "12", "--column-block", "8", "--count",
      "--format", "csv",
    ])
    #expect(r.status == 0, "stderr: \(r.error)")
    #expect(r.output.contains("\"true\""))
  }

  @Test(
    "impossible tiles are errors that say what they need",
    arguments: [
      (
        ["--d", "128", "--sram-bytes", "1000"],
        "needs at least 2060 bytes of SRAM"
      ),
      (
        ["--row-block", "2000", "--column-block", "4"],
        "exceeds the 1024 packed query rows"
      ),
      (
        ["--row-block", "64", "--column-block", "64", "--sram-bytes", "16384"],
        "need 82432 bytes"
      ),
      (["--n", "0"], "--n must be at least 1"),
      (["--row-block", "8"], "give both --row-block and --column-block"),
    ])
  func errors(arguments: [String], message: String) throws {
    let r = try CommandRunner.run(["io"] + arguments)
    #expect(r.status != 0)
    #expect(r.error.contains(message), "stderr: \(r.error)")
  }
}

@Suite("roofline bench refuses bad sizes before allocating")
struct BenchCommandTests {
  @Test(
    "bad sizes exit non-zero with the fix",
    arguments: [
      (["--n", "0"], "--n must be at least 1"),
      (["--column-block", "64"], "must be a multiple of 6"),
      (["--row-block", "4096", "--n", "1024"], "must not exceed --n 1024"),
      (
        ["--kernel", "decode", "--n", "8", "--splits", "9"],
        "--splits 9 must not exceed --n 8"
      ),
      (["--kernel", "scan", "--d", "12", "--n", "16"], "multiple of 8"),
      (
        ["--n", "1000000", "--heads", "64", "--batch", "64"],
        "over 80% of this machine's"
      ),
    ])
  func badSizes(arguments: [String], message: String) throws {
    let r = try CommandRunner.run(
      ["bench", "--repetitions", "1", "--warmup", "0"] + arguments)
    #expect(r.status != 0)
    #expect(r.error.contains(message), "stderr: \(r.error)")
  }

  @Test("a small FlashAttention bench prints one CSV row with the ISA")
  func smallRun() throws {
    let r = try CommandRunner.run([
      "bench", "--n", "96", "--d", "16", "--row-block", "48", "--column-block",
      "48",
      "--repetitions", "1", "--format", "csv",
    ])
    #expect(r.status == 0, "stderr: \(r.error)")
    #expect(r.output.split(separator: "\n").count == 2)
    #expect(r.line(1).contains("AVX") || r.line(1).contains("arm64"))
  }

  #if arch(x86_64)
  @Test("--isa avx2 runs the eight-lane kernels and says so")
  func forcedAVX2() throws {
    let r = try CommandRunner.run([
      "bench", "--n", "96", "--d", "16", "--row-block", "48", "--column-block",
      "48", "--repetitions", "1", "--format", "csv", "--isa", "avx2",
    ])
    #expect(r.status == 0, "stderr: \(r.error)")
    #expect(r.line(1).contains("haswell (AVX2, FMA)"))
  }

  @Test("--isa naming a set this CPU lacks is refused, listing what it runs")
  func missingISA() throws {
    let r = try CommandRunner.run(["bench", "--isa", "neon"])
    #expect(r.status != 0)
    #expect(
      r.error.contains("--isa neon: this CPU does not run it; it runs ")
        && r.error.contains("avx2"), "stderr: \(r.error)")
  }
  #endif
}
