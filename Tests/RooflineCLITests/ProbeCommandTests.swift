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
    // Header, the widest set's FMA row, one FMA row per instruction set
    // (widest first: its figures are the first row's), and read + triad
    // rows for L1D, L2, L3 and DRAM.
    let lines = probe.output.split(separator: "\n").map(String.init)
    let sets = lines.filter {
      $0.hasPrefix("\"fma_") && !$0.hasPrefix("\"fma_flops")
    }
    #expect(!sets.isEmpty)
    #expect(lines.count == 10 + sets.count)
    #expect(
      sets.allSatisfy { row in
        ["avx512", "avx2", "neon", "portable"].contains {
          row.hasPrefix("\"fma_\($0)_flops_per_second\"")
        }
      })
    let widest = lines[1].split(separator: ",").dropFirst(2)
    #expect(widest == sets[0].split(separator: ",").dropFirst(2))
    let show = try CommandRunner.run([
      "hardware", "show", path, "--format", "csv",
    ])
    #expect(show.status == 0, "stderr: \(show.error)")
    let row = show.line(1)
    #expect(row.hasPrefix("\"host-probed\""))
  }
}
