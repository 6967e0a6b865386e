import Foundation
import PerfModel

/// The hardware and workload descriptors on disk, found by name or path.
///
///     ROOT/hardware/NAME.yaml            devices
///     ROOT/hardware/nodes/NAME.yaml      nodes
///     ROOT/hardware/clusters/NAME.yaml   clusters
///     ROOT/workloads/NAME.yaml           model architectures
///     ROOT/workloads/scenarios/NAME.yaml serving scenarios
public struct Catalog: Sendable {
  /// The folder holding `hardware/` and `workloads/`.
  public let root: String

  /// Creates a catalogue rooted at `root`.
  public init(root: String) { self.root = root }

  /// Finds the catalogue: `explicit` if given, else `$ROOFLINE_CATALOG`,
  /// else the nearest folder holding `hardware/` and `workloads/` above the
  /// working directory, else above the executable (a build inside the
  /// repository).
  public static func locate(explicit: String?) throws(DescriptorError)
    -> Catalog
  {
    if let explicit {
      guard isCatalog(explicit) else {
        throw DescriptorError(
          .unreadable, path: explicit,
          message:
            "no hardware/ and workloads/ folders here; pass the repository root"
        )
      }
      return Catalog(root: explicit)
    }
    let environment = ProcessInfo.processInfo.environment["ROOFLINE_CATALOG"]
    if let environment, isCatalog(environment) {
      return Catalog(root: environment)
    }
    let starts = [
      FileManager.default.currentDirectoryPath,
      URL(fileURLWithPath: CommandLine.arguments.first ?? ".")
        .resolvingSymlinksInPath()
        .deletingLastPathComponent().path,
    ]
    for start in starts {
      var url = URL(fileURLWithPath: start)
      while true {
        if isCatalog(url.path) { return Catalog(root: url.path) }
        let parent = url.deletingLastPathComponent()
        if parent.path == url.path { break }
        url = parent
      }
    }
    throw DescriptorError(
      .unreadable, path: "",
      message:
        "cannot find the catalogue (hardware/ and workloads/); run from the repository, set ROOFLINE_CATALOG, or pass --catalog DIR"
    )
  }

  static func isCatalog(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    let fm = FileManager.default
    return fm.fileExists(atPath: path + "/hardware", isDirectory: &isDirectory)
      && isDirectory.boolValue && fm.fileExists(atPath: path + "/workloads")
  }

  /// The kinds of descriptor the catalogue holds.
  public enum Section: String, Sendable, CaseIterable {
    case devices = "hardware"
    case nodes = "hardware/nodes"
    case clusters = "hardware/clusters"
    case workloads = "workloads"
    case scenarios = "workloads/scenarios"
  }

  /// Names in `section`, sorted: file names without `.yaml`.
  public func names(_ section: Section) -> [String] {
    let folder = root + "/" + section.rawValue
    let files =
      (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }
      .sorted()
  }

  /// The file for `nameOrPath` in `section`: a path when it has a `/` or a
  /// `.yaml`/`.yml`/`.json` suffix, else a catalogue name.
  ///
  /// - Throws: ``DescriptorError`` with the closest name when unknown.
  public func file(_ nameOrPath: String, in section: Section, what: String)
    throws(DescriptorError) -> String
  {
    if Self.isPath(nameOrPath) {
      guard FileManager.default.fileExists(atPath: nameOrPath) else {
        throw DescriptorError(
          .unreadable, path: nameOrPath, message: "no such file")
      }
      return nameOrPath
    }
    let path = root + "/" + section.rawValue + "/" + nameOrPath + ".yaml"
    if FileManager.default.fileExists(atPath: path) { return path }
    let known = names(section)
    let hint = NameSuggestion.closest(to: nameOrPath, in: known).map {
      "did you mean '\($0)'? "
    }
    throw DescriptorError(
      .unknownName, path: "",
      message:
        "unknown \(what) '\(nameOrPath)'; \(hint ?? "")known: \(known.joined(separator: ", "))"
    )
  }

  static func isPath(_ text: String) -> Bool {
    text.contains("/") || text.hasSuffix(".yaml") || text.hasSuffix(".yml")
      || text.hasSuffix(".json")
  }

  /// Reads the file and checks that a catalogue file's `name:` matches it.
  func reader(_ path: String, expectName: Bool) throws(DescriptorError)
    -> YAMLNodeReader
  {
    let r = try YAMLNodeReader.load(path)
    // Only the catalogue's own descriptors must be named after their
    // file; a config.json elsewhere under the root (a test resource, a
    // report's model) is read as given.
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
      .standardizedFileURL.path
    let inCatalogue = Section.allCases.contains {
      folder
        == URL(fileURLWithPath: root + "/" + $0.rawValue)
        .standardizedFileURL.path
    }
    if expectName && inCatalogue {
      let stem = URL(fileURLWithPath: path).deletingPathExtension()
        .lastPathComponent
      let name = try r.string("name")
      guard name == stem else {
        throw r.error(
          .nameMismatch, "name",
          "is \"\(name)\" but the file is \(stem).yaml; make them equal")
      }
    }
    return r
  }
}
