/// Moving a request's KV cache between device memory and host memory over
/// the host link: Fu's fourth long-context cost, the context switch.
///
///     transfer(n)   = n / (B_host · e_link),   B_host = min(host link, host DRAM / sharers)
///     swap          = transfer(out) + transfer(in)       (one request leaves, one returns)
///     recompute     = the prefill that would rebuild the evicted cache
///
/// where `n` is one device's share of the cache (its layers, its heads) and
/// every device of the deployment moves its share at once over its own
/// link. A swap is worth it while it is cheaper than the recompute; for
/// attention the recompute grows as L² and the swap as L, so long contexts
/// favour swapping. A device with no host link shares memory with its host,
/// and moves nothing.
///
/// [Fu 2024]: https://arxiv.org/abs/2405.08944
public enum OffloadModel {
  /// Seconds to move `bytes` of one device's cache across its host link,
  /// with `sharers` devices drawing on the same host memory at once.
  public static func transferSeconds(
    bytes: Double, on device: DeviceSpec, efficiency: EfficiencyFactors,
    sharers: Int = 1
  ) -> Double {
    guard bytes > 0, let link = device.interconnect.hostLink else { return 0 }
    var bandwidth = link.bandwidthBytesPerSecondPerDirection * efficiency.link
    if let host = device.hostMemory {
      bandwidth = min(
        bandwidth, host.bandwidthBytesPerSecond / Double(max(1, sharers)))
    }
    return bytes / bandwidth
  }

  /// One context switch: a request's cache out to the host and another's
  /// back, against rebuilding it by prefill.
  public struct ContextSwitch: Sendable, Hashable, Codable {
    /// One device's share of one request's cache, bytes.
    public var bytesPerDevice: Double
    /// Seconds to write it to host memory.
    public var swapOutSeconds: Double
    /// Seconds to read it back.
    public var swapInSeconds: Double
    /// Seconds to rebuild it by prefill instead.
    public var recomputeSeconds: Double

    /// Seconds of the swap, out and in.
    public var swapSeconds: Double { swapOutSeconds + swapInSeconds }
    /// Whether rebuilding is cheaper than swapping.
    public var recomputeIsCheaper: Bool { recomputeSeconds < swapInSeconds }
  }

  /// The context switch of a request holding `bytesPerDevice` of cache on
  /// each device, whose prefill takes `recomputeSeconds`.
  public static func contextSwitch(
    bytesPerDevice: Double, recomputeSeconds: Double, on device: DeviceSpec,
    efficiency: EfficiencyFactors, sharers: Int = 1
  ) -> ContextSwitch {
    let one = transferSeconds(
      bytes: bytesPerDevice, on: device, efficiency: efficiency,
      sharers: sharers)
    return ContextSwitch(
      bytesPerDevice: bytesPerDevice, swapOutSeconds: one, swapInSeconds: one,
      recomputeSeconds: recomputeSeconds)
  }
}
