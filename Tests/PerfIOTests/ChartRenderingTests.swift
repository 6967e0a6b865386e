import Foundation
import PerfIO
import PerfModel
import TestSupport
import Testing

/// Every kind of chart, rendered to PNG by a real SVG renderer
/// (`rsvg-convert`, installed by `.ci/deps`).
@Suite("Charts render: every kind to a non-blank PNG of its size")
struct ChartRenderingTests {
  static let catalog = Catalog(root: Repository.root)

  /// One chart of each kind from real model output.
  static func charts() throws -> [(String, String)] {
    let device = try catalog.device("h100-sxm")
    let model = try catalog.model("llama-3-8b")
    let report = ServingReport(
      model: model, hardwareName: "h100-sxm", device: device,
      scenario: MemoryScenario(
        contextTokens: 1280, batch: 8, weightFormat: .weights(.bf16),
        cacheFormat: .cache(.bf16), plan: ParallelPlan(tensorParallel: 1)),
      promptTokens: 1024, outputTokens: 256, contexts: [1024, 8192, 65536],
      comparisons: [try catalog.model("mamba-2.8b")],
      priced: [device, try catalog.device("a100-sxm-80gb")],
      ttftSeconds: 2, tpotSeconds: 0.05)
    let (_, prediction) = try report.summary()
    let measured = [
      MeasuredPoint(
        kernel: "gemm", flops: 2 * 4096 * 4096 * 4096,
        bytes: 3 * 2 * 4096 * 4096,
        predictedSeconds: 2.2e-4, measuredSeconds: 2.4e-4, heldOut: true)
    ]
    var svgs: [(String, String)] = []
    for section in [
      report.roofline(prediction, measured: measured), try report.sweeps(),
      try report.memory(), report.cost(),
    ] {
      for case .chart(let name, let svg) in section.blocks {
        svgs.append((name, svg))
      }
    }
    svgs.append(
      (
        "validation",
        ValidationChart.chart(measured, band: ErrorBand(low: -0.1, high: 0.1))
          .svg()
      ))
    return svgs
  }

  @Test("seven kinds render at 840 × 480 with ink and colour")
  func render() throws {
    let charts = try Self.charts()
    #expect(
      charts.map(\.0) == [
        "roofline", "ttft", "tpot", "concurrency", "memory", "cost",
        "validation",
      ])
    for (name, svg) in charts {
      let image = try SVGRenderer.render(svg)
      #expect(image.width == 840 && image.height == 480, "\(name)")
      // Axes, grid, text and data cover well over 2% of the pixels, in more
      // than four colours; an empty chart (below) does not.
      let inked = Double(image.inkedPixels) / Double(image.width * image.height)
      #expect(inked > 0.02, "\(name): \(inked)")
      #expect(image.distinctColors > 4, "\(name)")
    }
  }

  @Test("the blank check can fail: a chart with no data is nearly blank")
  func blank() throws {
    let empty = XYChart(
      title: "", kind: "empty",
      x: ChartAxis(label: "", scale: .linear, format: .plain(digits: 0)),
      y: ChartAxis(label: "", scale: .linear, format: .plain(digits: 0)),
      series: [])
    let image = try SVGRenderer.render(empty.svg())
    #expect(
      Double(image.inkedPixels) / Double(image.width * image.height) < 0.005)
  }
}
