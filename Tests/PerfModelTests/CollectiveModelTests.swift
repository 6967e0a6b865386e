import PerfModel
import TestSupport
import Testing

@Suite("Collectives: α-β terms, fitting α and β, the tensor-parallel layer")
struct CollectiveModelTests {
  /// The H100 of the kernel tests with an H200's NVLink: 450 GB/s a
  /// direction, 1 µs a step.
  static let node: DeviceSpec = {
    var d = KernelCostModelTests.h100
    d.interconnect = InterconnectSpec(
      scaleUp: LinkSpec(
        name: "NVLink", bandwidthBytesPerSecondPerDirection: 450e9,
        latencySeconds: 1e-6),
      hostLink: nil, scaleOut: nil)
    return d
  }()

  @Test("ring terms per collective (Thakur et al.; nccl-tests byte counts)")
  func terms() {
    let gib = 1_073_741_824.0
    // All-reduce among 8: 2·7 steps, 2·7/8 of the buffer on the wire.
    #expect(
      CollectiveModel.terms(.allReduce, bytes: gib, ranks: 8) == (
        14, 1.75 * gib
      ))
    #expect(
      CollectiveModel.terms(.allGather, bytes: gib, ranks: 4) == (3, 0.75 * gib)
    )
    #expect(CollectiveModel.terms(.sendRecv, bytes: gib, ranks: 2) == (1, gib))
    #expect(CollectiveModel.terms(.allReduce, bytes: gib, ranks: 1) == (0, 0))
    // 14 µs + 1.75 GiB / 450 GB/s = 14e-6 + 4.17566e-3 s.
    let t = CollectiveModel.seconds(
      .allReduce, bytes: gib, ranks: 8, alpha: 1e-6, bandwidth: 450e9)
    #expect(
      approximately(t, 14e-6 + 1_879_048_192 / 450e9, relativeTolerance: 1e-12))
  }

  /// Times made by α = 2 µs a step and 80% of the link.
  static func synthetic(_ kind: CollectiveModel.Kind, ranks: Int)
    -> [(CollectiveWorkload, Double)]
  {
    (0..<12).map { i in
      let bytes = Double(1024 << (2 * i))  // 1 KiB … 4 GiB
      let w = CollectiveWorkload(
        kind: kind, bytes: bytes, ranks: ranks, backend: "nccl")
      return (
        w,
        CollectiveModel.seconds(
          kind, bytes: bytes, ranks: ranks, alpha: 2e-6, bandwidth: 0.8 * 450e9)
      )
    }
  }

  @Test(
    "α and the bandwidth fraction are fitted back from two thirds of the sizes")
  func fit() throws {
    let measured =
      Self.synthetic(.allReduce, ranks: 8) + Self.synthetic(.allToAll, ranks: 4)
    let v = try CollectiveValidation(measured, on: Self.node)
    let e = try #require(v.calibration.entries["all-reduce/nccl/8r"])
    #expect(approximately(e.alphaSeconds, 2e-6, relativeTolerance: 1e-6))
    #expect(approximately(e.bandwidthFraction, 0.8, relativeTolerance: 1e-6))
    // Every third size from the second is held out: 4 of 12 per class.
    #expect(v.cases.filter(\.heldOut).count == 8)
    let test = v.summaries(minimumBytes: 1_048_576).first {
      $0.model == KernelValidation.fittedModel && $0.subset == "test"
        && $0.kernel == "overall"
    }
    #expect((test?.residuals.medianAbsoluteError ?? 1) < 1e-9)
    // The descriptor (1 µs, 70% of the link) is off by a known amount: at
    // 4 GiB, 0.7 against 0.8 of the bandwidth makes measured 12.5% faster.
    let last = try #require(
      v.cases.first {
        $0.workload.bytes == 4_294_967_296 && $0.workload.kind == .allReduce
      })
    #expect(
      approximately(
        last.measuredSeconds / last.descriptorSeconds, 0.875,
        relativeTolerance: 1e-3))
  }

  @Test("a TP-8 decode layer: its GEMMs plus two fitted all-reduces")
  func layer() throws {
    let v = try CollectiveValidation(
      Self.synthetic(.allReduce, ranks: 8), on: Self.node)
    let layer = TensorParallelLayer(
      tokens: 16, hidden: 8192, ffn: 28672, heads: 64, kvHeads: 8, headDim: 128,
      ranks: 8)
    // Per rank: QKV 16×1280×8192, O 16×8192×1024, gate/up 16×7168×8192,
    // down 16×8192×3584.
    #expect(
      layer.gemms(backend: nil).map(\.shape) == [
        .gemm(m: 16, n: 1280, k: 8192), .gemm(m: 16, n: 8192, k: 1024),
        .gemm(m: 16, n: 7168, k: 8192), .gemm(m: 16, n: 8192, k: 3584),
      ])
    let p = try layer.seconds(
      on: Self.node, gemmBackend: nil, collectives: v.calibration,
      backend: "nccl")
    // 16·8192·2 = 262144 B; 14·2 µs + 1.75·262144 / (0.8·450e9) each, twice.
    let reduce = 2 * (28e-6 + 1.75 * 262_144 / 360e9)
    #expect(approximately(p.allReduce, reduce, relativeTolerance: 1e-6))
    #expect(approximately(p.total, p.gemm + reduce, relativeTolerance: 1e-12))
    #expect(p.gemm > 0)
  }
}
