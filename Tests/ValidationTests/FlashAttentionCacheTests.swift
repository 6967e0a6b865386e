import KernelExecutor
import PerfModel
import TestSupport
import Testing

/// The I/O model's split of FlashAttention-2's reads between a read cache
/// (an L2) and main memory equals what the instrumented kernel's loads do
/// in a simulated LRU cache, byte for byte, with cache sizes on both
/// sides of each row block's working set.
@Suite("FlashAttention-2 with an L2: modelled hits equal simulated hits")
struct FlashAttentionCacheTests {
  typealias Case = FlashAttentionExactnessTests.Case

  static let cases: [Case] = {
    var all: [Case] = []
    for (n, d, r, c) in [
      (1, 16, 1, 1), (7, 16, 4, 8), (33, 16, 16, 5), (64, 32, 16, 16),
      (100, 16, 32, 16), (130, 8, 64, 32),
    ] {
      for (h, kv) in [(1, 1), (4, 2)] {
        for causal in [false, true] {
          all.append(
            Case(
              n: n, d: d, rowBlock: r, columnBlock: c, heads: h, kvHeads: kv,
              causal: causal))
        }
      }
    }
    return all
  }()

  @Test(
    "hits and main-memory reads, cache sizes around each working set",
    arguments: cases)
  func exact(_ c: Case) throws {
    let problem = AttentionProblem(
      batch: 2, heads: c.heads, kvHeads: c.kvHeads, queryLength: c.n,
      headDim: c.d, causal: c.causal)
    let shape = AttentionShape(
      batch: 2, heads: c.heads, kvHeads: c.kvHeads, queryLength: c.n,
      headDim: c.d, causal: c.causal, elementBytes: 4)
    var random = DeterministicRandom(seed: 11)
    let q = random.values(problem.queryElements)
    let k = random.values(problem.keyElements)
    let v = random.values(problem.keyElements)
    let tiling = AttentionTiling(
      rowBlock: c.rowBlock, columnBlock: c.columnBlock)
    let sram = Int(
      FlashAttentionIO.sramBytes(headDim: c.d, tiling: tiling, elementBytes: 4))
    // The non-causal working set of a row block: K and V of every key and
    // its Q rows; the sizes straddle it, below it, and hold everything.
    let full = 4 * (2 * c.n + c.rowBlock) * c.d
    let sizes = Set([
      0, 4, full / 4, full / 2, full - 4, full, full + 4, 2 * full, 64 * full,
    ])
    var sawHits = false
    var sawMisses = false
    for cacheBytes in sizes.sorted() {
      let memory = SimulatedMemory(sramBytes: sram, cacheBytes: cacheBytes)
      _ = try InstrumentedFlashAttention.run(
        problem, q: q, k: k, v: v, rowBlock: c.rowBlock,
        columnBlock: c.columnBlock, order: .queryOuter, memory: memory)
      let hits = FlashAttentionIO.cacheHitBytes(
        shape, tiling: tiling, cacheBytes: Double(cacheBytes))
      let total = FlashAttentionIO.traffic(
        shape, tiling: tiling, order: .queryOuter)
      #expect(
        Double(memory.cacheHitBytes) == hits, "\(cacheBytes) B: cache hits")
      #expect(
        Double(memory.mainReadBytes) == total.readBytes - hits,
        "\(cacheBytes) B: main-memory reads")
      sawHits = sawHits || hits > 0
      sawMisses =
        sawMisses
        || hits < total.readBytes - 4
          * Double(
            problem.queryElements)
    }
    // Every case with more than one row block both hits and misses
    // somewhere in the sweep.
    if shape.packedRows > c.rowBlock {
      #expect(sawHits && sawMisses)
    }
  }

  @Test("an element loaded again hits only while the cache holds it")
  func lruByHand() {
    // 3 elements of 4 bytes through a 2-element cache, loaded a, b, a, c,
    // a, b: the second a hits (only b since), the third a hits (only c
    // since), the second b misses (a and c since: the cache held two).
    // 2 hits of 6 loads.
    let memory = SimulatedMemory(sramBytes: 64, cacheBytes: 8)
    let data: [Float] = [1, 2, 3]
    try? memory.withTile(1) { t in
      for i in [0, 1, 0, 2, 0, 1] {
        memory.load(data, from: i, count: 1, into: t, at: 0)
      }
    }
    #expect(memory.readBytes == 24)
    #expect(memory.cacheHitBytes == 8)
    #expect(memory.mainReadBytes == 16)
  }
}
