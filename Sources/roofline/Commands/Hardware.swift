import ArgumentParser
import PerfIO
import PerfModel

extension RooflineCommand {
  /// `roofline hardware list|show`.
  struct Hardware: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List or show hardware descriptors (devices, nodes, clusters).",
      subcommands: [List.self, Show.self])
  }
}

extension RooflineCommand.Hardware {
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List every device, node and cluster.")
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
      let c = try catalog.load()
      let devices = try c.names(.devices).map { try c.device($0) }
      let nodes = try c.names(.nodes).map { try c.node($0) }
      let clusters = try c.names(.clusters).map { try c.cluster($0) }
      try output.emit(
        table: {
          HardwareReport.listText(devices, nodes: nodes, clusters: clusters)
        },
        csv: { HardwareReport.list(devices).csv() },
        json: { JSONOutput.encode(devices) })
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show one device, node or cluster.")
    @Argument(help: "A catalogue name or a path to a descriptor.") var name:
      String
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
      let target = try catalog.load().hardware(name)
      let device = target.device
      try output.emit(
        table: {
          switch target {
          case .device: return HardwareReport.showText(device)
          case .node(let n):
            return
              "\(n.displayName) (\(n.name)): \(n.deviceCount) × \(device.name), \(n.topology.rawValue)\nsource: \(n.source)\n\n"
              + HardwareReport.showText(device)
          case .cluster(let c):
            return
              "\(c.name): \(c.nodeCount) × \(c.node.name) (\(c.deviceCount) devices), \(c.networkTopology), \(HumanUnits.rate(c.network.bandwidthBytesPerSecondPerDirection, "B/s")) per node per direction\nsource: \(c.source)\n\n"
              + HardwareReport.showText(device)
          }
        },
        csv: { HardwareReport.list([device]).csv() },
        json: {
          switch target {
          case .device(let d): JSONOutput.encode(d)
          case .node(let n): JSONOutput.encode(n)
          case .cluster(let c): JSONOutput.encode(c)
          }
        })
    }
  }
}
