import Foundation
import PerfModel

/// What `--hardware` may name: a device, a node of devices, or a cluster.
public enum HardwareTarget: Sendable, Hashable {
  case device(DeviceSpec)
  case node(NodeSpec)
  case cluster(ClusterSpec)

  /// The device every part of the target is built of; in a cluster whose
  /// device descriptor lists no scale-out link, the cluster's network
  /// shared by the node's devices stands in for one.
  public var device: DeviceSpec {
    switch self {
    case .device(let d): return d
    case .node(let n): return n.device
    case .cluster(let c):
      var d = c.node.device
      if d.interconnect.scaleOut == nil {
        d.interconnect.scaleOut = LinkSpec(
          name: "\(c.network.name) (1/\(c.node.deviceCount) of a node's)",
          bandwidthBytesPerSecondPerDirection: c.network
            .bandwidthBytesPerSecondPerDirection / Double(c.node.deviceCount),
          latencySeconds: c.network.latencySeconds)
      }
      return d
    }
  }

  /// Devices one scale-up fabric joins: a node's, a cluster node's, or, for
  /// a bare device, every device the plan asks for (one fabric assumed).
  public var devicesPerNode: Int {
    switch self {
    case .device: .max
    case .node(let n): n.deviceCount
    case .cluster(let c): c.node.deviceCount
    }
  }

  /// Devices in the target.
  public var deviceCount: Int {
    switch self {
    case .device: 1
    case .node(let n): n.deviceCount
    case .cluster(let c): c.deviceCount
    }
  }

  /// The target's catalogue name.
  public var name: String {
    switch self {
    case .device(let d): d.name
    case .node(let n): n.name
    case .cluster(let c): c.name
    }
  }
}

extension Catalog {
  /// Loads the device `nameOrPath`.
  public func device(_ nameOrPath: String) throws(DescriptorError) -> DeviceSpec
  {
    let path = try file(nameOrPath, in: .devices, what: "hardware")
    return try DeviceDecoder.decode(reader(path, expectName: true))
  }

  /// Loads the node `nameOrPath`, with the device it names.
  public func node(_ nameOrPath: String) throws(DescriptorError) -> NodeSpec {
    let path = try file(nameOrPath, in: .nodes, what: "node")
    return try NodeDecoder.decodeNode(
      reader(path, expectName: true), catalog: self)
  }

  /// Loads the cluster `nameOrPath`, with its node and device.
  public func cluster(_ nameOrPath: String) throws(DescriptorError)
    -> ClusterSpec
  {
    let path = try file(nameOrPath, in: .clusters, what: "cluster")
    return try NodeDecoder.decodeCluster(
      reader(path, expectName: true), catalog: self)
  }

  /// Resolves `--hardware`: a device, node or cluster name, or a path to a
  /// descriptor of any of them.
  public func hardware(_ nameOrPath: String) throws(DescriptorError)
    -> HardwareTarget
  {
    if Catalog.isPath(nameOrPath) {
      let r = try reader(
        try file(nameOrPath, in: .devices, what: "hardware"), expectName: false)
      if r.has("node_count") {
        return .cluster(try NodeDecoder.decodeCluster(r, catalog: self))
      }
      if r.has("device_count") {
        return .node(try NodeDecoder.decodeNode(r, catalog: self))
      }
      return .device(try DeviceDecoder.decode(r))
    }
    if names(.nodes).contains(nameOrPath) { return .node(try node(nameOrPath)) }
    if names(.clusters).contains(nameOrPath) {
      return .cluster(try cluster(nameOrPath))
    }
    if names(.devices).contains(nameOrPath) {
      return .device(try device(nameOrPath))
    }
    let all = names(.devices) + names(.nodes) + names(.clusters)
    let hint = NameSuggestion.closest(to: nameOrPath, in: all).map {
      "did you mean '\($0)'? "
    }
    throw DescriptorError(
      .unknownName, path: "",
      message:
        "unknown hardware '\(nameOrPath)'; \(hint ?? "")see `roofline hardware list` for devices, nodes and clusters"
    )
  }

  /// Loads the model `nameOrPath`: a workload name, a workload YAML, a
  /// Hugging Face `config.json` (named after its folder), or a checkpoint's
  /// folder holding one.
  public func model(_ nameOrPath: String) throws(DescriptorError)
    -> ModelArchitecture
  {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(
      atPath: nameOrPath, isDirectory: &isFolder),
      isFolder.boolValue
    {
      let config = URL(fileURLWithPath: nameOrPath)
        .appendingPathComponent("config.json").path
      guard FileManager.default.fileExists(atPath: config) else {
        throw DescriptorError(
          .unreadable, path: nameOrPath,
          message:
            "a folder with no config.json; name the config.json of a Hugging Face checkpoint, or a workload"
        )
      }
      return try model(config)
    }
    let path = try file(nameOrPath, in: .workloads, what: "model")
    let r = try reader(path, expectName: true)
    let url = URL(fileURLWithPath: path)
    var name = url.deletingPathExtension().lastPathComponent
    if url.lastPathComponent == "config.json" {
      name = url.deletingLastPathComponent().lastPathComponent
    }
    if let declared = try r.optionalString("name") { name = declared }
    return try ModelConfigDecoder.decode(r, name: name)
  }
}
