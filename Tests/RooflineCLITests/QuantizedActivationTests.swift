import Foundation
import PerfModel
import TestSupport
import Testing

/// fp8 and fp4 activations: W8A8 and W4A4 matrix products at the device's
/// peak for that type, everything else in bf16.
@Suite("--activation-dtype fp8 and fp4")
struct QuantizedActivationTests {
  @Test(
    "NVFP4 stores an fp8 scale per 16 elements; MXFP6 an 8-bit scale per 32")
  func storage() {
    // 1024 · 0.5 + 1024 / 16 and 1024 · 0.75 + 1024 / 32.
    #expect(
      StorageFormat.weights(.fp4).bytes(elements: 1024, vectorLength: 1) == 576)
    #expect(
      StorageFormat.weights(.fp6).bytes(elements: 1024, vectorLength: 1) == 800)
    #expect(DataType(spelling: "nvfp4") == .fp4)
  }

  @Test(
    "a W8A8 projection runs at fp8, reads fp8 inputs and writes bf16 outputs")
  func projection() throws {
    let layer = LayerSpec(
      mixer: .attention(
        AttentionSpec(queryHeads: 32, kvHeads: 8, headDim: 128)),
      feedForward: .dense(MLPSpec(intermediateSize: 14336, gated: true)),
      normParameters: 8192)
    let model = ModelArchitecture(
      name: "one", modelType: "llama", hiddenSize: 4096, vocabSize: 32000,
      maxContextTokens: 8192, tieWordEmbeddings: false,
      finalNormParameters: 4096,
      layerGroups: [LayerGroup(count: 1, layer: layer)],
      weightDataType: .bf16, source: "test")
    let scenario = GraphScenario(
      batch: 4, promptTokens: 512, contextTokens: 1,
      weightFormat: .weights(.fp8), cacheFormat: .cache(.bf16),
      activationDataType: .fp8, sramBytes: 196_608)
    let ops = OperatorGraphBuilder.prefill(model, scenario).operators
    let down = try #require(ops.first { $0.name.hasSuffix("mlp down") })
    #expect(down.dataType == .fp8)
    // 14336 × 4096 fp8 weights + 2048 tokens · (14336 fp8 in + 4096 bf16 out).
    let weights: Double = 14336 * 4096
    let activations: Double = 2048 * (14336 + 2 * 4096)
    #expect(down.bytes == weights + activations)
    let norm = try #require(ops.first { $0.kind == .norm })
    #expect(norm.dataType == .bf16)
  }

  @Test(
    "fp4 on B200 halves the fp8 prefill's GEMM time; the refusals name the fix")
  func cli() throws {
    func ttft(_ extra: [String]) throws -> Double {
      let r = try CommandRunner.run(
        [
          "predict", "--model", "llama-3-8b", "--hardware", "b200", "--batch",
          "32", "--format", "csv",
        ] + extra)
      #expect(r.status == 0, "stderr: \(r.error)")
      return try #require(
        PredictCommandTests.csvValue(r.output, "ttft_seconds"))
    }
    let fp8 = try ttft(["--weight-dtype", "fp8", "--activation-dtype", "fp8"])
    let fp4 = try ttft(["--weight-dtype", "fp4", "--activation-dtype", "fp4"])
    let bf16 = try ttft(["--weight-dtype", "fp8"])
    // Compute-bound prefill: the GEMMs at 9 vs 4.5 vs 2.25 PFLOP/s, the
    // attention and short kernels unchanged.
    #expect(fp4 < fp8 && fp8 < bf16)
    let noWeights = try CommandRunner.run([
      "predict", "--hardware", "b200", "--activation-dtype", "fp8",
    ])
    #expect(noWeights.status != 0)
    #expect(noWeights.error.contains("add --weight-dtype fp8"))
    let noPeak = try CommandRunner.run([
      "predict", "--hardware", "h200", "--weight-dtype", "fp4",
      "--activation-dtype", "fp4",
    ])
    #expect(noPeak.status != 0)
    #expect(noPeak.error.contains("h200 has no fp4 matrix peak"))
  }

  /// The cells of `column` in a CSV whose cells are all quoted.
  static func quotedColumn(_ csv: String, _ column: String) -> [String] {
    let rows = csv.split(separator: "\n").map { line -> [String] in
      var cells: [String] = []
      var cell = ""
      var quoted = false
      for c in line {
        if c == "\"" {
          quoted.toggle()
        } else if c == ",", !quoted {
          cells.append(cell)
          cell = ""
        } else {
          cell.append(c)
        }
      }
      return cells + [cell]
    }
    guard let index = rows.first?.firstIndex(of: column) else { return [] }
    return rows.dropFirst().map { $0[index] }
  }

  @Test("the memory CSV names a checkpoint's quantization beside its dtype")
  func memoryColumn() throws {
    let r = try CommandRunner.run([
      "memory", "--model",
      Repository.root
        + "/Tests/Resources/quantized/qwen2.5-7b-instruct-awq.json",
      "--format", "csv",
    ])
    #expect(r.status == 0, "stderr: \(r.error)")
    #expect(
      Self.quotedColumn(r.output, "weight_quantization") == [
        "AWQ int4, group 128, fp16 scales, int4 zeros"
      ])
    #expect(Self.quotedColumn(r.output, "weight_dtype") == ["fp16"])
    let plain = try CommandRunner.run(["memory", "--format", "csv"])
    #expect(Self.quotedColumn(plain.output, "weight_quantization") == [""])
  }
}
