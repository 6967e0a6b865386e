import Foundation
import TestSupport
import Testing

/// `roofline io --window`: a sliding window's bytes, counted and modelled.
@Suite("roofline io --window")
struct IOWindowTests {
  @Test(
    "a window's modelled bytes equal the instrumented kernel's (fa2 and fa1), with no bound claimed"
  )
  func exact() throws {
    for algorithm in ["fa2", "fa1"] {
      let r = try CommandRunner.run([
        "io", "--algorithm", algorithm, "--n", "300", "--d", "32", "--causal",
        "--window", "70", "--heads", "4", "--kv-heads", "2", "--count",
        "--format", "csv",
      ])
      #expect(r.status == 0, "\(r.error)")
      let rows = r.output.split(separator: "\n").map {
        $0.split(separator: ",", omittingEmptySubsequences: false).map {
          $0.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
      }
      let header = try #require(rows.first)
      let row = rows[1]
      let cell = { (name: String) throws -> String in
        row[try #require(header.firstIndex(of: name))]
      }
      #expect(try cell("window_tokens") == "70")
      #expect(try cell("exact") == "true")
      #expect(try cell("ratio_to_bound") == "")
    }
  }

  @Test(
    "a window without the causal mask, or for standard attention, is refused with the fix",
    arguments: [
      (["--window", "64"], "add --causal"),
      (
        ["--window", "64", "--causal", "--algorithm", "standard"],
        "add --causal (standard attention's window is not modelled)"
      ),
      (
        ["--window", "0", "--causal"],
        "--window must be 1 to 16777216 keys, got 0"
      ),
    ])
  func refused(flags: [String], message: String) throws {
    let r = try CommandRunner.run(["io", "--n", "256"] + flags)
    #expect(r.status != 0)
    #expect(r.error.contains(message), "\(r.error)")
  }
}
