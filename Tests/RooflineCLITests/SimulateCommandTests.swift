import Foundation
import FoundationXML
import TestSupport
import Testing

@Suite("roofline simulate")
struct SimulateCommandTests {
  static func value(_ csv: String, _ measure: String) -> Double? {
    for line in csv.split(separator: "\n") {
      let cells = line.split(separator: ",").map {
        $0.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
      }
      if cells.count == 2, cells[0] == measure { return Double(cells[1]) }
    }
    return nil
  }

  static func trace(_ text: String) throws -> String {
    let path = try Repository.temporaryFolder() + "/trace.csv"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test(
    "a lone request's TTFT is predict's (1e-9) and its one decode step predict's at that context (0.1%)"
  )
  func loneRequest() throws {
    let path = try Self.trace(
      "arrival_seconds,prompt_tokens,output_tokens\n0.5,1000,2\n")
    let common = [
      "--model", "llama-3-8b", "--hardware", "h200-calibrated", "--engine",
      "torch",
    ]
    let sim = try CommandRunner.run(
      ["simulate"] + common + ["--trace", path, "--format", "csv"])
    #expect(sim.status == 0, "\(sim.error)")
    let predict = try CommandRunner.run(
      ["predict"] + common + [
        "--prompt-tokens", "1000", "--output-tokens", "2", "--format", "csv",
      ])
    #expect(predict.status == 0, "\(predict.error)")
    let rows = predict.output.split(separator: "\n").map {
      $0.split(separator: ",").map {
        $0.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
      }
    }
    let header = try #require(rows.first)
    let ttftColumn = try #require(header.firstIndex(of: "ttft_seconds"))
    let tpotColumn = try #require(header.firstIndex(of: "tpot_seconds"))
    let ttft = try #require(Double(rows[1][ttftColumn]))
    let tpot = try #require(Double(rows[1][tpotColumn]))
    let simulatedTTFT = try #require(Self.value(sim.output, "ttft_p50_seconds"))
    let simulatedTPOT = try #require(Self.value(sim.output, "tpot_p50_seconds"))
    #expect(approximately(simulatedTTFT, ttft, relativeTolerance: 1e-9))
    // One decode step at 1001 tokens: predict's step at prompt + output/2.
    #expect(approximately(simulatedTPOT, tpot, relativeTolerance: 1e-3))
  }

  @Test(
    "with Quest a lone request's decode step is predict's with Quest (0.1%), below the dense one, and the output says what is not selected"
  )
  func loneRequestQuest() throws {
    let path = try Self.trace(
      "arrival_seconds,prompt_tokens,output_tokens\n0.5,7000,2\n")
    let common = [
      "--model", "llama-3-8b", "--hardware", "h200-calibrated", "--engine",
      "torch",
    ]
    let quest = ["--quest-budget-tokens", "1024"]
    func tpot(_ flags: [String]) throws -> Double {
      let r = try CommandRunner.run(
        ["simulate"] + common + flags + ["--trace", path, "--format", "csv"])
      #expect(r.status == 0, "\(r.error)")
      return try #require(Self.value(r.output, "tpot_p50_seconds"))
    }
    let predict = try CommandRunner.run(
      ["predict"] + common + quest + [
        "--prompt-tokens", "7000", "--output-tokens", "2", "--format", "csv",
      ])
    #expect(predict.status == 0, "\(predict.error)")
    let rows = predict.output.split(separator: "\n").map {
      $0.split(separator: ",").map {
        $0.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
      }
    }
    let column = try #require(rows.first?.firstIndex(of: "tpot_seconds"))
    let predicted = try #require(Double(rows[1][column]))
    let selected = try tpot(quest)
    #expect(approximately(selected, predicted, relativeTolerance: 1e-3))
    #expect(selected < 0.99 * (try tpot([])))
    let text = try CommandRunner.run(
      ["simulate"] + common + quest + ["--trace", path])
    #expect(
      text.output.contains(
        "Quest's page selection for the sequences decoding in a pass that prefills"
      ), "\(text.output)")
  }

  @Test(
    "bad traces name the file, row and column, and the fix",
    arguments: [
      (
        "arrival_seconds,prompt_tokens\n0,10\n",
        "row 1: column output_tokens: missing"
      ),
      (
        "arrival_seconds,prompt_tokens,output_tokens\n1,10,5\n0.5,10,5\n",
        "row 3: column arrival_seconds: 0.5 is before the previous row's 1.0; sort the trace"
      ),
      (
        "arrival_seconds,prompt_tokens,output_tokens\n0,-3,5\n",
        "row 2: column prompt_tokens: expected a whole number ≥ 1, found \"-3\""
      ),
      (
        "arrival_seconds,prompt_tokens,output_tokens\nsoon,3,5\n",
        "row 2: column arrival_seconds: expected seconds ≥ 0"
      ),
    ])
  func badTrace(text: String, message: String) throws {
    let path = try Self.trace(text)
    let r = try CommandRunner.run(["simulate", "--trace", path])
    #expect(r.status != 0)
    #expect(r.error.contains(path + ": " + message), "\(r.error)")
    #expect(!r.error.contains("Fatal"))
  }

  @Test(
    "flags that do not apply or conflict are refused with the fix",
    arguments: [
      (["--rate", "5", "--batch", "8"], "--batch does not apply"),
      (["--rate", "5", "--trace", "x.csv"], "either --trace or --rate"),
      ([], "give --rate"),
      (["--rate", "5", "--ttft-slo-ms", "200"], "--tpot-slo-ms"),
      (["--rate", "0"], "--rate must be in (0, 1000000]"),
      (
        ["--rate", "5", "--scheduler", "fifo"],
        "one of 'static' and 'continuous'"
      ),
    ])
  func badFlags(flags: [String], message: String) throws {
    let r = try CommandRunner.run(["simulate"] + flags)
    #expect(r.status != 0)
    #expect(r.error.contains(message), "\(r.error)")
  }

  @Test("a request larger than the whole cache is refused, naming it")
  func tooLarge() throws {
    let path = try Self.trace(
      "arrival_seconds,prompt_tokens,output_tokens\n0,100,10\n0,8000000,10\n")
    let r = try CommandRunner.run([
      "simulate", "--trace", path, "--model", "llama-3-8b", "--hardware",
      "h100-sxm", "--force",
    ])
    #expect(r.status != 0)
    #expect(
      r.error.contains("request 2 (8000000 + 10 tokens) needs"), "\(r.error)")
  }
}

@Suite("roofline plan --qps")
struct PlanCapacityCommandTests {
  @Test(
    "an objective no configuration meets even with requests alone names it and by how much"
  )
  func unreachableObjective() throws {
    let r = try CommandRunner.run([
      "plan", "--model", "llama-3-8b", "--devices-of", "h200-calibrated",
      "--device-counts", "1", "--qps", "10", "--tbt-p99-ms", "1", "--quiet",
      "--engine", "torch",
    ])
    #expect(r.status != 0)
    #expect(
      r.error.contains(
        "1 × h200-calibrated, 256 seqs, 8192-token budget: TBT p99 is"),
      "\(r.error)")
    #expect(r.error.contains("above the objective 1.0 ms by"), "\(r.error)")
  }

  @Test(
    "with prefix caching and shared system prompts a replica sustains more: the search finds a higher rate"
  )
  func prefixCachingRaisesCapacity() throws {
    func sustained(_ extra: [String]) throws -> Double {
      let r = try CommandRunner.run(
        [
          "plan", "--model", "llama-3-8b", "--devices-of", "h200",
          "--device-counts", "1", "--qps", "10", "--ttft-p99-ms", "500",
          "--tbt-p99-ms", "60", "--shared-prefix-tokens", "2048",
          "--prefix-groups", "2", "--requests", "200", "--quiet", "--format",
          "csv",
        ] + extra)
      #expect(r.status == 0, "\(r.error)")
      let rows = r.output.split(separator: "\n").map {
        $0.split(separator: ",").map {
          $0.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
      }
      let column = try #require(
        rows.first?.firstIndex(of: "sustained_requests_per_second_per_replica"))
      return try #require(Double(rows[1][column]))
    }
    #expect(try sustained(["--prefix-caching"]) > sustained([]))
  }
}

@Suite("roofline simulate --report")
struct SimulateReportTests {
  @Test(
    "the folder holds the latency CDFs and load charts as well-formed SVG, and a requests CSV of every request"
  )
  func folder() throws {
    let folder = try Repository.temporaryFolder() + "/sim-report"
    let r = try CommandRunner.run([
      "simulate", "--model", "llama-3-8b", "--hardware", "h200-calibrated",
      "--rate", "20", "--requests", "120", "--max-seqs", "32", "--report",
      folder,
    ])
    #expect(r.status == 0, "\(r.error)")
    for chart in ["latency-cdf", "load", "cache"] {
      let svg = try String(
        contentsOfFile: folder + "/charts/\(chart).svg", encoding: .utf8)
      let parser = XMLParser(data: Data(svg.utf8))
      #expect(parser.parse(), "\(chart).svg")
      #expect(svg.contains("class=\"series\""), "\(chart).svg")
    }
    let requests = try String(
      contentsOfFile: folder + "/data/requests.csv", encoding: .utf8)
    // A header and one line per request.
    #expect(requests.split(separator: "\n").count == 121)
  }
}

@Suite("roofline simulate --disaggregate")
struct SimulateDisaggregateTests {
  @Test(
    "bad splits are refused naming the flag and the fix",
    arguments: [
      (["--disaggregate", "2"], "give P,D replicas"),
      (
        ["--disaggregate", "2,3", "--hardware", "dgx-h100", "--tp", "2"],
        "needs 10 devices; dgx-h100 has 8"
      ),
      (
        ["--disaggregate", "1,1", "--scheduler", "static"],
        "--disaggregate needs --scheduler continuous"
      ),
    ])
  func badSplit(flags: [String], message: String) throws {
    let r = try CommandRunner.run(
      ["simulate", "--rate", "5", "--requests", "20"] + flags)
    #expect(r.status != 0)
    #expect(r.error.contains(message), "\(r.error)")
  }
}

@Suite("KV cache compression flags")
struct KVCompressionFlagTests {
  @Test(
    "a window beside an unquantized cache, and int2 weights, are refused with the fix",
    arguments: [
      (
        ["--kv-dtype", "bf16", "--kv-residual-tokens", "128"],
        "--kv-dtype bf16 is not quantized"
      ),
      (["--weight-dtype", "int2"], "int2 is a KV-cache format"),
      (["--kv-residual-tokens", "-1"], "--kv-residual-tokens"),
      (
        [
          "--prompt-tokens", "700", "--output-tokens", "100",
          "--kv-budget-tokens", "1024",
        ],
        "keeps every token of a 800-token request"
      ),
      (["--kv-budget-tokens", "0"], "--kv-budget-tokens must be 1 to"),
      (["--kv-streaming", "4"], "give S,W sink and window tokens"),
      (["--quest-page-tokens", "16"], "give --quest-budget-tokens too"),
      (["--duo-retrieval-fraction", "0.3"], "needs --kv-streaming S,W"),
      (["--attention-density", "0"], "--attention-density must be in (0, 1]"),
      (
        ["--attention-density", "1.5"], "--attention-density must be in (0, 1]"
      ),
      (
        ["--duo-retrieval-fraction", "1.5", "--kv-streaming", "4,100"],
        "must be in [0, 1)"
      ),
      (
        [
          "--prompt-tokens", "700", "--output-tokens", "100",
          "--quest-budget-tokens", "900",
        ],
        "reads every token of a 800-token request"
      ),
      (
        ["--kv-streaming", "4,100", "--kv-budget-tokens", "100"],
        "not both"
      ),
    ])
  func refused(flags: [String], message: String) throws {
    let r = try CommandRunner.run(["memory", "--model", "llama-3-8b"] + flags)
    #expect(r.status != 0)
    #expect(r.error.contains(message), "\(r.error)")
  }
}

@Suite("bench --density")
struct BenchDensityTests {
  @Test(
    "a density outside (0, 1], or on a kernel other than flash, is refused",
    arguments: [
      (["--density", "0"], "--density must be in (0, 1]"),
      (
        ["--density", "0.5", "--kernel", "decode"],
        "--density applies to --kernel flash"
      ),
    ])
  func refused(flags: [String], message: String) throws {
    let r = try CommandRunner.run(["bench", "--n", "64", "--quiet"] + flags)
    #expect(r.status != 0)
    #expect(r.error.contains(message), "\(r.error)")
  }
}
