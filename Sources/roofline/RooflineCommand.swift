import ArgumentParser

/// The `roofline` command: what a transformer, SSM or hybrid workload costs
/// on given hardware, and why.
@main
struct RooflineCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "roofline",
    abstract:
      "Predict what a transformer, SSM or hybrid workload costs on given hardware.",
    discussion: """
      Descriptors live in hardware/ and workloads/ of the repository (or the folder
      given by --catalog or $ROOFLINE_CATALOG). Library values are SI units; tables
      print human units, CSV and JSON print SI units with the unit in each key.
      """,
    subcommands: [
      Memory.self, Predict.self, Plan.self, Sweep.self, Hardware.self,
      Workload.self, Report.self, Collectives.self,
      Simulate.self, IO.self, Bench.self, Probe.self, Validate.self,
    ],
    defaultSubcommand: nil
  )
}
