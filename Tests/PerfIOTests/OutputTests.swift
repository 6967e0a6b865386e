import Foundation
import PerfIO
import TestSupport
import Testing

@Suite("CSV, tables and whole-file writes")
struct OutputTests {
  @Test("libcsv quotes every field and doubles embedded quotes")
  func csvQuoting() {
    #expect(
      CSVWriter.document(
        header: ["a", "b"], rows: [["x \"y\"", "1,2"], ["", "z"]])
        == "\"a\",\"b\"\n\"x \"\"y\"\"\",\"1,2\"\n\"\",\"z\"\n")
  }

  @Test("a failed write leaves no file behind")
  func atomicFailure() throws {
    let missing = try Repository.temporaryFolder() + "/no/such/folder/out.csv"
    #expect(throws: DescriptorError.self) {
      try AtomicFile.write("x", to: missing)
    }
    #expect(!FileManager.default.fileExists(atPath: missing))
  }

  @Test("a write replaces the whole file")
  func atomicReplace() throws {
    let path = try Repository.temporaryFolder() + "/out.txt"
    try AtomicFile.write("first, longer text", to: path)
    try AtomicFile.write("second", to: path)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
  }

  @Test("JSON output writes numeric cells as numbers and escapes text")
  func tableJSON() {
    var t = ReportTable(columns: ["name", "bytes"])
    t.append(["a \"b\"", "131072"])
    #expect(
      t.json() == "[\n  {\"name\": \"a \\\"b\\\"\", \"bytes\": 131072}\n]\n")
  }

  @Test("human units: binary bytes, decimal rates")
  func humanUnits() {
    #expect(HumanUnits.bytes(131_072) == "128.00 KiB")
    #expect(HumanUnits.rate(3.35e12, "B/s") == "3.35 TB/s")
    #expect(HumanUnits.plain(131_072) == "131072")
  }
}
