import Foundation
import PerfIO
import PerfModel
import TestSupport
import Testing

/// Counts of `needle` in `text`.
func occurrences(_ needle: String, in text: String) -> Int {
  text.components(separatedBy: needle).count - 1
}

/// The `data-points` of the series named `name` in `svg`, if present.
func seriesPoints(_ name: String, in svg: String) -> Int? {
  guard let range = svg.range(of: "class=\"series\" data-name=\"\(name)\"")
  else { return nil }
  let rest = svg[range.upperBound...]
  guard let start = rest.range(of: "data-points=\"") else { return nil }
  return Int(rest[start.upperBound...].prefix { $0.isNumber })
}

@Suite("Charts: axes, ticks and structure against the data")
struct ChartTests {
  static let catalog = Catalog(root: Repository.root)

  @Test("tick labels use SI and binary prefixes with the unit")
  func labels() {
    #expect(ChartAxis.text(1e12, .si(unit: "FLOP/s")) == "1 TFLOP/s")
    #expect(ChartAxis.text(0.0125, .si(unit: "s")) == "12.5 ms")
    #expect(ChartAxis.text(131_072, .binary(unit: "")) == "128K")
    #expect(ChartAxis.text(80 * 1_073_741_824, .binary(unit: "B")) == "80 GiB")
    #expect(ChartAxis.text(0.05, .plain(digits: 3)) == "0.05")
  }

  @Test("log axes widen to whole decades; short ones add 2 and 5")
  func logTicks() {
    let axis = ChartAxis(
      label: "t (s)", scale: .log(base: 10), format: .si(unit: "s"))
    let domain = axis.niceDomain(3, 70)
    #expect(domain == 1...100)
    #expect(axis.ticks(in: domain) == [1, 2, 5, 10, 20, 50, 100])
    // Three decades or more: the powers of ten alone.
    #expect(axis.ticks(in: axis.niceDomain(3, 700)) == [1, 10, 100, 1000])
    let contexts = ChartAxis(
      label: "context (tokens)", scale: .log(base: 2), format: .binary(unit: "")
    )
    let span = contexts.niceDomain(1024, 131_072)
    #expect(span == 1024...131_072)
    // 2^10 … 2^17: eight powers of two, each a tick.
    #expect(
      contexts.ticks(in: span).map(contexts.tickLabel) == [
        "1K", "2K", "4K", "8K", "16K", "32K", "64K", "128K",
      ])
  }

  @Test("a linear byte axis steps in whole GiB")
  func binaryTicks() {
    let axis = ChartAxis(
      label: "memory (bytes)", scale: .linear, format: .binary(unit: "B"))
    let gib = 1_073_741_824.0
    let domain = axis.niceDomain(0, 80 * gib)
    // Span 80 GiB / 5 = 16 GiB, rounded up to the nice step 20 GiB.
    #expect(
      axis.ticks(in: domain).map(axis.tickLabel) == [
        "0 B", "20 GiB", "40 GiB", "60 GiB", "80 GiB",
      ])
  }

  @Test("the H100's roofline: eight ceilings, the HBM ridge at 295 FLOP/B")
  func roofline() throws {
    let device = try Self.catalog.device("h100-sxm")
    let ceilings = RooflineChart.ceilings(of: device)
    // hardware/h100-sxm.yaml: fp8/int8 1978.9 T, bf16/fp16 989.4 T, tf32
    // 494.7 T, fp64 66.9 T; L1 30.9 TB/s, L2 9.37 TB/s, HBM3 3.35 TB/s,
    // PCIe 5.0 x16 64 GB/s.
    #expect(
      ceilings.filter { !$0.isBandwidth }.map(\.value) == [
        1978.9e12, 989.4e12, 494.7e12, 66.9e12,
      ])
    #expect(
      ceilings.filter(\.isBandwidth).map(\.value) == [
        30.9e12, 9.37e12, 3.35e12, 64e9,
      ])
    let model = try Self.catalog.model("llama-3-8b")
    let graph = GraphScenario(
      batch: 1, promptTokens: 1024, contextTokens: 1280,
      plan: ParallelPlan(tensorParallel: 1), weightFormat: .weights(.bf16),
      cacheFormat: .cache(.bf16), sramBytes: device.sramBytesPerUnit ?? 65536)
    let p = try ServingPrediction.predict(
      model, on: device, graph, outputTokens: 256, efficiency: .defaults)
    let svg = RooflineChart.chart(
      device: device, dataType: .bf16, phases: [p.prefill, p.decode]
    ).svg()
    let plotted = p.prefill.graph.operators.filter {
      $0.flops > 0 && $0.bytes > 0
    }
    #expect(
      seriesPoints("prefill operators (\(plotted.count))", in: svg)
        == plotted.count)
    // 989.4e12 / 3.35e12 = 295.3 FLOP/B.
    #expect(svg.contains("ridge 295 FLOP/B"))
    #expect(occurrences("class=\"series\"", in: svg) == 8 + 2)
    #expect(svg.contains("arithmetic intensity (FLOP/byte)"))
    #expect(svg.contains("attained (FLOP/s)"))
  }

  @Test("a sweep chart has a series per model and a point per context")
  func sweep() throws {
    let device = try Self.catalog.device("h100-sxm")
    var models: [(name: String, points: [SweepPoint])] = []
    for name in ["llama-3-8b", "mamba-2.8b"] {
      models.append(
        (
          name,
          try ScenarioSweep.run(
            Self.catalog.model(name), on: device,
            contexts: [1024, 4096, 16384],
            batches: [1], deviceCounts: [1], weightType: .bf16,
            cacheFormat: .cache(.bf16),
            efficiency: .defaults)
        ))
    }
    let svg = SweepCharts.chart(.ttft, models: models, device: "h100-sxm").svg()
    #expect(occurrences("class=\"series\"", in: svg) == 2)
    #expect(occurrences("class=\"legend-entry\"", in: svg) == 2)
    #expect(seriesPoints("llama-3-8b", in: svg) == 3)
    #expect(seriesPoints("mamba-2.8b", in: svg) == 3)
    for tick in ["1K", "2K", "4K", "8K", "16K"] {
      #expect(svg.contains(">\(tick)</text>"))
    }
    #expect(svg.contains(">TTFT (s)</text>"))
    #expect(svg.contains("data-scale=\"log2\""))
  }

  @Test(
    "a latency whose deployment does not fit is a hollow marker off the line")
  func sweepOverflow() throws {
    let device = try Self.catalog.device("h100-sxm")
    // Llama-3-70B in bf16 (141 GB of weights) fits no 80 GB device.
    let points = try ScenarioSweep.run(
      Self.catalog.model("llama-3-70b"), on: device, contexts: [1024, 4096],
      batches: [1], deviceCounts: [1], weightType: .bf16,
      cacheFormat: .cache(.bf16),
      efficiency: .defaults)
    #expect(points.allSatisfy { !$0.fits })
    let svg = SweepCharts.chart(
      .tpot, models: [("llama-3-70b", points)], device: "h100-sxm"
    ).svg()
    #expect(seriesPoints("llama-3-70b (does not fit)", in: svg) == 2)
    #expect(
      svg.contains("hollow markers: 2 points whose deployment does not fit"))
  }

  @Test(
    "memory bars: five segments, the capacity, contexts that do not fit marked")
  func memory() throws {
    let device = try Self.catalog.device("h100-sxm")
    let model = try Self.catalog.model("llama-3-8b")
    let contexts = [1024, 131_072]
    let estimates = try contexts.map { context in
      try MemoryModel.estimate(
        model, on: device,
        MemoryScenario(
          contextTokens: context, batch: 64, weightFormat: .weights(.bf16),
          cacheFormat: .cache(.bf16), plan: ParallelPlan(tensorParallel: 1),
          allowBeyondModelContext: true))
    }
    // 131072 B a token (32 layers · 8 KV heads · 128 · 2 · 2 B): 64 requests
    // of 1K hold 8 GiB and fit; of 128K, 1 TiB, and do not.
    #expect(estimates.map(\.fits) == [true, false])
    let svg = MemoryChart.chart(
      contexts: contexts, estimates: estimates, device: "H100"
    )
    .svg()
    #expect(occurrences("class=\"series\"", in: svg) == 5)
    #expect(seriesPoints("KV cache and state", in: svg) == 2)
    #expect(seriesPoints("free", in: svg) == 1)
    #expect(occurrences(">does not fit</text>", in: svg) == 1)
    #expect(svg.contains("class=\"reference\" data-name=\"capacity\""))
  }

  @Test("validation chart: band, y = x, and train/held-out series per kernel")
  func validation() {
    let points = [
      MeasuredPoint(
        kernel: "gemm", flops: 1e9, bytes: 1e6, predictedSeconds: 1e-3,
        measuredSeconds: 1.1e-3, heldOut: false),
      MeasuredPoint(
        kernel: "gemm", flops: 2e9, bytes: 2e6, predictedSeconds: 2e-3,
        measuredSeconds: 1.9e-3, heldOut: true),
      MeasuredPoint(
        kernel: "decode", flops: 1e6, bytes: 1e7, predictedSeconds: 5e-5,
        measuredSeconds: 6e-5, heldOut: false),
    ]
    let svg = ValidationChart.chart(
      points, band: ErrorBand(low: -0.1, high: 0.2)
    ).svg()
    #expect(occurrences("class=\"series\"", in: svg) == 2 + 3)
    #expect(seriesPoints("gemm (held out)", in: svg) == 1)
    #expect(seriesPoints("gemm (train)", in: svg) == 1)
    #expect(occurrences("class=\"band\"", in: svg) == 1)
    #expect(
      svg.contains(">measured (s)</text>")
        && svg.contains(">predicted (s)</text>"))
  }
}
