/// A two-level memory: unbounded slow memory and an SRAM of fixed size,
/// optionally with a read cache (an L2) between them.
///
/// Instrumented kernels may compute only on ``SRAMTile``s; every element
/// they move between a slow-memory array and a tile passes through
/// ``load(_:from:count:into:at:)`` or ``store(_:at:count:to:from:)``, which
/// count bytes at `elementBytes` per element. Allocating tiles beyond the
/// SRAM capacity throws ``SRAMOverflow`` instead of silently spilling.
/// With `cacheBytes`, every loaded element passes through a fully
/// associative LRU cache of that size (stores go around it); loads it
/// serves are counted in ``cacheHitBytes``, the rest reach main memory.
public final class SimulatedMemory {
  /// SRAM capacity in bytes.
  public let sramBytes: Int
  /// Bytes one element occupies in slow memory and SRAM.
  public let elementBytes: Int
  /// Bytes read from slow memory so far.
  public private(set) var readBytes = 0
  /// Bytes written to slow memory so far.
  public private(set) var writeBytes = 0
  /// SRAM bytes held by live tiles.
  public private(set) var sramInUse = 0
  /// The most SRAM bytes held at once.
  public private(set) var peakSRAMBytes = 0
  /// The read cache's capacity in bytes, if there is one.
  public let cacheBytes: Int?
  /// Of ``readBytes``, those the read cache served.
  public private(set) var cacheHitBytes = 0
  private let cache: LRUReadCache?

  /// Creates a memory with `sramBytes` of SRAM and, with `cacheBytes`, a
  /// read cache of that many bytes.
  public init(sramBytes: Int, elementBytes: Int = 4, cacheBytes: Int? = nil) {
    precondition(sramBytes > 0 && elementBytes > 0 && (cacheBytes ?? 0) >= 0)
    self.sramBytes = sramBytes
    self.elementBytes = elementBytes
    self.cacheBytes = cacheBytes
    cache = cacheBytes.map { LRUReadCache(capacity: $0 / elementBytes) }
  }

  /// Bytes read from main memory: what the read cache did not serve.
  public var mainReadBytes: Int { readBytes - cacheHitBytes }

  /// Allocates a tile of `elements`, runs `body`, and frees it.
  ///
  /// - Throws: ``SRAMOverflow`` when the tile would exceed the SRAM.
  public func withTile<T>(_ elements: Int, _ body: (SRAMTile) throws -> T)
    throws -> T
  {
    let bytes = elements * elementBytes
    guard sramInUse + bytes <= sramBytes else {
      throw SRAMOverflow(
        requestedBytes: bytes, inUseBytes: sramInUse, capacityBytes: sramBytes)
    }
    sramInUse += bytes
    peakSRAMBytes = max(peakSRAMBytes, sramInUse)
    defer { sramInUse -= bytes }
    return try body(SRAMTile(elements))
  }

  /// Copies `count` elements of `source` from `offset` into `tile` at
  /// `tileOffset`, counting the bytes read.
  public func load(
    _ source: [Float], from offset: Int, count: Int, into tile: SRAMTile,
    at tileOffset: Int
  ) {
    precondition(
      tileOffset + count <= tile.values.count, "load overruns its tile")
    for i in 0..<count { tile.values[tileOffset + i] = source[offset + i] }
    readBytes += count * elementBytes
    if let cache {
      let base = source.withUnsafeBufferPointer {
        UInt(bitPattern: $0.baseAddress)
      }
      for i in 0..<count
      where cache.load(LRUReadCache.Key(base: base, index: offset + i)) {
        cacheHitBytes += elementBytes
      }
    }
  }

  /// Copies `count` elements of `tile` from `tileOffset` into `destination`
  /// at `offset`, counting the bytes written.
  public func store(
    _ tile: SRAMTile, at tileOffset: Int, count: Int,
    to destination: inout [Float],
    from offset: Int
  ) {
    for i in 0..<count { destination[offset + i] = tile.values[tileOffset + i] }
    writeBytes += count * elementBytes
  }
}

/// Working storage in the simulated SRAM.
public final class SRAMTile {
  /// The tile's elements.
  public var values: [Float]

  init(_ elements: Int) { values = Array(repeating: 0, count: elements) }
}

/// A kernel asked for more SRAM than the simulated memory has.
public struct SRAMOverflow: Error, Sendable, Hashable, CustomStringConvertible {
  /// Bytes the failing allocation asked for.
  public var requestedBytes: Int
  /// Bytes already held.
  public var inUseBytes: Int
  /// The SRAM's capacity.
  public var capacityBytes: Int

  public var description: String {
    "SRAM overflow: \(requestedBytes) bytes requested with \(inUseBytes) of \(capacityBytes) in use; the tiles need at least \(requestedBytes + inUseBytes) bytes"
  }
}
