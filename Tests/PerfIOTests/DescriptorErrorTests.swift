import Foundation
import PerfIO
import PerfModel
import TestSupport
import Testing

@Suite("Bad descriptors give errors naming file, line and field")
struct DescriptorErrorTests {
  /// A minimal valid device; line numbers below refer to this text.
  static let valid = """
    name: tiny
    display_name: Tiny
    vendor: Test
    kind: gpu
    compute:
      source: test
      clock_hz: 1e9
      units: 4
      unit_name: SM
      matrix_flops_per_second:
        bf16: 1e12
    memory:
      source: test
      levels:
        - name: HBM
          kind: main
          capacity_bytes: 80e9
          bandwidth_bytes_per_second: 1e12
    interconnect:
      source: test
    """

  /// Writes `text` to a temporary file and loads it as a device.
  static func load(_ text: String) throws -> DeviceSpec {
    let path = try Repository.temporaryFolder() + "/tiny.yaml"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return try Catalog(root: Repository.root).device(path)
  }

  static func error(_ text: String) -> DescriptorError? {
    do {
      _ = try load(text)
      return nil
    } catch let error as DescriptorError {
      return error
    } catch {
      return nil
    }
  }

  @Test("the valid template loads, reading 80e9 as a number")
  func validLoads() throws {
    #expect(try Self.load(Self.valid).mainMemory.capacityBytes == 80e9)
  }

  @Test("malformed YAML reports its line")
  func syntax() {
    let e = Self.error(
      Self.valid.replacingOccurrences(of: "  units: 4", with: "  units: [4"))
    #expect(e?.code == .syntax)
    #expect(e?.line != nil)
    #expect(e?.path.hasSuffix("tiny.yaml") == true)
  }

  @Test("a wrong type names line, field and the unit expected")
  func wrongType() {
    let e = Self.error(
      Self.valid.replacingOccurrences(
        of: "bandwidth_bytes_per_second: 1e12",
        with: "bandwidth_bytes_per_second: fast"))
    #expect(e?.code == .type)
    #expect(e?.line == 18)
    #expect(e?.field == "memory.levels[0].bandwidth_bytes_per_second")
    #expect(e?.message.contains("bytes/s") == true)
    #expect(e?.message.contains("fast") == true)
  }

  @Test(
    "zero, negative, NaN and infinite capacities are range errors",
    arguments: ["0", "-80e9", ".nan", ".inf"])
  func badCapacity(value: String) {
    let e = Self.error(
      Self.valid.replacingOccurrences(
        of: "capacity_bytes: 80e9", with: "capacity_bytes: \(value)"))
    #expect(e?.code == .range)
    #expect(e?.line == 17)
    #expect(e?.field == "memory.levels[0].capacity_bytes")
  }

  @Test("a missing required field says what to add")
  func missing() {
    let e = Self.error(
      Self.valid.replacingOccurrences(of: "  clock_hz: 1e9\n", with: ""))
    #expect(e?.code == .missing)
    #expect(e?.field == "compute.clock_hz")
    #expect(e?.message.contains("add `clock_hz:`") == true)
  }

  @Test("a misspelt field is refused with the closest name")
  func misspelt() {
    let e = Self.error(
      Self.valid.replacingOccurrences(
        of: "bandwidth_bytes_per_second: 1e12",
        with: "bandwith_bytes_per_second: 1e12"))
    #expect(e?.field == "memory.levels[0].bandwith_bytes_per_second")
    #expect(
      e?.message.contains("did you mean `bandwidth_bytes_per_second`") == true)
  }

  @Test("an unknown data type lists the known ones")
  func unknownDataType() {
    let e = Self.error(
      Self.valid.replacingOccurrences(
        of: "    bf16: 1e12", with: "    bf17: 1e12"))
    #expect(e?.field == "compute.matrix_flops_per_second.bf17")
    #expect(e?.message.contains("bf16") == true)
  }

  @Test("an unknown name suggests the closest catalogue entry")
  func unknownName() {
    #expect {
      try Catalog(root: Repository.root).model("llama-3-8")
    } throws: { error in
      let e = error as? DescriptorError
      return e?.code == .unknownName
        && e?.message.contains("did you mean 'llama-3-8b'") == true
    }
  }

  @Test("a catalogue file whose name differs from its file name is refused")
  func nameMismatch() throws {
    let root = try Repository.temporaryFolder()
    try FileManager.default.createDirectory(
      atPath: root + "/hardware", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(
      atPath: root + "/workloads", withIntermediateDirectories: true)
    try Self.valid.write(
      toFile: root + "/hardware/small.yaml", atomically: true, encoding: .utf8)
    #expect {
      try Catalog(root: root).device("small")
    } throws: { error in
      (error as? DescriptorError)?.code == .nameMismatch
    }
  }
}
