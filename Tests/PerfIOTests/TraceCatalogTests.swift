import Foundation
import PerfIO
import PerfModel
import TestSupport
import Testing

/// The shipped traces (workloads/traces, made by reports/scripts/traces.sh)
/// against the statistics they cite.
@Suite("Shipped request traces")
struct TraceCatalogTests {
  static let folder = Repository.root + "/workloads/traces"

  @Test(
    "every trace reads, and its length means are the published ones within 10% (1000 log-normal draws, clamped)",
    arguments: [
      ("chat-poisson-8", WorkloadGenerator.Profile.chat, 0),
      ("chat-bursty-8", WorkloadGenerator.Profile.chat, 0),
      ("chat-system-prompt-8", WorkloadGenerator.Profile.chat, 1024),
      ("summarization-poisson-2", WorkloadGenerator.Profile.summarization, 0),
    ])
  func trace(name: String, profile: WorkloadGenerator.Profile, prefix: Int)
    throws
  {
    let requests = try TraceCSV.load(Self.folder + "/\(name).csv")
    #expect(requests.count == 1000)
    let n = Double(requests.count)
    let prompt =
      Double(requests.reduce(0) { $0 + $1.promptTokens - prefix }) / n
    let output = Double(requests.reduce(0) { $0 + $1.outputTokens }) / n
    #expect(
      approximately(
        prompt, profile.prompt.meanTokens, relativeTolerance: 0.1))
    #expect(
      approximately(
        output, profile.output.meanTokens, relativeTolerance: 0.1))
    if prefix > 0 {
      #expect(requests.allSatisfy { $0.prefixTokens == prefix })
      #expect(Set(requests.compactMap(\.prefixGroup)).count == 8)
    }
  }
}
