import Foundation
import TestSupport
import Testing

@Suite("roofline predict, run as a binary")
struct PredictCommandTests {
  @Test("the default prediction names TTFT and TPOT with their limiters")
  func defaults() throws {
    let r = try CommandRunner.run(["predict"])
    #expect(r.status == 0, "stderr: \(r.error)")
    #expect(r.output.contains("TTFT"))
    #expect(r.output.contains("TPOT"))
    #expect(r.output.contains("memory ("))  // batch-1 decode is memory-bound
  }

  @Test("--ops --format csv has a row per operator of both phases")
  func operators() throws {
    let r = try CommandRunner.run([
      "predict", "--model", "jamba-v0.1", "--hardware", "h200", "--ops",
      "--format", "csv",
    ])
    #expect(r.status == 0, "stderr: \(r.error)")
    #expect(r.output.contains("\"prefill\""))
    #expect(r.output.contains("\"decode\""))
    #expect(r.output.contains("selective scan"))
    #expect(r.output.contains("experts (top-2 of 16)"))
  }

  @Test(
    "bad input exits non-zero with the fix",
    arguments: [
      (["--hardware", "epyc-7763"], "has no bf16 peak"),
      (
        ["--compute-efficiency", "1.5"],
        "--compute-efficiency must be in (0, 1]"
      ),
      (["--model", "falcon-7b", "--tp", "2"], "use one of 1, 71"),
    ])
  func badInput(arguments: [String], message: String) throws {
    let r = try CommandRunner.run(["predict"] + arguments)
    #expect(r.status != 0)
    #expect(r.error.contains(message), "stderr: \(r.error)")
  }
}

@Suite("roofline plan, run as a binary")
struct PlanCommandTests {
  @Test(
    "a feasible search prints the cheapest configuration and the front as CSV")
  func feasible() throws {
    let r = try CommandRunner.run([
      "plan", "--model", "llama-3-8b", "--ttft-ms", "2000", "--tpot-ms", "50",
      "--devices-of", "h100-sxm,a100-sxm-80gb", "--format", "csv",
    ])
    #expect(r.status == 0, "stderr: \(r.error)")
    #expect(r.line(0).hasPrefix("\"device\",\"devices\",\"batch\""))
    #expect(r.output.split(separator: "\n").count >= 2)
  }

  @Test("an impossible target names the binding constraint")
  func infeasible() throws {
    let r = try CommandRunner.run([
      "plan", "--model", "llama-3.1-405b", "--tpot-ms", "0.5",
    ])
    #expect(r.status != 0)
    #expect(r.error.contains("binding constraint: TPOT"))
  }
}
