import Foundation
import Yams

/// Reads typed fields out of a parsed YAML (or JSON) mapping, turning every
/// problem into a ``DescriptorError`` that names file, line and field.
///
/// One reader serves hardware descriptors, workload descriptors and Hugging
/// Face `config.json` files alike (JSON is YAML), so every file format gets
/// the same precise errors, including range checks that a `Decodable`
/// decoder cannot place on a line.
struct YAMLNodeReader {
  /// The file being read, for messages.
  let path: String
  /// The mapping node this reader looks into.
  let node: Node
  /// The dotted path of `node` from the document root.
  let fieldPath: String
  /// Every key looked up in `node` so far, shared by copies of this reader
  /// (``refuseMisspellings()`` compares the file's keys against them).
  let asked = AskedKeys()

  /// The keys a reader has looked up.
  final class AskedKeys {
    var keys = Set<String>()
  }

  /// Parses `text` and returns a reader on its root mapping.
  static func parse(_ text: String, path: String) throws(DescriptorError)
    -> YAMLNodeReader
  {
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw DescriptorError(
        .syntax, path: path, line: Self.line(of: error),
        message: "not valid YAML/JSON: \(Self.problem(of: error))")
    } catch {
      throw DescriptorError(
        .syntax, path: path, message: "not valid YAML/JSON: \(error)")
    }
    guard let root, case .mapping = root else {
      throw DescriptorError(
        .type, path: path, line: root?.mark?.line,
        message: "expected a mapping of fields at the top level")
    }
    return YAMLNodeReader(path: path, node: root, fieldPath: "")
  }

  /// Reads the file at `path` and parses it.
  static func load(_ path: String) throws(DescriptorError) -> YAMLNodeReader {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
    else {
      throw DescriptorError(.unreadable, path: path, message: "no such file")
    }
    guard !isFolder.boolValue else {
      throw DescriptorError(
        .unreadable, path: path,
        message: "a folder, not a file; name the YAML or config.json in it")
    }
    guard FileManager.default.isReadableFile(atPath: path),
      let data = FileManager.default.contents(atPath: path)
    else {
      throw DescriptorError(
        .unreadable, path: path,
        message: "cannot read the file; check its permissions")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw DescriptorError(
        .syntax, path: path,
        message: "not UTF-8 text; a descriptor is YAML or JSON")
    }
    return try parse(text, path: path)
  }

  private static func line(of error: YamlError) -> Int? {
    switch error {
    case .scanner(_, _, let mark, _), .parser(_, _, let mark, _),
      .composer(_, _, let mark, _):
      return mark.line
    default: return nil
    }
  }

  private static func problem(of error: YamlError) -> String {
    switch error {
    case .scanner(let context, let problem, let mark, _),
      .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let location = context.map { "\($0.text) " } ?? ""
      return "\(location)\(problem) at line \(mark.line), column \(mark.column)"
    default: return "\(error)"
    }
  }

  // MARK: Looking up fields

  func path(_ key: String) -> String {
    fieldPath.isEmpty ? key : "\(fieldPath).\(key)"
  }

  /// The value node for `key`, treating an explicit `null` as absent.
  func value(_ key: String) -> Node? {
    asked.keys.insert(key)
    guard let found = node[key] else { return nil }
    if case .scalar(let s) = found, s.style == .plain,
      ["null", "~", ""].contains(s.string)
    {
      return nil
    }
    return found
  }

  /// Whether `key` is present and not null.
  func has(_ key: String) -> Bool { value(key) != nil }

  /// Whether `key` is present with an explicit `null` (which some
  /// transformers fields give a meaning apart from absence).
  func isNull(_ key: String) -> Bool { node[key] != nil && value(key) == nil }

  /// Every key of the mapping, in file order.
  var keys: [String] {
    guard case .mapping(let m) = node else { return [] }
    return m.keys.compactMap { $0.string }
  }

  func error(
    _ code: DescriptorError.Code, _ key: String, _ message: String,
    at found: Node? = nil
  ) -> DescriptorError {
    DescriptorError(
      code, path: path, line: (found ?? value(key) ?? node).mark?.line,
      field: path(key),
      message: message)
  }

  func describe(_ node: Node) -> String {
    switch node {
    case .scalar(let s):
      return s.style == .plain ? s.string : "\"\(s.string)\""
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    }
  }
}
