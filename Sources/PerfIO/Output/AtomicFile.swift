import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files whole or not at all, and touches nothing but the file
/// asked for.
public enum AtomicFile {
  /// Writes `text` to `path`.
  ///
  /// - A regular file, or a path that does not exist yet: written to a
  ///   temporary file in the same folder, flushed to disk (`fsync`), then
  ///   renamed over the path, so readers see the old file or the new one,
  ///   never a part; on failure the temporary file is removed.
  /// - A symbolic link: followed; its target is written as above, the link
  ///   kept.
  /// - `-`: standard output.
  /// - A device, FIFO or socket (`/dev/null`, `/dev/stdout`, a pipe):
  ///   written in place, streamed.
  /// - A folder: refused.
  ///
  /// - Throws: ``DescriptorError`` with code `unreadable` naming the path
  ///   and the fix.
  public static func write(_ text: String, to path: String)
    throws(DescriptorError)
  {
    if path == "-" {
      FileHandle.standardOutput.write(Data(text.utf8))
      return
    }
    let target = resolvingLinks(path)
    var info = stat()
    if stat(target, &info) == 0 {
      let type = info.st_mode & S_IFMT
      if type == S_IFDIR {
        throw failure(
          path, "it is a folder; name a file inside it (e.g. \(path)/out.txt)")
      }
      if type != S_IFREG {
        try stream(text, to: target, named: path)
        return
      }
    }
    try replace(target, with: text, named: path)
  }

  /// `path` with symbolic links followed (a dangling link's target, which
  /// the write creates).
  static func resolvingLinks(_ path: String) -> String {
    var current = path
    for _ in 0..<40 {
      var info = stat()
      guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK,
        let destination = try? FileManager.default.destinationOfSymbolicLink(
          atPath: current)
      else { return current }
      current =
        destination.hasPrefix("/")
        ? destination
        : URL(fileURLWithPath: current).deletingLastPathComponent()
          .appendingPathComponent(destination).path
    }
    return current
  }

  /// A failed write, described in plain words.
  struct WriteFailure: LocalizedError {
    var errorDescription: String?
  }

  static func failure(_ path: String, _ why: String) -> DescriptorError {
    DescriptorError(.unreadable, path: path, message: "cannot write: \(why)")
  }

  static func errnoText() -> String { String(cString: strerror(errno)) }

  /// Writes all of `bytes` to `descriptor`.
  static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
    var offset = 0
    while offset < bytes.count {
      let n = bytes[offset...].withUnsafeBytes {
        posixWrite(descriptor, $0.baseAddress, $0.count)
      }
      if n < 0 {
        if errno == EINTR { continue }
        return false
      }
      offset += n
    }
    return true
  }

  /// Writes `data` to a new file at `path` and flushes it to disk.
  ///
  /// - Returns: whether every byte was written and synced.
  static func writeSynced(_ data: Data, to path: String) -> Bool {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
    guard descriptor >= 0 else { return false }
    let ok = writeAll(Array(data), to: descriptor) && fsync(descriptor) == 0
    return close(descriptor) == 0 && ok
  }

  static func stream(_ text: String, to target: String, named path: String)
    throws(DescriptorError)
  {
    let descriptor = open(target, O_WRONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw failure(path, errnoText()) }
    defer { close(descriptor) }
    guard writeAll(Array(text.utf8), to: descriptor) else {
      throw failure(path, errnoText())
    }
  }

  static func replace(_ target: String, with text: String, named path: String)
    throws(DescriptorError)
  {
    let url = URL(fileURLWithPath: target)
    let folder = url.deletingLastPathComponent().path
    var isFolder: ObjCBool = false
    guard
      FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder),
      isFolder.boolValue
    else {
      throw failure(
        path, "the folder \(folder) does not exist; create it first")
    }
    StaleTemporaries.remove(
      in: folder, prefixes: ["." + url.lastPathComponent + ".tmp-"])
    var template = Array(
      (folder + "/." + url.lastPathComponent + ".tmp-XXXXXX").utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer {
      buffer -> Int32 in
      guard let base = buffer.baseAddress else { return -1 }
      return mkstemp(base)
    }
    guard descriptor >= 0 else {
      throw failure(
        path, "\(errnoText()); check that the folder \(folder) is writable")
    }
    // mkstemp filled in the X's; the name ends at the terminating NUL.
    let temporary = String(
      decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
      as: UTF8.self)
    var closed = false
    defer {
      if !closed { close(descriptor) }
    }
    // An existing file keeps its permissions; a new one gets the usual
    // 0666 less the umask (mkstemp makes it 0600).
    var existing = stat()
    if stat(target, &existing) == 0 {
      fchmod(descriptor, existing.st_mode & 0o7777)
    } else {
      let mask = umask(0)
      umask(mask)
      fchmod(descriptor, 0o666 & ~mask)
    }
    let written =
      writeAll(Array(text.utf8), to: descriptor) && fsync(descriptor) == 0
    let why = errnoText()
    closed = true
    if !written || close(descriptor) != 0 {
      unlink(temporary)
      throw failure(path, written ? errnoText() : why)
    }
    guard rename(temporary, target) == 0 else {
      let why = errnoText()
      unlink(temporary)
      throw failure(path, why)
    }
  }
}

/// `write(2)`, named apart from ``AtomicFile/write(_:to:)``.
private func posixWrite(
  _ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int
) -> Int {
  write(descriptor, buffer, count)
}
