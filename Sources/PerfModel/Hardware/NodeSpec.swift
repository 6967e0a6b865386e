/// A node: several identical devices joined by a scale-up fabric.
public struct NodeSpec: Sendable, Hashable, Codable {
  /// How the node's devices are wired to each other.
  public enum Topology: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every device reaches every other at full link bandwidth through
    /// switches (NVSwitch).
    case switched
    /// Each pair of devices has its own direct link (AMD Infinity Fabric on
    /// MI300X platforms, Gaudi's on-die RoCE ports).
    case fullMesh = "full-mesh"
    /// Devices in a ring (PCIe or NVLink bridges).
    case ring
    /// A two-dimensional torus (TPU ICI).
    case torus2D = "torus-2d"
    /// No device-to-device fabric: traffic goes through the host.
    case none
  }

  /// The catalogue name.
  public var name: String
  /// The product name.
  public var displayName: String
  /// The device the node is built of.
  public var device: DeviceSpec
  /// Number of devices in the node.
  public var deviceCount: Int
  /// How the devices are wired.
  public var topology: Topology
  /// Host memory of the whole node, in bytes.
  public var hostMemoryBytes: Double?
  /// On-demand price of the whole node per hour, where quoted as a node.
  public var price: PriceSpec?
  /// Where the node's figures come from.
  public var source: String

  /// Creates a node description.
  public init(
    name: String, displayName: String, device: DeviceSpec, deviceCount: Int,
    topology: Topology, hostMemoryBytes: Double?, price: PriceSpec?,
    source: String
  ) {
    precondition(deviceCount > 0, "a node has at least one device")
    self.name = name
    self.displayName = displayName
    self.device = device
    self.deviceCount = deviceCount
    self.topology = topology
    self.hostMemoryBytes = hostMemoryBytes
    self.price = price
    self.source = source
  }
}

/// A cluster: identical nodes joined by a scale-out network.
public struct ClusterSpec: Sendable, Hashable, Codable {
  /// The catalogue name.
  public var name: String
  /// The node the cluster is built of.
  public var node: NodeSpec
  /// Number of nodes.
  public var nodeCount: Int
  /// The network between nodes, per node.
  public var network: LinkSpec
  /// The network's shape (`fat-tree`, `rail-optimized`, …), as text.
  public var networkTopology: String
  /// Where the cluster's figures come from.
  public var source: String

  /// Creates a cluster description.
  public init(
    name: String, node: NodeSpec, nodeCount: Int, network: LinkSpec,
    networkTopology: String, source: String
  ) {
    precondition(nodeCount > 0, "a cluster has at least one node")
    self.name = name
    self.node = node
    self.nodeCount = nodeCount
    self.network = network
    self.networkTopology = networkTopology
    self.source = source
  }

  /// Devices in the whole cluster.
  public var deviceCount: Int { node.deviceCount * nodeCount }
}
