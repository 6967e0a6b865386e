import Foundation
import TestSupport
import Testing

@Suite("roofline hardware and workload, run as a binary")
struct CatalogCommandTests {
  @Test("hardware list --format csv has a row per device file")
  func hardwareList() throws {
    let r = try CommandRunner.run(["hardware", "list", "--format", "csv"])
    #expect(r.status == 0)
    let files = try FileManager.default.contentsOfDirectory(
      atPath: Repository.root + "/hardware"
    )
    .filter { $0.hasSuffix(".yaml") }
    #expect(r.output.split(separator: "\n").count == files.count + 1)
  }

  @Test("hardware show prints peaks, levels and sources")
  func hardwareShow() throws {
    let r = try CommandRunner.run(["hardware", "show", "h100-sxm"])
    #expect(r.status == 0)
    #expect(r.output.contains("989 TFLOP/s"))
    #expect(r.output.contains("HBM3"))
    #expect(r.output.contains("sources:"))
  }

  @Test("workload show lists a hybrid's layer groups")
  func workloadShow() throws {
    let r = try CommandRunner.run(["workload", "show", "jamba-v0.1"])
    #expect(r.status == 0)
    #expect(r.output.contains("hybrid"))
    #expect(r.output.contains("MoE top-2/16"))
  }

  @Test("an unknown workload exits non-zero with a suggestion")
  func unknownWorkload() throws {
    let r = try CommandRunner.run(["workload", "show", "mixtral"])
    #expect(r.status != 0)
    #expect(r.error.contains("did you mean 'mixtral-8x7b'"))
  }
}
