import Foundation
import PerfIO
import PerfModel

extension RooflineCommand.Simulate {
  /// The report folder: the summary, the charts and the CSVs, written
  /// whole or not at all.
  func write(
    _ report: SimulationReport, _ result: ServingSimulator.Result,
    to folder: String
  ) throws {
    let load = SimulationCharts.load(result.iterations)
    let requests = SimulationReport.requestsTable(result.requests)
    let passes = SimulationReport.iterationsTable(result.iterations)
    let document = ReportDocument(
      title:
        "\(report.model) on \(report.replicas) × \(report.hardware) under load",
      command: (["roofline"] + CommandLine.arguments.dropFirst()).joined(
        separator: " "),
      sections: [
        .init("Summary", [.preformatted(report.text())]),
        .init(
          "Latency",
          [
            .chart(
              name: "latency-cdf",
              svg: SimulationCharts.latencyCDF(result).svg()),
            .table(name: "summary", report.table()),
          ]),
        .init(
          "Load over time",
          load.map { .chart(name: $0.kind, svg: $0.svg()) }),
        .init(
          "Requests and passes",
          [
            .table(name: "requests", requests),
            .table(name: "passes", passes),
          ]),
      ])
    do {
      try document.write(to: folder)
    } catch {
      throw CommandError(error.description)
    }
  }

  func describe(_ p: SchedulerPolicy) -> String {
    switch p.kind {
    case .static:
      return "static batching of up to \(p.maxSequences)"
    case .continuous:
      return
        "continuous batching, up to \(p.maxSequences) sequences and \(p.tokenBudget) tokens a pass, \(p.chunkedPrefill ? "chunked prefill" : "whole prompts"), \(p.blockTokens)-token blocks\(p.prefixCaching ? ", prefix caching" : ""), preemption by \(p.preemption.rawValue)"
    }
  }
}
