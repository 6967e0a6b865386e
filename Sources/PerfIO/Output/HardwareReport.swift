import PerfModel

/// What `roofline hardware list|show` prints.
public enum HardwareReport {
  /// One row per device: the headline numbers in SI units.
  public static func list(_ devices: [DeviceSpec]) -> ReportTable {
    var t = ReportTable(columns: [
      "name", "display_name", "kind", "memory_bytes",
      "memory_bandwidth_bytes_per_second",
      "bf16_flops_per_second", "fp8_flops_per_second",
      "scale_up_bytes_per_second_per_direction",
      "tdp_watts", "usd_per_hour",
    ])
    for d in devices {
      t.append([
        d.name, d.displayName, d.kind.rawValue,
        HumanUnits.plain(d.mainMemory.capacityBytes),
        HumanUnits.plain(d.mainMemory.bandwidthBytesPerSecond),
        d.compute.peakFLOPsPerSecond(.bf16).map(HumanUnits.plain) ?? "",
        d.compute.peakFLOPsPerSecond(.fp8).map(HumanUnits.plain) ?? "",
        d.interconnect.scaleUp.map {
          HumanUnits.plain($0.bandwidthBytesPerSecondPerDirection)
        }
          ?? "",
        d.tdpWatts.map(HumanUnits.plain) ?? "",
        d.price.map { "\($0.usdPerHour)" } ?? "",
      ])
    }
    return t
  }

  /// The list in human units.
  public static func listText(
    _ devices: [DeviceSpec], nodes: [NodeSpec], clusters: [ClusterSpec]
  )
    -> String
  {
    var t = ReportTable(columns: [
      "device", "kind", "memory", "bandwidth", "bf16 dense", "fp8 dense",
      "scale-up/dir", "TDP",
      "$/h",
    ])
    for d in devices {
      t.append([
        d.name, d.kind.rawValue, HumanUnits.bytes(d.mainMemory.capacityBytes),
        HumanUnits.rate(d.mainMemory.bandwidthBytesPerSecond, "B/s"),
        d.compute.peakFLOPsPerSecond(.bf16).map {
          HumanUnits.rate($0, "FLOP/s")
        } ?? "—",
        d.compute.peakFLOPsPerSecond(.fp8).map { HumanUnits.rate($0, "FLOP/s") }
          ?? "—",
        d.interconnect.scaleUp.map {
          HumanUnits.rate($0.bandwidthBytesPerSecondPerDirection, "B/s")
        }
          ?? "—",
        d.tdpWatts.map { "\(HumanUnits.plain($0)) W" } ?? "—",
        d.price.map { String(format: "%.2f", $0.usdPerHour) } ?? "—",
      ])
    }
    var out = t.text()
    if !nodes.isEmpty {
      var n = ReportTable(columns: ["node", "devices", "topology", "device"])
      for node in nodes {
        n.append([
          node.name, String(node.deviceCount), node.topology.rawValue,
          node.device.name,
        ])
      }
      out += "\n" + n.text()
    }
    if !clusters.isEmpty {
      var c = ReportTable(columns: [
        "cluster", "nodes", "devices", "network/node", "node",
      ])
      for cluster in clusters {
        c.append([
          cluster.name, String(cluster.nodeCount), String(cluster.deviceCount),
          HumanUnits.rate(
            cluster.network.bandwidthBytesPerSecondPerDirection, "B/s"),
          cluster.node.name,
        ])
      }
      out += "\n" + c.text()
    }
    return out
  }

  /// Every field of one device, in human units, with its sources.
  public static func showText(_ d: DeviceSpec) -> String {
    var out =
      "\(d.displayName) (\(d.name)) — \(d.vendor) \(d.kind.rawValue)\n\n"
    let c = d.compute
    out +=
      "compute: \(c.unitCount) \(c.unitName)s at \(HumanUnits.rate(c.clockHertz, "Hz"))\n"
    var peaks = ReportTable(columns: ["data type", "matrix (dense)", "vector"])
    for type in DataType.allCases
    where c.matrixFLOPsPerSecond[type] != nil
      || c.vectorFLOPsPerSecond[type] != nil
    {
      peaks.append([
        type.rawValue,
        c.matrixFLOPsPerSecond[type].map { HumanUnits.rate($0, "FLOP/s") }
          ?? "—",
        c.vectorFLOPsPerSecond[type].map { HumanUnits.rate($0, "FLOP/s") }
          ?? "—",
      ])
    }
    out += peaks.text() + "\n"
    var memory = ReportTable(columns: [
      "memory level", "kind", "capacity", "bandwidth", "latency",
    ])
    for l in d.memoryLevels {
      memory.append([
        l.name, l.kind.rawValue,
        HumanUnits.bytes(l.capacityBytes)
          + (l.perUnit ? " per \(c.unitName)" : ""),
        HumanUnits.rate(l.bandwidthBytesPerSecond, "B/s"),
        l.latencySeconds.map(HumanUnits.seconds) ?? "—",
      ])
    }
    out += memory.text() + "\n"
    var links = ReportTable(columns: [
      "link", "name", "bandwidth/dir", "latency",
    ])
    let all: [(String, LinkSpec?)] = [
      ("scale-up", d.interconnect.scaleUp), ("host", d.interconnect.hostLink),
      ("scale-out", d.interconnect.scaleOut),
    ]
    for (kind, link) in all {
      guard let link else { continue }
      links.append([
        kind, link.name,
        HumanUnits.rate(link.bandwidthBytesPerSecondPerDirection, "B/s"),
        link.latencySeconds.map(HumanUnits.seconds) ?? "—",
      ])
    }
    out += links.text() + "\n"
    if let h = d.hostMemory {
      out +=
        "host memory: \(HumanUnits.bytes(h.capacityBytes)) at \(HumanUnits.rate(h.bandwidthBytesPerSecond, "B/s"))\n"
    }
    if let tdp = d.tdpWatts { out += "TDP: \(HumanUnits.plain(tdp)) W\n" }
    if let p = d.price {
      out +=
        String(format: "price: $%.2f/h", p.usdPerHour)
        + " (\(p.basis), \(p.date))\n"
    }
    out += "\nsources:\n"
    for key in d.sources.keys.sorted() {
      out += "  \(key): \(d.sources[key] ?? "")\n"
    }
    return out
  }
}
