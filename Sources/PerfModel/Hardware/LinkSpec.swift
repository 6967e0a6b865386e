/// A communication link: scale-up fabric, host link or scale-out NIC.
public struct LinkSpec: Sendable, Hashable, Codable {
  /// The link's name (`NVLink 4`, `PCIe 5.0 x16`, `400 Gb/s InfiniBand`).
  public var name: String
  /// Bandwidth in one direction, bytes per second, summed over the device's
  /// links of this kind.
  public var bandwidthBytesPerSecondPerDirection: Double
  /// One-way latency of a small message, in seconds, where known.
  public var latencySeconds: Double?

  /// Creates a link description.
  public init(
    name: String, bandwidthBytesPerSecondPerDirection: Double,
    latencySeconds: Double? = nil
  ) {
    self.name = name
    self.bandwidthBytesPerSecondPerDirection =
      bandwidthBytesPerSecondPerDirection
    self.latencySeconds = latencySeconds
  }
}

/// The links a device has to its peers, its host and the network.
public struct InterconnectSpec: Sendable, Hashable, Codable {
  /// Device-to-device fabric inside a node (NVLink, Infinity Fabric, ICI).
  public var scaleUp: LinkSpec?
  /// The link to host memory (PCIe, NVLink-C2C); `nil` for integrated parts.
  public var hostLink: LinkSpec?
  /// The network link leaving the node, per device.
  public var scaleOut: LinkSpec?

  /// Creates an interconnect description.
  public init(scaleUp: LinkSpec?, hostLink: LinkSpec?, scaleOut: LinkSpec?) {
    self.scaleUp = scaleUp
    self.hostLink = hostLink
    self.scaleOut = scaleOut
  }
}
