import ArgumentParser
import PerfIO
import PerfModel

extension RooflineCommand {
  /// `roofline workload list|show`.
  struct Workload: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "List or show model architectures (workloads/ or a Hugging Face config.json).",
      subcommands: [List.self, Show.self])
  }
}

extension RooflineCommand.Workload {
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List every model in workloads/.")
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
      let c = try catalog.load()
      let models = try c.names(.workloads).map { try c.model($0) }
      try output.emit(
        table: { WorkloadReport.listText(models) },
        csv: { WorkloadReport.list(models).csv() },
        json: { JSONOutput.encode(models) })
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show one model's layers and caches.")
    @Argument(
      help: "A workload name, or a path to a workload YAML or config.json.")
    var name: String
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
      let model = try catalog.load().model(name)
      try output.emit(
        table: { WorkloadReport.showText(model) },
        csv: { WorkloadReport.list([model]).csv() },
        json: { JSONOutput.encode(model) })
    }
  }
}
