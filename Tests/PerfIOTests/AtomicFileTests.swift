import Foundation
import PerfIO
import TestSupport
import Testing

@Suite("Writing an output file: whole or not at all, nothing else touched")
struct AtomicFileTests {
  static func entries(_ folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
  }

  @Test(
    "a regular file is replaced whole, keeping its permissions, no temporary left"
  )
  func regular() throws {
    let folder = try Repository.temporaryFolder()
    let path = folder + "/out.txt"
    try AtomicFile.write("old\n", to: path)
    try FileManager.default.setAttributes(
      [.posixPermissions: 0o640], ofItemAtPath: path)
    try AtomicFile.write("new\n", to: path)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
    let mode =
      try FileManager.default.attributesOfItem(atPath: path)[
        .posixPermissions] as? Int
    #expect(mode == 0o640)
    #expect(try Self.entries(folder) == ["out.txt"])
  }

  @Test(
    "a killed write's temporary is removed by the next write, a fresh one kept")
  func staleTemporaries() throws {
    let folder = try Repository.temporaryFolder()
    let fm = FileManager.default
    for name in [
      ".out.txt.tmp-OLD123", ".out.txt.tmp-NEW456", ".other.tmp-OLD789",
    ] {
      fm.createFile(atPath: folder + "/" + name, contents: Data("x".utf8))
    }
    let hourAgo = Date().addingTimeInterval(-3600)
    for name in [".out.txt.tmp-OLD123", ".other.tmp-OLD789"] {
      try fm.setAttributes(
        [.modificationDate: hourAgo], ofItemAtPath: folder + "/" + name)
    }
    try AtomicFile.write("new\n", to: folder + "/out.txt")
    // Another file's temporary, and a young one (perhaps a write in
    // progress), are left alone.
    #expect(
      try Self.entries(folder) == [
        ".other.tmp-OLD789", ".out.txt.tmp-NEW456", "out.txt",
      ])
  }

  @Test(
    "a killed report's staging folders are removed by the next report there")
  func staleReportFolders() throws {
    let folder = try Repository.temporaryFolder()
    let fm = FileManager.default
    for name in [".r.partial-1-2", ".r.old-1-2"] {
      try fm.createDirectory(
        atPath: folder + "/" + name + "/charts",
        withIntermediateDirectories: true)
      try fm.setAttributes(
        [.modificationDate: Date().addingTimeInterval(-3600)],
        ofItemAtPath: folder + "/" + name)
    }
    let document = ReportDocument(
      title: "t", command: "c", sections: [ReportDocument.Section("s", [])])
    try document.write(to: folder + "/r")
    #expect(try Self.entries(folder) == ["r"])
    #expect(try Self.entries(folder + "/r") == ["report.html", "report.md"])
  }

  @Test("a symbolic link is followed: its target written, the link kept")
  func link() throws {
    let folder = try Repository.temporaryFolder()
    try AtomicFile.write("old\n", to: folder + "/target.txt")
    try FileManager.default.createSymbolicLink(
      atPath: folder + "/link.txt", withDestinationPath: "target.txt")
    try AtomicFile.write("new\n", to: folder + "/link.txt")
    #expect(
      try FileManager.default.destinationOfSymbolicLink(
        atPath: folder + "/link.txt") == "target.txt")
    #expect(
      try String(contentsOfFile: folder + "/target.txt", encoding: .utf8)
        == "new\n")
    #expect(try Self.entries(folder) == ["link.txt", "target.txt"])
  }

  @Test("a device is written in place and stays a device")
  func device() throws {
    try AtomicFile.write("discarded\n", to: "/dev/null")
    let type =
      try FileManager.default.attributesOfItem(atPath: "/dev/null")[
        .type] as? FileAttributeType
    #expect(type == .typeCharacterSpecial)
  }

  @Test(
    "a full device, a folder and a missing folder are errors naming the path")
  func refusals() throws {
    let folder = try Repository.temporaryFolder()
    #expect {
      try AtomicFile.write("x", to: folder)
    } throws: { "\($0)".contains(folder) && "\($0)".contains("it is a folder") }
    #expect {
      try AtomicFile.write("x", to: folder + "/missing/out.txt")
    } throws: { "\($0)".contains("does not exist") }
    if FileManager.default.fileExists(atPath: "/dev/full") {
      #expect {
        try AtomicFile.write("x", to: "/dev/full")
      } throws: { "\($0)".contains("/dev/full") }
      let type =
        try FileManager.default.attributesOfItem(atPath: "/dev/full")[
          .type] as? FileAttributeType
      #expect(type == .typeCharacterSpecial)
    }
    #expect(try Self.entries(folder).isEmpty)
  }
}
