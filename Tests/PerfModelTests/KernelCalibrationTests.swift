import PerfModel
import TestSupport
import Testing

@Suite("Calibration: fits, hold-out and residual statistics")
struct KernelCalibrationTests {
  static func gemm(_ n: Int) -> KernelWorkload {
    KernelWorkload(
      kind: .gemm, shape: .gemm(m: n, n: n, k: n), dataType: .bf16,
      backend: "cublas")
  }

  @Test("times made from known factors are fitted back exactly")
  func recoversFactors() throws {
    // Measurements generated as 5 µs + ideal / 0.6 for compute-bound
    // GEMMs: the relative least squares must return e = 0.6 and 5 µs.
    let device = KernelCostModelTests.h100
    let samples = try [1024, 2048, 3072, 4096, 6144, 8192].map { n in
      let ideal = try KernelCostModel.estimate(
        Self.gemm(n), on: device, efficiency: .ideal)
      return KernelCalibration.Sample(
        calibrationClass: "gemm/cublas", ideal: ideal,
        measuredSeconds: 5e-6 + ideal.idealMatrixSeconds / 0.6)
    }
    let fit = KernelCalibration.fit(samples, source: "test")
    let e = fit.efficiency(for: "gemm/cublas")
    #expect(e.matrix.isApproximatelyEqual(to: 0.6, relativeTolerance: 1e-9))
    #expect(
      e.computeOverheadSeconds.isApproximatelyEqual(
        to: 5e-6, relativeTolerance: 1e-6))
    #expect(e.special == nil)  // GEMMs evaluate no exponentials
    #expect(fit.entries["gemm/cublas"]?.trainingCases == 6)
  }

  @Test("collinear matrix and exponential terms still fit the matrix term")
  func collinearTerms() {
    // Square attention of one head size: FLOPs and exponentials both grow
    // as N², so the two terms are proportional. Times of 4 × the ideal
    // matrix time must come back as e_matrix = 0.25 with the exponentials
    // folded in, not as a zero matrix coefficient that leaves the
    // uncalibrated 0.7 in the prediction (36% too slow before the fix).
    let samples = [256.0, 1024, 2048].map { n in
      KernelCalibration.Sample(
        calibrationClass: "standard-attention/1t",
        ideal: KernelEstimate(
          seconds: 0, limiter: .compute, flops: 0, exponentials: 0, bytes: 0,
          memoryLevel: "L3", idealMatrixSeconds: 2.5e-9 * n * n,
          idealSpecialSeconds: 8e-11 * n * n, idealMemorySeconds: 3e-10 * n * n),
        measuredSeconds: 4 * 2.5e-9 * n * n)
    }
    let fit = KernelCalibration.fit(samples, source: "test")
    for s in samples {
      let (t, _) = s.ideal.seconds(
        with: fit.efficiency(for: "standard-attention/1t"))
      #expect(
        t.isApproximatelyEqual(to: s.measuredSeconds, relativeTolerance: 1e-6))
    }
  }

  @Test("a stream term (work per row, not per pair) is fitted back exactly")
  func streamTerm() {
    // Four flash-like cases, N = 256…2048 at d = 64: matrix time ∝ N²,
    // exponentials ∝ N² / 8 at a different rate per d (d = 128 for the
    // last), operands ∝ N. Times made as 0.1 ms + M/0.8 + S/0.5 + F/0.05
    // must come back as those factors, and every case predicted exactly.
    let cases: [(n: Double, d: Double)] = [
      (256, 64), (512, 64), (1024, 128), (2048, 64), (2048, 128),
    ]
    let samples = cases.map { c in
      let ideal = KernelEstimate(
        seconds: 0, limiter: .compute, flops: 0, exponentials: 0, bytes: 0,
        memoryLevel: "L3", idealMatrixSeconds: 4e-11 * c.d * c.n * c.n,
        idealSpecialSeconds: 1e-10 * c.n * c.n,
        idealMemorySeconds: 1e-12 * c.n * c.n,
        idealStreamSeconds: 2e-10 * c.d * c.n)
      return KernelCalibration.Sample(
        calibrationClass: "flash-attention/1t", ideal: ideal,
        measuredSeconds: 1e-4 + ideal.idealMatrixSeconds / 0.8
          + ideal.idealSpecialSeconds / 0.5 + ideal.idealStreamSeconds / 0.05)
    }
    let fit = KernelCalibration.fit(samples, source: "test")
    let e = fit.efficiency(for: "flash-attention/1t")
    #expect(e.matrix.isApproximatelyEqual(to: 0.8, relativeTolerance: 1e-6))
    #expect(
      (e.special ?? 0).isApproximatelyEqual(to: 0.5, relativeTolerance: 1e-6))
    #expect(
      (e.stream ?? 0).isApproximatelyEqual(to: 0.05, relativeTolerance: 1e-6))
    #expect(
      e.computeOverheadSeconds.isApproximatelyEqual(
        to: 1e-4, relativeTolerance: 1e-6))
    for s in samples {
      let (t, _) = s.ideal.seconds(with: e)
      #expect(
        t.isApproximatelyEqual(to: s.measuredSeconds, relativeTolerance: 1e-9))
    }
  }

  @Test("a case near the ridge calibrates the compute term too")
  func nearRidge() {
    // Host decode on two threads (validation run of 2026-11-24): at 4K keys
    // the ideal compute (82.3 µs) and L3 (85 µs) times nearly tie and the
    // call took 265 µs, a compute limit of 0.3 of the FMA peak that binds
    // at 16K keys once most of the K/V hits in L3. Assigned to the memory
    // group alone, the compute term kept the uncalibrated 0.7. In both
    // groups, the compute fit has one case: t = a·M, a = 265 / 82.3.
    let sample = { (matrix: Double, memory: Double, measured: Double) in
      KernelCalibration.Sample(
        calibrationClass: "decode-attention/2t",
        ideal: KernelEstimate(
          seconds: 0, limiter: .compute, flops: 0, exponentials: 0, bytes: 0,
          memoryLevel: "DRAM", idealMatrixSeconds: matrix,
          idealSpecialSeconds: 0, idealMemorySeconds: memory),
        measuredSeconds: measured)
    }
    let samples = [
      sample(82.3e-6, 85e-6, 265e-6),
      sample(1.3e-3, 6.04e-3, 5.86e-3),
      sample(5.3e-3, 24.4e-3, 22.8e-3),
    ]
    let e = KernelCalibration.fit(samples, source: "test")
      .efficiency(for: "decode-attention/2t")
    #expect(
      e.matrix.isApproximatelyEqual(to: 82.3 / 265, relativeTolerance: 1e-9))
    #expect(e.computeOverheadSeconds == 0)
  }

  @Test("no fitted matrix efficiency above the peak")
  func matrixBound() {
    // Times of 0.8 × the ideal matrix time: a plain fit reads that as
    // e_matrix = 1.25, faster than the peak. Every such fit is refused,
    // so the class keeps a factor of at most 1 (here the uncalibrated 0.7).
    let samples = [256.0, 512, 1024, 2048].map { n in
      KernelCalibration.Sample(
        calibrationClass: "flash-attention/cudnn",
        ideal: KernelEstimate(
          seconds: 0, limiter: .compute, flops: 0, exponentials: 0, bytes: 0,
          memoryLevel: "HBM", idealMatrixSeconds: 1e-9 * n * n,
          idealSpecialSeconds: 0, idealMemorySeconds: 1e-12 * n * n,
          idealStreamSeconds: 1e-9 * n),
        measuredSeconds: 0.8e-9 * n * n)
    }
    let e = KernelCalibration.fit(samples, source: "test")
      .efficiency(for: "flash-attention/cudnn")
    #expect(e.matrix <= 1)
    #expect(e.matrix == KernelEfficiency.uncalibrated.matrix)
  }

  @Test("an overhead never exceeds the cheapest call of its class")
  func overheadBound() {
    // Host decode on one thread (validation run of 2026-11-24): a 0.868 ms
    // compute-bound call (its ideal compute time raised here to 2.5× the
    // memory time, so that it stays out of the memory fit) and two
    // memory-bound ones. A line through the
    // two memory points has an intercept of 14.3 − 6.51·(33.1/19.39) ≈
    // 3.2 ms, a fixed cost longer than the 0.868 ms call itself, which
    // predicted that call at 3.3 ms. The fit must drop the overhead: the
    // relative least squares of t ≈ c·x then gives c = Σr/Σr², r = x/t.
    let sample = { (matrix: Double, memory: Double, measured: Double) in
      KernelCalibration.Sample(
        calibrationClass: "decode-attention/1t",
        ideal: KernelEstimate(
          seconds: 0, limiter: .compute, flops: 0, exponentials: 0, bytes: 0,
          memoryLevel: "DRAM", idealMatrixSeconds: matrix,
          idealSpecialSeconds: 0, idealMemorySeconds: memory),
        measuredSeconds: measured)
    }
    let samples = [
      sample(0.60e-3, 0.243e-3, 0.868e-3),
      sample(1.0e-3, 6.51e-3, 14.3e-3),
      sample(4.0e-3, 25.9e-3, 47.4e-3),
    ]
    let e = KernelCalibration.fit(samples, source: "test").efficiency(
      for: "decode-attention/1t")
    let r: [Double] = [6.51 / 14.3, 25.9 / 47.4]
    let sum: Double = r[0] + r[1]
    let squares: Double = r[0] * r[0] + r[1] * r[1]
    #expect(e.memoryOverheadSeconds == 0)
    #expect(e.memory.isApproximatelyEqual(to: squares / sum))
    #expect(e.memory.isApproximatelyEqual(to: 0.505, absoluteTolerance: 1e-3))
  }

  @Test("a class measured on the memory side only pays its own overhead")
  func oneSidedOverhead() {
    // Streaming copies (no FLOPs): times 1 µs + bytes / (0.8 · B). The
    // compute side has no case; it takes the fitted 1 µs, so a copy of
    // nothing costs 1 µs, not the default 4.
    let samples = [1e3, 1e5, 1e7, 1e9].map { bytes in
      KernelCalibration.Sample(
        calibrationClass: "elementwise/copy",
        ideal: KernelEstimate(
          seconds: 0, limiter: .memoryBandwidth, flops: 0, exponentials: 0,
          bytes: bytes, memoryLevel: "HBM", idealMatrixSeconds: 0,
          idealSpecialSeconds: 0, idealMemorySeconds: bytes / 4.8e12),
        measuredSeconds: 1e-6 + bytes / (0.8 * 4.8e12))
    }
    let e = KernelCalibration.fit(samples, source: "test").efficiency(
      for: "elementwise/copy")
    #expect(e.memory.isApproximatelyEqual(to: 0.8, relativeTolerance: 1e-6))
    #expect(
      e.memoryOverheadSeconds.isApproximatelyEqual(
        to: 1e-6, relativeTolerance: 1e-6))
    #expect(e.computeOverheadSeconds == e.memoryOverheadSeconds)
  }

  @Test("a class never fitted keeps the uncalibrated factors")
  func unfittedClass() {
    let fit = KernelCalibration.fit([], source: "test")
    #expect(fit.efficiency(for: "gemm") == .uncalibrated)
  }

  @Test("summary: median, nearest-rank p90 and mean of |error|")
  func summary() throws {
    // |errors| sorted: 0.05, 0.1, 0.2, 0.3 → median (0.1 + 0.2)/2 = 0.15;
    // p90 rank ⌈0.9·4⌉ = 4 → 0.3; mean 0.65/4 = 0.1625.
    let s = try #require(ResidualSummary(errors: [0.1, -0.2, 0.05, 0.3]))
    #expect(s.medianAbsoluteError.isApproximatelyEqual(to: 0.15))
    #expect(s.p90AbsoluteError == 0.3)
    #expect(s.meanAbsoluteError.isApproximatelyEqual(to: 0.1625))
    #expect(ResidualSummary(errors: []) == nil)
    #expect(
      ResidualSummary.error(predicted: 1.1, measured: 1.0)
        .isApproximatelyEqual(to: 0.1))
  }

  @Test("every third case by size, from the second, is held out per class")
  func holdOut() {
    let classes = ["a", "a", "a", "a", "a", "a", "b", "b"]
    let sizes = [6.0, 5, 4, 3, 2, 1, 1, 2]
    // Class a by size: indices 5, 4, 3, 2, 1, 0 → ranks 1 and 4 are 4, 1;
    // class b: 6, 7 → rank 1 is 7.
    #expect(
      HoldOut.testIndices(classes: classes, sizes: sizes) == [4, 1, 7])
  }

  @Test("a phase's band weights each operator's band by its time")
  func phaseBand() throws {
    let ops = [
      Operator(
        name: "qkv", kind: .projection, flops: 1, dataType: .bf16, bytes: 0),
      Operator(
        name: "attn", kind: .attention, flops: 1, dataType: .bf16, bytes: 0),
      Operator(name: "norm", kind: .norm, flops: 0, dataType: .bf16, bytes: 1),
    ]
    let time = { (s: Double) in
      OperatorTime(
        seconds: s, computeSeconds: s, memorySeconds: 0, linkSeconds: 0,
        limiter: .compute)
    }
    let phase = PhasePrediction(
      graph: OperatorGraph(phase: .prefill, tokens: 1, operators: ops),
      times: [time(3), time(1), time(10)])
    let entry = { (low: Double, high: Double) in
      KernelCalibration.Entry(
        efficiency: .uncalibrated, band: ErrorBand(low: low, high: high),
        trainingCases: 1)
    }
    let calibration = KernelCalibration(
      entries: [
        "gemm/cublas": entry(-0.04, 0.08),
        "flash-attention/flash": entry(-0.2, 0.4),
        // Another implementation's entry is not this kernel's: classes
        // are matched whole, never by prefix.
        "flash-attention/cudnn": entry(-0.9, 0.9),
      ], source: "test")
    // (3·−0.04 + 1·−0.2)/4 = −0.08; (3·0.08 + 1·0.4)/4 = 0.16; the norm
    // (elementwise/copy) has no entry and is left out.
    let band = try #require(calibration.band(of: phase))
    #expect(band.low.isApproximatelyEqual(to: -0.08))
    #expect(band.high.isApproximatelyEqual(to: 0.16))
  }
}
