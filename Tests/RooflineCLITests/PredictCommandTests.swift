import Foundation
import TestSupport
import Testing

@Suite("roofline predict, run as a binary")
struct PredictCommandTests {
  /// The number in `column` of a one-row CSV answer.
  static func csvValue(_ csv: String, _ column: String) -> Double? {
    let lines = csv.split(separator: "\n").map {
      $0.split(separator: ",").map {
        String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
      }
    }
    guard lines.count > 1 else { return nil }
    return lines[0].firstIndex(of: column).flatMap { Double(lines[1][$0]) }
  }

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
      (["--model", "mamba-2.8b", "--cp", "2"], "--cp: context parallelism"),
      (
        ["--model", "llama-3-8b", "--cp", "3", "--cp-strategy", "ulysses"],
        "--cp: Ulysses needs the 32 query heads"
      ),
      (
        ["--model", "mixtral-8x7b", "--tp", "8", "--ep", "4"],
        "--ep: expert parallelism runs over the tensor-parallel group"
      ),
      (["--micro-batches", "4", "--batch", "2"], "--micro-batches: 4"),
      (
        ["--prompt-tokens", "1000", "--cached-prefix-tokens", "1000"],
        "--cached-prefix-tokens: a reused prefix of 1000 tokens"
      ),
      (["--chunk-tokens", "0"], "--chunk-tokens must be at least 1"),
      (["--cp-strategy", "tree"], "--cp-strategy"),
    ])
  func badInput(arguments: [String], message: String) throws {
    let r = try CommandRunner.run(["predict"] + arguments)
    #expect(r.status != 0)
    #expect(r.error.contains(message), "stderr: \(r.error)")
  }
}

@Suite("roofline predict's parallelism, run as a binary")
struct PredictParallelismTests {
  @Test("a pipeline prints its bubbles; GPipe's (pp − 1)/(m + pp − 1) = 20%")
  func pipeline() throws {
    let r = try CommandRunner.run([
      "predict", "--model", "llama-3-70b", "--hardware", "dgx-h100", "--tp",
      "4", "--pp", "2", "--micro-batches", "4", "--batch", "16",
    ])
    #expect(r.status == 0, "stderr: \(r.error)")
    #expect(r.output.contains("PP 2"))
    #expect(r.output.contains("20.0%, 0.0%"))
    #expect(r.output.contains("context switch (swap out + in)"))
  }

  @Test("CSV names each operator's collective: ring passes, all-to-alls")
  func collectives() throws {
    let ring = try CommandRunner.run([
      "predict", "--model", "llama-3-8b", "--hardware", "dgx-h100", "--tp",
      "1", "--cp", "8", "--ops", "--format", "csv",
    ])
    #expect(ring.status == 0, "stderr: \(ring.error)")
    #expect(ring.output.contains("\"send-recv\""))
    #expect(ring.output.contains("attention merge (context-parallel)"))
    let experts = try CommandRunner.run([
      "predict", "--model", "mixtral-8x7b", "--hardware", "dgx-h100", "--ep",
      "8", "--ops", "--format", "csv",
    ])
    #expect(experts.status == 0, "stderr: \(experts.error)")
    #expect(experts.output.contains("expert dispatch (all-to-all)"))
    #expect(experts.output.contains("\"all-to-all\""))
  }

  @Test("--context sets the request: 256 output tokens, the prompt the rest")
  func context() throws {
    for (context, prompt) in [(2000, 1744), (8000, 7744), (300, 150)] {
      let r = try CommandRunner.run([
        "predict", "--context", "\(context)", "--format", "csv",
      ])
      #expect(r.status == 0, "\(r.error)")
      let header = r.output.split(separator: "\n")[0].split(separator: ",")
      let row = r.output.split(separator: "\n")[1].split(separator: ",")
      let p = header.firstIndex(of: "\"prompt_tokens\"").map { row[$0] }
      let o = header.firstIndex(of: "\"output_tokens\"").map { row[$0] }
      #expect(p == "\"\(prompt)\"", "\(context)")
      #expect(o == "\"\(context - prompt)\"", "\(context)")
    }
  }

  @Test(
    "throughput counts the requests that exist: 4 on 8 replicas is 4 per step")
  func replicasThroughput() throws {
    for (batch, running) in [(4, 4.0), (8, 8.0), (12, 12.0)] {
      let r = try CommandRunner.run([
        "predict", "--hardware", "dgx-h100", "--devices", "8", "--tp", "1",
        "--batch", "\(batch)", "--format", "csv",
      ])
      #expect(r.status == 0, "\(r.error)")
      func value(_ column: String) -> Double? {
        PredictCommandTests.csvValue(r.output, column)
      }
      let tpot = try #require(value("tpot_seconds"))
      let throughput = try #require(value("output_tokens_per_second"))
      // 12 requests on 8 replicas: 2 each on 4 of them, 1 on the rest; a
      // step of 2 is priced for all, so 12 tokens per (2-sequence) step.
      #expect(
        approximately(throughput, running / tpot, relativeTolerance: 1e-9),
        "batch \(batch)")
    }
  }

  @Test("--ops names each collective: kind, bytes and ranks")
  func opsCollectives() throws {
    let r = try CommandRunner.run([
      "predict", "--model", "llama-3-70b", "--hardware", "dgx-h100", "--ops",
    ])
    #expect(r.status == 0, "\(r.error)")
    // A prefill of 1024 tokens all-reduces 1024 × 8192 × 2 B = 16 MiB over
    // the node's 8 GPUs, after attention and after the MLP.
    let rows = r.output.split(separator: "\n").filter {
      $0.contains("all-reduce 16.00 MiB × 8 ranks")
    }
    #expect(rows.count == 2, "\(r.output)")
  }

  @Test(
    "the default prediction prices the deployment: $ per 1M tokens from the device's hourly price"
  )
  func cost() throws {
    let r = try CommandRunner.run(["predict", "--format", "csv"])
    #expect(r.status == 0, "\(r.error)")
    func value(_ column: String) -> Double? {
      PredictCommandTests.csvValue(r.output, column)
    }
    // h100-sxm at $4.76 an hour (hardware/h100-sxm.yaml), one device:
    // $/1M output = 4.76 / 3600 / (tokens per second) · 1e6.
    let rate = try #require(value("output_tokens_per_second"))
    let output = try #require(value("usd_per_million_output_tokens"))
    #expect(
      approximately(output, 4.76 / 3600 / rate * 1e6, relativeTolerance: 1e-9))
    let text = try CommandRunner.run(["predict"])
    #expect(text.output.contains("$ per 1M output tokens"))
    #expect(text.output.contains("— per device: weights 14.96 GiB"))
  }

  @Test("help offers only values the flags take, and each default once")
  func help() throws {
    for command in ["predict", "memory", "sweep", "report"] {
      let r = try CommandRunner.run([command, "--help"])
      let text = r.output.replacingOccurrences(of: "\n", with: " ")
        .replacingOccurrences(of: " +", with: " ", options: .regularExpression)
      #expect(!text.contains("fp64"), "\(command): \(text)")
      #expect(
        text.range(
          of: #"\(default [^:)]*\)\. \(default:"#, options: .regularExpression)
          == nil, "\(command)")
    }
  }

  @Test("the link latency is printed with its source and can be set")
  func linkLatency() throws {
    func allReduceSeconds(_ extra: [String]) throws -> (String, Double) {
      let r = try CommandRunner.run(
        [
          "predict", "--model", "llama-3-70b", "--hardware", "dgx-h100",
          "--ops", "--format", "csv",
        ] + extra)
      #expect(r.status == 0, "\(r.error)")
      let rows = r.output.split(separator: "\n").map {
        $0.split(separator: ",").map {
          String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
      }
      let each = try #require(rows[0].firstIndex(of: "seconds_each"))
      let row = try #require(rows.first { $0[1].contains("mixer all-reduce") })
      let text = try CommandRunner.run(
        ["predict", "--model", "llama-3-70b", "--hardware", "dgx-h100"] + extra)
      return (text.output, Double(row[each]) ?? 0)
    }
    let (plain, base) = try allReduceSeconds([])
    #expect(plain.contains("link latency 5 µs a step (default)"))
    let (set, slower) = try allReduceSeconds(["--link-latency-us", "20"])
    #expect(set.contains("link latency 20 µs a step (--link-latency-us)"))
    // Each of the collective's latency-bound steps costs 15 µs more.
    #expect(slower >= base + 15e-6)
  }

  @Test("a deployment that does not fit is refused unless --allow-overflow")
  func overflow() throws {
    // Llama-3-70B's 141 GB of bf16 weights on one 80 GB H100.
    let refused = try CommandRunner.run(["predict", "--model", "llama-3-70b"])
    #expect(refused.status == 1)
    #expect(refused.error.contains("the deployment does not fit"))
    #expect(refused.error.contains("--allow-overflow"))
    #expect(refused.output.isEmpty)
    let allowed = try CommandRunner.run([
      "predict", "--model", "llama-3-70b", "--allow-overflow",
    ])
    #expect(allowed.status == 0, "\(allowed.error)")
    #expect(allowed.output.contains("fits in memory at the final context: no"))
    // A report of it says so first.
    let folder = try Repository.temporaryFolder() + "/r"
    let report = try CommandRunner.run([
      "report", "--model", "llama-3-70b", "--allow-overflow", "--quiet",
      "--out", folder,
    ])
    #expect(report.status == 0, "\(report.error)")
    let md = try String(contentsOfFile: folder + "/report.md", encoding: .utf8)
    #expect(md.contains("Does not fit: "))
    let refusedReport = try CommandRunner.run([
      "report", "--model", "llama-3-70b", "--quiet", "--out", folder + "2",
    ])
    #expect(refusedReport.status == 1)
    #expect(!FileManager.default.fileExists(atPath: folder + "2"))
  }

  @Test("a reused prefix shortens TTFT and says by how much")
  func prefix() throws {
    let r = try CommandRunner.run([
      "predict", "--prompt-tokens", "4096", "--output-tokens", "64",
      "--cached-prefix-tokens", "3072", "--prefix-on", "host",
    ])
    #expect(r.status == 0, "stderr: \(r.error)")
    #expect(r.output.contains("3072 tokens"))
    #expect(r.output.contains("to load from host"))
    #expect(r.output.contains("TTFT without reuse"))
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
    #expect(
      r.line(0).hasPrefix("\"device\",\"devices\",\"tp\",\"pp\",\"batch\""))
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
