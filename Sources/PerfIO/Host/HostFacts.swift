import Foundation

/// What the operating system says about this machine.
///
/// CPU model, caches and memory, read from `/proc` and `/sys` on Linux; empty elsewhere.
public struct HostFacts: Sendable, Hashable {
  /// The CPU model name (`lscpu`'s "Model name").
  public var modelName: String
  /// The CPU vendor id.
  public var vendor: String
  /// Logical CPUs online.
  public var cpus: Int
  /// Data and unified caches of CPU 0, innermost first.
  public var caches: [Cache]
  /// Physical memory in bytes.
  public var memoryBytes: Double

  /// One cache level as `/sys/devices/system/cpu/cpu0/cache` reports it.
  public struct Cache: Sendable, Hashable {
    /// The cache level: 1, 2 or 3.
    public var level: Int
    /// Bytes of one instance.
    public var bytes: Int
    /// CPUs sharing one instance.
    public var sharedBy: Int
  }

  /// Reads the facts of this machine.
  public static func read() -> HostFacts {
    let cpuinfo =
      (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    func field(_ name: String) -> String {
      for line in cpuinfo.split(separator: "\n") where line.hasPrefix(name) {
        if let colon = line.firstIndex(of: ":") {
          return line[line.index(after: colon)...].trimmingCharacters(
            in: .whitespaces)
        }
      }
      return "unknown"
    }
    var caches: [Cache] = []
    let root = "/sys/devices/system/cpu/cpu0/cache"
    let entries =
      (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
    for entry in entries.sorted() where entry.hasPrefix("index") {
      func value(_ file: String) -> String {
        ((try? String(
          contentsOfFile: "\(root)/\(entry)/\(file)", encoding: .utf8)) ?? "")
          .trimmingCharacters(in: .whitespacesAndNewlines)
      }
      guard value("type") != "Instruction", let level = Int(value("level"))
      else { continue }
      var size = value("size")
      var multiplier = 1
      if size.hasSuffix("K") {
        multiplier = 1024
      } else if size.hasSuffix("M") {
        multiplier = 1_048_576
      }
      size = size.trimmingCharacters(in: CharacterSet.decimalDigits.inverted)
      let shared = value("shared_cpu_list").split(separator: ",").reduce(0) {
        total, part in
        let bounds = part.split(separator: "-").compactMap { Int($0) }
        return total + (bounds.count == 2 ? bounds[1] - bounds[0] + 1 : 1)
      }
      if let bytes = Int(size) {
        caches.append(
          Cache(
            level: level, bytes: bytes * multiplier, sharedBy: max(shared, 1)))
      }
    }
    return HostFacts(
      modelName: field("model name"), vendor: field("vendor_id"),
      cpus: ProcessInfo.processInfo.activeProcessorCount, caches: caches,
      memoryBytes: Double(ProcessInfo.processInfo.physicalMemory))
  }
}
