import Foundation
import TestSupport
import Testing

@Suite("roofline sweep: hardware names and empty grids")
struct SweepGridTests {
  @Test("a node name sweeps its device, as every other command accepts it")
  func node() throws {
    let node = try CommandRunner.run([
      "sweep", "--hardware", "dgx-h100", "--models", "llama-3-8b",
      "--batches", "1", "--contexts", "1024", "--format", "csv",
    ])
    #expect(node.status == 0, "\(node.error)")
    let device = try CommandRunner.run([
      "sweep", "--hardware", "h100-sxm", "--models", "llama-3-8b",
      "--batches", "1", "--contexts", "1024", "--format", "csv",
    ])
    // dgx-h100 is eight h100-sxm: one device of it is priced the same.
    #expect(node.output == device.output)
  }

  @Test("an empty grid is an error naming the flag")
  func empty() throws {
    for (flag, value) in [
      ("--models", ""), ("--models", " , "), ("--batches", ""),
      ("--contexts", ","),
    ] {
      let r = try CommandRunner.run(["sweep", flag, value])
      #expect(r.status == 64, "\(flag) \(value)")
      #expect(r.error.contains(flag), "\(r.error)")
    }
  }
}
