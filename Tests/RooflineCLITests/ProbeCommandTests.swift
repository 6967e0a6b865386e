import Foundation
import TestSupport
import Testing

@Suite("roofline probe writes a descriptor the catalogue loads")
struct ProbeCommandTests {
  @Test(
    "the probed descriptor loads with positive peaks and four memory levels")
  func probeDescriptorLoads() throws {
    let path = try Repository.temporaryFolder() + "/host-probed.yaml"
    let probe = try CommandRunner.run([
      "probe", "--descriptor", path, "--repetitions", "1", "--format", "csv",
    ])
    #expect(probe.status == 0, "stderr: \(probe.error)")
    // Header, FMA row, and read + triad rows for L1D, L2, L3 and DRAM.
    #expect(probe.output.split(separator: "\n").count == 10)
    let show = try CommandRunner.run([
      "hardware", "show", path, "--format", "csv",
    ])
    #expect(show.status == 0, "stderr: \(show.error)")
    let row = show.line(1)
    #expect(row.hasPrefix("\"host-probed\""))
  }
}
