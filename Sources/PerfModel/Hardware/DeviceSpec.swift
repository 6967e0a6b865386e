/// One accelerator or host processor, as a hardware descriptor describes it.
///
/// Every number comes from the descriptor file in `hardware/`, where each
/// section cites its source; ``sources`` keeps those citations by section.
public struct DeviceSpec: Sendable, Hashable, Codable {
  /// What sort of device this is.
  public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
    case gpu, tpu, accelerator, cpu
  }

  /// The catalogue name, equal to the descriptor's kebab-case file name.
  public var name: String
  /// The product name as the vendor writes it.
  public var displayName: String
  /// The vendor.
  public var vendor: String
  /// What sort of device this is.
  public var kind: Kind
  /// Compute peaks.
  public var compute: ComputeSpec
  /// The memory hierarchy, innermost level first, main memory last.
  public var memoryLevels: [MemoryLevel]
  /// Links to peers, host and network.
  public var interconnect: InterconnectSpec
  /// Host memory reachable over the host link (the offload tier).
  public var hostMemory: HostMemorySpec?
  /// Thermal design power in watts.
  public var tdpWatts: Double?
  /// On-demand price.
  public var price: PriceSpec?
  /// Source citation per descriptor section (`compute`, `memory`, …).
  public var sources: [String: String]
  /// Kernel efficiency factors fitted from measurements, if any.
  public var calibration: KernelCalibration?

  /// Creates a device description.
  public init(
    name: String, displayName: String, vendor: String, kind: Kind,
    compute: ComputeSpec, memoryLevels: [MemoryLevel],
    interconnect: InterconnectSpec, hostMemory: HostMemorySpec?,
    tdpWatts: Double?, price: PriceSpec?, sources: [String: String],
    calibration: KernelCalibration? = nil
  ) {
    self.calibration = calibration
    precondition(
      memoryLevels.last?.kind == .main,
      "the outermost memory level must be main memory")
    self.name = name
    self.displayName = displayName
    self.vendor = vendor
    self.kind = kind
    self.compute = compute
    self.memoryLevels = memoryLevels
    self.interconnect = interconnect
    self.hostMemory = hostMemory
    self.tdpWatts = tdpWatts
    self.price = price
    self.sources = sources
  }

  /// The device's main memory (HBM, GDDR, LPDDR or DRAM): the last level.
  public var mainMemory: MemoryLevel {
    // The initializer guarantees a last level of kind `.main`.
    memoryLevels[memoryLevels.count - 1]
  }

  /// SRAM private to one compute unit, in bytes, or `nil` if not described.
  public var sramBytesPerUnit: Double? {
    memoryLevels.first { $0.kind == .sram && $0.perUnit }?.capacityBytes
  }
}

/// Host memory behind a device's host link: where a KV cache is offloaded.
public struct HostMemorySpec: Sendable, Hashable, Codable {
  /// Capacity available to the device's share of the host, in bytes.
  public var capacityBytes: Double
  /// Host memory bandwidth in bytes per second.
  public var bandwidthBytesPerSecond: Double

  /// Creates a host memory description.
  public init(capacityBytes: Double, bandwidthBytesPerSecond: Double) {
    self.capacityBytes = capacityBytes
    self.bandwidthBytesPerSecond = bandwidthBytesPerSecond
  }
}

/// What a device costs to run for an hour, with where the number came from.
public struct PriceSpec: Sendable, Hashable, Codable {
  /// US dollars per device-hour.
  public var usdPerHour: Double
  /// How the figure was obtained (an on-demand list price, or a purchase
  /// price amortised over a stated life).
  public var basis: String
  /// When the price was read (ISO 8601 date or month).
  public var date: String

  /// Whether the basis is an on-demand rental price (rental and amortised
  /// purchase prices are not comparable).
  public var isOnDemand: Bool { basis.lowercased().contains("on-demand") }

  /// Creates a price.
  public init(usdPerHour: Double, basis: String, date: String) {
    self.usdPerHour = usdPerHour
    self.basis = basis
    self.date = date
  }
}
