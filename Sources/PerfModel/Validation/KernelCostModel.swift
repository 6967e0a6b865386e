/// Predicts one kernel call from first principles: its FLOPs, its
/// exponentials and its slow-memory bytes (from the I/O model), each over
/// the device's peak, then the kernel class's efficiency.
///
///     matrix  = FLOPs / (peak(type) · t/units)
///     special = exps / (exp rate · t/units)     exp rate = special-function
///                                               units, or vector fp32 peak / 8
///     memory  = bytes(tiling, SRAM) / (bandwidth of the level)
///     stream  = footprint / (bandwidth of the level)
///     time    = max(o_c + matrix/e_m + special/e_s + stream/e_f,
///                   o_m + memory/e_b)
///
/// (the stream term only where a calibration fitted one).
/// `t/units` is the share of the device a host kernel's `t` threads use (1
/// for an accelerator). Bytes come from ``FlashAttentionIO``,
/// ``StandardAttentionIO``, ``DecodeAttentionIO``, ``LinearAttentionIO``
/// and ``SelectiveScanIO`` with the tiling the kernel ran with, or the
/// least-traffic tiling for the SRAM of one compute unit. Slow memory is
/// main memory, unless the workload's inputs stay resident between calls:
/// then it is the smallest cache level that holds them (a per-unit level
/// counts once per thread), and the cache before it still serves the
/// fraction of the bytes ``CacheResidency`` gives (random replacement). Re-reads of K and V by FlashAttention's row
/// blocks come from the first faster cache that holds the K and V of the
/// instances in flight (an H100's L2 for long prompts), so
/// `memory = max(compulsory / B_slow, all bytes / B_cache)`. FLOPs count only visible query-key pairs
/// (`4·d` each) under a causal mask.
///
/// The exponential term follows FlashAttention-3's observation that on an
/// H100 the 3.9 T/s of special functions, not the 989 TFLOP/s of matrix
/// units, can bound softmax.
///
/// [FlashAttention-3]: https://arxiv.org/abs/2407.08608
public enum KernelCostModel {
  /// Vector FLOPs one exponential costs where no special-function units
  /// exist: a range reduction and a degree-5 polynomial (`exp2Lanes`).
  public static let vectorFLOPsPerExponential = 8.0

  /// The estimate of `workload` on `device` with `efficiency`.
  ///
  /// - Throws: ``PlanError`` when the device has no peak for the data type
  ///   or the tiling needs more SRAM than a unit has.
  public static func estimate(
    _ workload: KernelWorkload, on device: DeviceSpec,
    efficiency: KernelEfficiency
  ) throws(PlanError) -> KernelEstimate {
    try estimate(
      KernelWork(workload, on: device), dataType: workload.dataType,
      threads: workload.threads, residentInputs: workload.residentInputs,
      on: device, efficiency: efficiency)
  }

  /// The estimate of counted `work` in `dataType` on `device`: the one
  /// pricer of every kernel, timed or part of a serving graph.
  ///
  /// `unitShare`: of an accelerator's units, the share a launch of too
  /// few thread blocks keeps busy (``Operator/threadBlocks``).
  ///
  /// - Throws: ``PlanError`` when the device has no peak for the data
  ///   type and the work has FLOPs.
  public static func estimate(
    _ work: KernelWork, dataType: DataType, threads: Int? = nil,
    residentInputs: Bool = false, unitShare: Double? = nil,
    on device: DeviceSpec, efficiency: KernelEfficiency
  ) throws(PlanError) -> KernelEstimate {
    let share =
      threads.map {
        min(1, Double($0) / Double(device.compute.unitCount))
      } ?? unitShare ?? 1
    let typePeak = device.compute.peakFLOPsPerSecond(dataType)
    if typePeak == nil, work.flops > 0 {
      throw PlanError(
        .dataType,
        "\(device.name) has no \(dataType.rawValue) peak; choose a type it lists (\(Set(device.compute.matrixFLOPsPerSecond.keys).union(device.compute.vectorFLOPsPerSecond.keys).sorted().map(\.rawValue).joined(separator: ", ")))"
      )
    }
    let peak = typePeak ?? 1
    let expRate =
      device.compute.specialFunctionsPerSecond
      ?? (device.compute.vectorFLOPsPerSecond[.fp32] ?? peak)
      / vectorFLOPsPerExponential
    let level = slowMemory(
      for: work.footprintBytes, resident: residentInputs,
      threads: threads, on: device)
    let levelShare = level.perUnit ? share : 1
    // Seconds per byte from the slow level, or, for resident inputs a
    // little over the cache before it, partly from that cache.
    var perByte = 1 / (level.bandwidthBytesPerSecond * levelShare)
    var levelName = level.name
    if let (cache, hit) = partlyResident(
      work.footprintBytes, resident: residentInputs, below: level,
      threads: threads, on: device)
    {
      let cacheShare = cache.perUnit ? share : 1
      perByte =
        hit / (cache.bandwidthBytesPerSecond * cacheShare) + (1 - hit)
        * perByte
      levelName =
        "\(level.name), \(Int((hit * 100).rounded()))% from \(cache.name)"
    }
    var memorySeconds = work.bytes * perByte
    // Re-reads served by a faster cache that holds their working set.
    if work.reuseBytes > 0,
      let cache = device.memoryLevels.first(where: {
        $0.kind == .cache
          && $0.bandwidthBytesPerSecond > level.bandwidthBytesPerSecond
          && work.reuseWorkingSetBytes
            <= $0.capacityBytes
            * ($0.perUnit ? Double(threads ?? 1) : 1)
      })
    {
      let cacheShare = cache.perUnit ? share : 1
      memorySeconds = max(
        (work.bytes - work.reuseBytes) * perByte,
        work.bytes / (cache.bandwidthBytesPerSecond * cacheShare))
      levelName += ", re-reads \(cache.name)"
    }
    var estimate = KernelEstimate(
      seconds: 0, limiter: .compute, flops: work.flops,
      exponentials: work.exponentials, bytes: work.bytes,
      memoryLevel: levelName,
      idealMatrixSeconds: work.flops / (peak * share),
      idealSpecialSeconds: work.exponentials / (expRate * share),
      idealMemorySeconds: memorySeconds,
      idealStreamSeconds: work.footprintBytes
        / (level.bandwidthBytesPerSecond * levelShare))
    (estimate.seconds, estimate.limiter) = estimate.seconds(with: efficiency)
    return estimate
  }

  /// For resident inputs whose footprint overflows a cache, that cache
  /// and the fraction of the traffic it still serves
  /// (``CacheResidency/hitFraction(footprint:capacity:)``); `nil` when the
  /// inputs are not resident (each call streams them from the level) or
  /// no cache precedes the level.
  static func partlyResident(
    _ footprint: Double, resident: Bool, below level: MemoryLevel,
    threads: Int?, on device: DeviceSpec
  ) -> (MemoryLevel, Double)? {
    guard resident,
      let index = device.memoryLevels.firstIndex(of: level), index > 0
    else { return nil }
    let cache = device.memoryLevels[index - 1]
    guard cache.kind == .cache else { return nil }
    let copies = Double(threads ?? device.compute.unitCount)
    let capacity = cache.capacityBytes * (cache.perUnit ? copies : 1)
    guard capacity < footprint else { return nil }
    return (
      cache,
      CacheResidency.hitFraction(footprint: footprint, capacity: capacity)
    )
  }

  /// The level slow-memory traffic comes from.
  static func slowMemory(
    for footprint: Double, resident: Bool, threads: Int?, on device: DeviceSpec
  ) -> MemoryLevel {
    guard resident else { return device.mainMemory }
    let copies = Double(threads ?? device.compute.unitCount)
    for level in device.memoryLevels where level.kind == .cache {
      let capacity = level.capacityBytes * (level.perUnit ? copies : 1)
      if footprint <= capacity { return level }
    }
    return device.mainMemory
  }
}
