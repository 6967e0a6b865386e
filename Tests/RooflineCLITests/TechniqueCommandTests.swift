import Foundation
import TestSupport
import Testing

@Suite("The long-context flags in sweep and plan")
struct TechniqueCommandTests {
  @Test(
    "sweep's point equals predict's prediction with the same technique flags",
    arguments: [
      ["--kv-budget-tokens", "1024"],
      ["--kv-streaming", "4,1020", "--duo-retrieval-fraction", "0.25"],
      ["--quest-budget-tokens", "1024"],
      ["--kv-dtype", "int2", "--kv-residual-tokens", "128"],
      ["--attention-density", "0.2", "--key-channel-fraction", "0.5"],
    ])
  func sweepAgrees(flags: [String]) throws {
    let sweep = try CommandRunner.run(
      [
        "sweep", "--models", "llama-3-8b", "--hardware", "h200",
        "--contexts", "8000", "--batches", "8", "--format", "csv", "--quiet",
      ] + flags)
    #expect(sweep.status == 0, "\(sweep.error)")
    let predict = try CommandRunner.run(
      [
        "predict", "--model", "llama-3-8b", "--hardware", "h200",
        "--prompt-tokens", "8000", "--output-tokens", "1", "--batch", "8",
        "--format", "csv",
      ] + flags)
    #expect(predict.status == 0, "\(predict.error)")
    let dense = try CommandRunner.run([
      "sweep", "--models", "llama-3-8b", "--hardware", "h200", "--contexts",
      "8000", "--batches", "8", "--format", "csv", "--quiet",
    ])
    var changed = false
    for key in ["ttft_seconds", "tpot_seconds"] {
      let a = OneEvaluatorTests.column(sweep.output, key).compactMap(
        Double.init)
      let b = OneEvaluatorTests.column(predict.output, key).compactMap(
        Double.init)
      let d = OneEvaluatorTests.column(dense.output, key).compactMap(
        Double.init)
      #expect(a.count == 1 && b.count == 1 && d.count == 1)
      if let x = a.first, let y = b.first {
        #expect(approximately(x, y, relativeTolerance: 1e-9), "\(key)")
      }
      if a.first != d.first { changed = true }
    }
    // The technique reaches the sweep: some figure moves from dense.
    #expect(changed, "\(flags)")
  }

  @Test("plan prices every configuration with the technique")
  func planUsesTechnique() throws {
    func tpot(_ flags: [String]) throws -> Double? {
      let r = try CommandRunner.run(
        [
          "plan", "--model", "llama-3-8b", "--devices-of", "h200",
          "--device-counts", "1", "--pp-degrees", "1", "--prompt-tokens",
          "32000", "--output-tokens", "768", "--ttft-ms", "100000",
          "--tpot-ms", "1000", "--format", "csv", "--quiet",
        ] + flags)
      #expect(r.status == 0, "\(r.error)")
      // The first row of the front is the cheapest: its batch and TPOT.
      return OneEvaluatorTests.column(r.output, "tpot_seconds").compactMap(
        Double.init
      ).first
    }
    let dense = try #require(try tpot([]))
    let evicted = try #require(try tpot(["--kv-budget-tokens", "2048"]))
    // The cheapest configuration runs the largest batch that fits; with a
    // 2048-token budget far more requests fit, and each step reads
    // 2048 keys a request instead of 32768.
    #expect(evicted != dense)
  }

  @Test("plan refuses a budget that keeps every token, naming the request")
  func planBudgetTooLarge() throws {
    let r = try CommandRunner.run([
      "plan", "--model", "llama-3-8b", "--prompt-tokens", "1000",
      "--output-tokens", "24", "--kv-budget-tokens", "4096",
    ])
    #expect(r.status != 0)
    #expect(
      r.error.contains(
        "--kv-budget-tokens 4096 keeps every token of a 1024-token request (a request of 1000 prompt and 24 output tokens)"
      ), "\(r.error)")
  }

  @Test(
    "plan --qps refuses what the simulation does not model, as simulate does")
  func capacityRefuses() throws {
    let r = try CommandRunner.run([
      "plan", "--model", "llama-3-8b", "--qps", "5", "--attention-density",
      "0.1",
    ])
    #expect(r.status != 0)
    #expect(
      r.error.contains("are not modelled in plan --qps yet"), "\(r.error)")
  }
}
