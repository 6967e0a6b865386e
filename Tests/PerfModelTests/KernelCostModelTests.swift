import Foundation
import PerfModel
import TestSupport
import Testing

@Suite("Kernel cost model: work, limiter and memory level")
struct KernelCostModelTests {
  /// An H100-SXM-like device (datasheet: 989.4 TFLOP/s dense bf16, 66.9
  /// TFLOP/s fp32, 3.35 TB/s HBM3; 132 SMs with 256 KiB of SRAM; 50 MiB
  /// of L2 at 9.37 TB/s; FlashAttention-3's 3.9 T exp/s).
  static let h100 = DeviceSpec(
    name: "h100", displayName: "h100", vendor: "test", kind: .gpu,
    compute: ComputeSpec(
      clockHertz: 1.83e9, unitCount: 132, unitName: "SM",
      matrixFLOPsPerSecond: [.bf16: 989.4e12],
      vectorFLOPsPerSecond: [.fp32: 66.9e12], specialFunctionsPerSecond: 3.9e12
    ),
    memoryLevels: [
      MemoryLevel(
        name: "smem", kind: .sram, capacityBytes: 262_144, perUnit: true,
        bandwidthBytesPerSecond: 30.9e12),
      MemoryLevel(
        name: "L2", kind: .cache, capacityBytes: 52_428_800, perUnit: false,
        bandwidthBytesPerSecond: 9.37e12),
      MemoryLevel(
        name: "HBM3", kind: .main, capacityBytes: 85_899_345_920,
        perUnit: false, bandwidthBytesPerSecond: 3.35e12),
    ],
    interconnect: InterconnectSpec(scaleUp: nil, hostLink: nil, scaleOut: nil),
    hostMemory: nil, tdpWatts: nil, price: nil, sources: [:])

  @Test("an 8192³ bf16 GEMM is compute-bound: 2·8192³ / 989.4 TFLOP/s")
  func gemm() throws {
    let w = KernelWorkload(
      kind: .gemm, shape: .gemm(m: 8192, n: 8192, k: 8192), dataType: .bf16)
    let e = try KernelCostModel.estimate(w, on: Self.h100, efficiency: .ideal)
    // 2·8192³ = 1.0995e12 FLOPs; 3·8192²·2 bytes = 402,653,184.
    #expect(e.flops == 2 * 8192 * 8192 * 8192)
    #expect(e.bytes == 402_653_184)
    #expect(e.limiter == Limiter.compute)
    #expect(
      e.seconds.isApproximatelyEqual(
        to: 1_099_511_627_776 / 989.4e12, relativeTolerance: 1e-12))
    // Uncalibrated: 70% of the peak plus a 4 µs launch → 1.5916 ms.
    let u = try KernelCostModel.estimate(
      w, on: Self.h100, efficiency: .uncalibrated)
    #expect(
      u.seconds.isApproximatelyEqual(
        to: 1_099_511_627_776 / (0.7 * 989.4e12) + 4e-6,
        relativeTolerance: 1e-12))
  }

  @Test("decode over a 64K cache reads K and V once: split-KV bytes over HBM")
  func decode() throws {
    let shape = AttentionShape(
      heads: 32, kvHeads: 8, queryLength: 1, keyLength: 65536, headDim: 128,
      elementBytes: 2)
    let w = KernelWorkload(
      kind: .decodeAttention, shape: .attention(shape), dataType: .bf16)
    let e = try KernelCostModel.estimate(w, on: Self.h100, efficiency: .ideal)
    // splits = 132 SMs / 8 instances = 16; per instance, g = 4, d = 128:
    // reads 16·4·128 + 2·65536·128 + 16·4·129 = 16,793,664 elements,
    // writes 16·4·129 + 4·128 = 8,768; × 8 instances × 2 bytes.
    #expect(e.bytes == 8 * 2 * (16_793_664 + 8768))
    #expect(e.limiter == Limiter.memoryBandwidth)
    #expect(e.memoryLevel == "HBM3")
    #expect(
      e.idealMemorySeconds.isApproximatelyEqual(
        to: 268_838_912 / 3.35e12, relativeTolerance: 1e-12))
    // 4·d FLOPs and one exponential per (head, key).
    #expect(e.flops == 4 * 128 * 65536 * 32)
    #expect(e.exponentials == 65536 * 32)
  }

  @Test("a causal mask leaves 1+2+3+4 = 10 of 16 pairs; 2×2 tiles run 12")
  func causalPairs() throws {
    let shape = AttentionShape(queryLength: 4, headDim: 16, causal: true)
    let untiled = KernelWorkload(
      kind: .flashAttention, shape: .attention(shape), dataType: .bf16)
    let e = try KernelCostModel.estimate(
      untiled, on: Self.h100, efficiency: .ideal)
    #expect(e.flops == 4 * 16 * 10)
    #expect(e.exponentials == 10)
    #expect(
      e.idealSpecialSeconds.isApproximatelyEqual(
        to: 10 / 3.9e12, relativeTolerance: 1e-12))
    // Rows 0–1 touch key block 0 (2·2 pairs), rows 2–3 blocks 0–1 (2·4):
    // a tiled kernel computes 12 pairs, masked ones included.
    var tiled = untiled
    tiled.tiling = AttentionTiling(rowBlock: 2, columnBlock: 2)
    let t = try KernelCostModel.estimate(
      tiled, on: Self.h100, efficiency: .ideal)
    #expect(t.flops == 4 * 16 * 12)
  }

  @Test("FlashAttention's K/V re-reads come from L2 when it holds them")
  func reReadsFromL2() throws {
    // 32 heads, N = 32768, d = 128, bf16: one head's K and V are
    // 2·32768·128·2 = 16 MiB, and 256 row blocks of 128 keep every SM on
    // one head, so the re-reads fit the 50 MiB L2.
    let shape = AttentionShape(
      heads: 32, queryLength: 32768, headDim: 128, elementBytes: 2)
    let tiling = AttentionTiling(rowBlock: 128, columnBlock: 128)
    let w = KernelWorkload(
      kind: .flashAttention, shape: .attention(shape), dataType: .bf16,
      tiling: tiling)
    let e = try KernelCostModel.estimate(w, on: Self.h100, efficiency: .ideal)
    let all = FlashAttentionIO.traffic(
      shape, tiling: tiling, order: .queryOuter
    ).totalBytes
    let compulsory = 2.0 * 4 * 32 * 32768 * 128
    #expect(e.bytes == all)
    #expect(e.memoryLevel == "HBM3, re-reads L2")
    #expect(
      e.idealMemorySeconds.isApproximatelyEqual(
        to: max(compulsory / 3.35e12, all / 9.37e12), relativeTolerance: 1e-12
      ))
  }

  @Test("resident inputs come from the smallest cache that holds them")
  func residentLevel() throws {
    let w = KernelWorkload(
      kind: .gemm, shape: .gemm(m: 512, n: 512, k: 512), dataType: .bf16,
      residentInputs: true)
    // 3·512²·2 = 1.5 MiB fits the 50 MiB L2.
    let e = try KernelCostModel.estimate(w, on: Self.h100, efficiency: .ideal)
    #expect(e.memoryLevel == "L2")
    #expect(
      e.idealMemorySeconds.isApproximatelyEqual(
        to: 1_572_864 / 9.37e12, relativeTolerance: 1e-12))
  }

  @Test("resident inputs twice the L2: a fifth of the bytes still hit it")
  func partlyResident() throws {
    // m = n = 4096, k = 4352, bf16: 2·(mk + nk + mn) = 104 857 600 B, twice
    // the 50 MiB L2. Random replacement keeps h = −W(−2e⁻²)/2 = 0.2031879
    // of the re-reads in L2; the rest come from HBM3.
    let w = KernelWorkload(
      kind: .gemm, shape: .gemm(m: 4096, n: 4096, k: 4352), dataType: .bf16,
      residentInputs: true)
    let e = try KernelCostModel.estimate(w, on: Self.h100, efficiency: .ideal)
    let h = 0.203_187_869_979_979_5
    #expect(e.memoryLevel == "HBM3, 20% from L2")
    #expect(
      e.idealMemorySeconds.isApproximatelyEqual(
        to: 104_857_600 * (h / 9.37e12 + (1 - h) / 3.35e12),
        relativeTolerance: 1e-9))
  }

  @Test("the hit fraction of an overflowing working set")
  func hitFraction() {
    // r = 2: the Lambert-W root above; fits: 1; r = 10: the fixed point
    // h = exp(−10(1 − h)) holds (h ≈ 4.54e-5).
    #expect(
      CacheResidency.hitFraction(footprint: 2, capacity: 1)
        .isApproximatelyEqual(
          to: 0.203_187_869_979_979_5, relativeTolerance: 1e-12))
    #expect(CacheResidency.hitFraction(footprint: 1, capacity: 1) == 1)
    let h = CacheResidency.hitFraction(footprint: 10, capacity: 1)
    #expect(
      h.isApproximatelyEqual(to: exp(-10 * (1 - h)), relativeTolerance: 1e-9))
    #expect(h > 4.5e-5 && h < 4.6e-5)
  }

  @Test("a data type the device lacks is an error naming it")
  func missingType() {
    let w = KernelWorkload(
      kind: .gemm, shape: .gemm(m: 8, n: 8, k: 8), dataType: .fp8)
    #expect(throws: PlanError.self) {
      try KernelCostModel.estimate(w, on: Self.h100, efficiency: .ideal)
    }
  }

  @Test("a grouped GEMM reads each touched expert's weights once")
  func groupedGemm() throws {
    // m = 8 routed rows over 3 experts of 28672 × 4096: FLOPs 2·m·n·k;
    // bytes 2·(m·k + 3·n·k + m·n).
    let w = KernelWorkload(
      kind: .gemm, shape: .groupedGemm(m: 8, n: 28672, k: 4096, groups: 3),
      dataType: .bf16, backend: "grouped")
    let e = try KernelCostModel.estimate(w, on: Self.h100, efficiency: .ideal)
    let (m, n, k): (Double, Double, Double) = (8, 28672, 4096)
    let bytes: Double = 2 * (m * k + 3 * n * k + m * n)
    #expect(e.flops == 2 * m * n * k)
    #expect(e.bytes == bytes)
    #expect(w.shapeKey.contains("groups=3"))
  }
}
