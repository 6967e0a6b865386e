import ArgumentParser
import PerfIO
import PerfModel

extension RooflineCommand {
  /// `roofline memory`: weights, KV cache, and what fits.
  struct Memory: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Weights, KV cache and state, and what fits: max concurrency and max context.",
      discussion: """
        Per device: capacity − reserve − weights − activation workspace is left for the
        KV cache and recurrent state. --devices defaults to the hardware's device count
        (8 for a node such as dgx-h100; tp × pp for a single device); --tp defaults to
        devices / pp; the remaining factor is data-parallel replicas.
        """)

    @OptionGroup var serving: ScenarioOptions
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
      let r = try serving.resolve(catalog.load())
      let estimate: MemoryEstimate
      do {
        estimate = try MemoryModel.estimate(
          r.model, on: r.target.device, r.scenario)
      } catch {
        throw CommandError(
          planError: error, defaultedTP: r.defaultedTP,
          contextSource: r.contextSource)
      }
      var report = MemoryReport(
        model: r.model.name, hardware: r.target.name,
        device: r.target.device.name,
        scenario: r.scenario, estimate: estimate)
      report.vision = r.model.vision
      try output.emit(
        table: { report.text() }, csv: { report.table().csv() },
        json: { JSONOutput.encode(report) })
    }
  }
}
