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

@Suite("roofline sweep, run as a binary")
struct SweepCommandTests {
  @Test(
    "one row per model, context and batch; an SSM's TPOT does not grow with context"
  )
  func grid() throws {
    let r = try CommandRunner.run([
      "sweep", "--models", "llama-3-8b,mamba-2.8b", "--contexts", "1024,65536",
      "--batches",
      "1,4", "--format", "csv",
    ])
    #expect(r.status == 0, "stderr: \(r.error)")
    let rows = r.output.split(separator: "\n").dropFirst().map {
      $0.split(separator: ",")
    }
    #expect(rows.count == 2 * 2 * 2)
    // Columns: model, hardware, devices, batch, context, ttft, tpot, ….
    func tpot(_ model: String, _ context: String) -> Double {
      let row = rows.first {
        $0[0] == "\"\(model)\"" && $0[3] == "\"1\"" && $0[4] == "\"\(context)\""
      }
      return Double(row?[6].replacingOccurrences(of: "\"", with: "") ?? "")
        ?? .nan
    }
    #expect(tpot("mamba-2.8b", "65536") == tpot("mamba-2.8b", "1024"))
    #expect(tpot("llama-3-8b", "65536") > tpot("llama-3-8b", "1024"))
  }

  @Test("a malformed list is refused with the flag's name")
  func badList() throws {
    let r = try CommandRunner.run(["sweep", "--contexts", "1024,abc"])
    #expect(r.status != 0)
    #expect(
      r.error.contains("--contexts takes comma-separated positive integers"))
  }
}
