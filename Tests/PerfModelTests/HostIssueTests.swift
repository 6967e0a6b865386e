import PerfModel
import TestSupport
import Testing

@Suite("Host issue of eager passes: the fit and the spread over kernels")
struct HostIssueTests {
  static let key = HostIssue.key(
    profile: "hf", layerKind: "attention+mlp", phase: .decode)

  @Test("passes on a line t = 1 ms + 0.5 ms · L are fitted back exactly")
  func fitsLine() {
    let samples = [1, 4, 8].map {
      HostIssue.Sample(
        key: Self.key, layers: $0, seconds: 1e-3 + 5e-4 * Double($0))
    }
    let (entries, refused) = HostIssue.fit(samples)
    #expect(refused.isEmpty)
    let e = entries[Self.key]
    #expect(approximately(e?.passSeconds ?? 0, 1e-3, relativeTolerance: 1e-9))
    #expect(approximately(e?.layerSeconds ?? 0, 5e-4, relativeTolerance: 1e-9))
    #expect(e?.trainingCases == 3)
  }

  @Test(
    "a negative intercept is held at zero, the slope refitted through the origin"
  )
  func negativeIntercept() {
    // (1, 1 ms), (2, 3 ms): OLS gives −1 ms + 2 ms · L; through the origin
    // the slope is Σ L·t / Σ L² = (1 + 6) ms / 5 = 1.4 ms.
    let (entries, _) = HostIssue.fit([
      HostIssue.Sample(key: Self.key, layers: 1, seconds: 1e-3),
      HostIssue.Sample(key: Self.key, layers: 2, seconds: 3e-3),
    ])
    #expect(entries[Self.key]?.passSeconds == 0)
    #expect(
      approximately(
        entries[Self.key]?.layerSeconds ?? 0, 1.4e-3, relativeTolerance: 1e-12))
  }

  @Test(
    "one layer count, or seconds that fall with layers, are refused with why")
  func refusals() {
    let one = HostIssue.fit([
      HostIssue.Sample(key: Self.key, layers: 4, seconds: 1e-3),
      HostIssue.Sample(key: Self.key, layers: 4, seconds: 2e-3),
    ])
    #expect(one.entries.isEmpty)
    #expect(one.refused[Self.key]?.contains("one layer count") == true)
    let falling = HostIssue.fit([
      HostIssue.Sample(key: Self.key, layers: 1, seconds: 3e-3),
      HostIssue.Sample(key: Self.key, layers: 8, seconds: 2e-3),
    ])
    #expect(falling.entries.isEmpty)
    #expect(falling.refused[Self.key]?.contains("host-bound") == true)
  }

  static func decodeGraph() -> OperatorGraph {
    var s = ParallelismTests.scenario(
      batch: 1, prompt: 1, context: 1024, plan: ParallelPlan())
    s.engine = .hf
    return OperatorGraphBuilder.decode(Fixtures.llama3With8B, s)
  }

  /// 50 ms a pass and 10 ms a layer: far above any kernel's device time.
  static let slowHost = KernelCalibration(
    entries: [:],
    hostIssue: [
      key: HostIssue(passSeconds: 0.05, layerSeconds: 0.01, trainingCases: 3)
    ], source: "test")

  @Test(
    "a host-bound pass takes scale · (pass + layers · layer), and its last kernel",
    arguments: [1.0, 2.0])
  func hostBoundPass(scale: Double) throws {
    // Every kernel waits for its issue, so the step ends one kernel after
    // the host is done: s · (P + 32·H) + the sampling kernel; a host
    // measured twice as slow (s = 2) doubles the issue time.
    let graph = Self.decodeGraph()
    let phase = try PhasePrediction.predict(
      graph, on: ParallelismTests.device, efficiency: .defaults,
      calibration: Self.slowHost, engine: .hf, hostScale: scale)
    let last = graph.operators.count - 1
    let lastKernel =
      phase.times[last].seconds / Double(max(1, graph.operators[last].launches))
    #expect(
      approximately(
        phase.seconds, scale * (0.05 + 32 * 0.01) + lastKernel,
        relativeTolerance: 1e-9))
    #expect(!phase.uncalibratedClasses.contains("host-issue/\(Self.key)"))
    // The host seconds per kernel sum to the entry's: each layer's H over
    // its kernels, P over the pass's own.
    let issued = zip(graph.operators, phase.hostSecondsPerLaunch).reduce(0.0) {
      $0 + Double($1.0.count * max(1, $1.0.launches)) * $1.1
    }
    #expect(
      approximately(issued, scale * (0.05 + 32 * 0.01), relativeTolerance: 1e-9)
    )
  }

  @Test(
    "without an entry the phase says so and issues at the classes' launch cost"
  )
  func missingEntry() throws {
    let phase = try PhasePrediction.predict(
      Self.decodeGraph(), on: ParallelismTests.device, efficiency: .defaults,
      calibration: KernelCalibration(entries: [:], source: "test"),
      engine: .hf)
    #expect(phase.uncalibratedClasses.contains("host-issue/\(Self.key)"))
    #expect(phase.hostSecondsPerLaunch.allSatisfy { $0 == 4e-6 })
  }
}
