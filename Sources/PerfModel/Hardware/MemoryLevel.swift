/// One level of a device's memory hierarchy.
///
/// Levels are listed innermost first: on-chip SRAM per unit, then shared
/// caches, then the device's main memory (HBM, GDDR, LPDDR or DRAM).
public struct MemoryLevel: Sendable, Hashable, Codable {
  /// What kind of storage the level is.
  public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Software-managed or L1 SRAM private to one compute unit.
    case sram
    /// A hardware-managed cache shared by units (L2, L3, Infinity Cache).
    case cache
    /// The device's main memory, where weights and KV caches live.
    case main
  }

  /// The level's name as the vendor calls it (`shared memory`, `L2`, `HBM3`).
  public var name: String
  /// What kind of storage the level is.
  public var kind: Kind
  /// Capacity in bytes: per unit when ``perUnit`` is true, else in total.
  public var capacityBytes: Double
  /// Whether ``capacityBytes`` is per compute unit (per SM, per core).
  public var perUnit: Bool
  /// Aggregate bandwidth of the level over all units, bytes per second.
  public var bandwidthBytesPerSecond: Double
  /// Load-to-use latency in seconds, where published or measured.
  public var latencySeconds: Double?

  /// Creates a memory level.
  public init(
    name: String, kind: Kind, capacityBytes: Double, perUnit: Bool,
    bandwidthBytesPerSecond: Double, latencySeconds: Double? = nil
  ) {
    self.name = name
    self.kind = kind
    self.capacityBytes = capacityBytes
    self.perUnit = perUnit
    self.bandwidthBytesPerSecond = bandwidthBytesPerSecond
    self.latencySeconds = latencySeconds
  }
}
