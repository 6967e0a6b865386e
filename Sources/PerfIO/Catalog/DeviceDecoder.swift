import PerfModel

/// Reads a hardware descriptor (`hardware/NAME.yaml`) into a ``DeviceSpec``.
///
/// Layout, with every section citing its `source:`; numbers in SI units
/// (bytes, bytes/s, FLOP/s, Hz, s, W, USD/h):
///
///     name: h100-sxm            # equal to the file name
///     display_name: …  vendor: …  kind: gpu|tpu|accelerator|cpu
///     compute: {source, clock_hz, units, unit_name,
///               matrix_flops_per_second: {bf16: …}, vector_flops_per_second: {fp32: …}}
///     memory: {source, levels: [{name, kind: sram|cache|main, capacity_bytes,
///              per_unit, bandwidth_bytes_per_second, latency_seconds}]}
///     interconnect: {source, scale_up: LINK, host_link: LINK, scale_out: LINK}
///     host_memory: {source, capacity_bytes, bandwidth_bytes_per_second}
///     power: {source, tdp_watts}
///     price: {source, usd_per_hour, basis, date}
///     calibration: {source, classes: [...]}   (written by roofline validate)
enum DeviceDecoder {
  static let topKeys = [
    "name", "display_name", "vendor", "kind", "notes", "compute", "memory",
    "interconnect",
    "host_memory", "power", "price", "calibration",
  ]

  static func decode(_ r: YAMLNodeReader) throws(DescriptorError) -> DeviceSpec
  {
    try r.rejectUnknownKeys(topKeys)
    var sources: [String: String] = [:]
    let kindText = try r.string("kind")
    guard let kind = DeviceSpec.Kind(rawValue: kindText) else {
      throw r.error(
        .type, "kind",
        "unknown device kind \"\(kindText)\"; use one of \(DeviceSpec.Kind.allCases.map(\.rawValue).joined(separator: ", "))"
      )
    }

    let c = try r.child("compute")
    try c.rejectUnknownKeys([
      "source", "clock_hz", "units", "unit_name", "matrix_flops_per_second",
      "vector_flops_per_second", "special_functions_per_second", "notes",
    ])
    sources["compute"] = try c.string("source")
    let compute = ComputeSpec(
      clockHertz: try c.double("clock_hz", unit: "hertz"),
      unitCount: try c.int("units"),
      unitName: try c.string("unit_name"),
      matrixFLOPsPerSecond: try peaks(c, "matrix_flops_per_second"),
      vectorFLOPsPerSecond: try peaks(c, "vector_flops_per_second"),
      specialFunctionsPerSecond: try c.optionalDouble(
        "special_functions_per_second", unit: "exponentials/s"))
    if compute.matrixFLOPsPerSecond.isEmpty
      && compute.vectorFLOPsPerSecond.isEmpty
    {
      throw c.missing(
        "matrix_flops_per_second", "at least one peak per data type")
    }

    let m = try r.child("memory")
    try m.rejectUnknownKeys(["source", "levels", "notes"])
    sources["memory"] = try m.string("source")
    let levels = try memoryLevels(m)

    let i = try r.child("interconnect")
    try i.rejectUnknownKeys([
      "source", "scale_up", "host_link", "scale_out", "notes",
    ])
    sources["interconnect"] = try i.string("source")
    let interconnect = InterconnectSpec(
      scaleUp: try link(i, "scale_up"), hostLink: try link(i, "host_link"),
      scaleOut: try link(i, "scale_out"))

    var hostMemory: HostMemorySpec?
    if let h = try r.optionalChild("host_memory") {
      try h.rejectUnknownKeys([
        "source", "capacity_bytes", "bandwidth_bytes_per_second", "notes",
      ])
      sources["host_memory"] = try h.string("source")
      hostMemory = HostMemorySpec(
        capacityBytes: try h.double("capacity_bytes", unit: "bytes"),
        bandwidthBytesPerSecond: try h.double(
          "bandwidth_bytes_per_second", unit: "bytes/s"))
    }
    var tdp: Double?
    if let p = try r.optionalChild("power") {
      try p.rejectUnknownKeys(["source", "tdp_watts", "notes"])
      sources["power"] = try p.string("source")
      tdp = try p.double("tdp_watts", unit: "watts")
    }
    var price: PriceSpec?
    if let p = try r.optionalChild("price") {
      sources["price"] = try p.string("source")
      price = try Self.price(p)
    }
    return DeviceSpec(
      name: try r.string("name"), displayName: try r.string("display_name"),
      vendor: try r.string("vendor"), kind: kind, compute: compute,
      memoryLevels: levels,
      interconnect: interconnect, hostMemory: hostMemory, tdpWatts: tdp,
      price: price,
      sources: sources,
      calibration: try CalibrationDecoder.decode(r))
  }

  static func price(_ p: YAMLNodeReader) throws(DescriptorError) -> PriceSpec {
    try p.rejectUnknownKeys([
      "source", "usd_per_hour", "basis", "date", "notes",
    ])
    return PriceSpec(
      usdPerHour: try p.double("usd_per_hour", unit: "US dollars per hour"),
      basis: try p.string("basis"), date: try p.string("date"))
  }

  static func peaks(_ c: YAMLNodeReader, _ key: String) throws(DescriptorError)
    -> [DataType: Double]
  {
    guard let table = try c.optionalChild(key) else { return [:] }
    var result: [DataType: Double] = [:]
    for name in table.keys {
      guard let type = DataType(rawValue: name) else {
        throw table.error(
          .type, name,
          "unknown data type; use one of \(DataType.allCases.map(\.rawValue).joined(separator: ", "))"
        )
      }
      result[type] = try table.double(name, unit: "FLOP/s")
    }
    return result
  }

  static func memoryLevels(_ m: YAMLNodeReader) throws(DescriptorError)
    -> [MemoryLevel]
  {
    let readers = try m.children("levels")
    var levels: [MemoryLevel] = []
    for l in readers {
      try l.rejectUnknownKeys([
        "name", "kind", "capacity_bytes", "per_unit",
        "bandwidth_bytes_per_second",
        "latency_seconds", "notes",
      ])
      let kindText = try l.string("kind")
      guard let kind = MemoryLevel.Kind(rawValue: kindText) else {
        throw l.error(
          .type, "kind",
          "unknown memory kind \"\(kindText)\"; use sram, cache or main")
      }
      levels.append(
        MemoryLevel(
          name: try l.string("name"), kind: kind,
          capacityBytes: try l.double("capacity_bytes", unit: "bytes"),
          perUnit: try l.optionalBool("per_unit") ?? false,
          bandwidthBytesPerSecond: try l.double(
            "bandwidth_bytes_per_second", unit: "bytes/s"),
          latencySeconds: try l.optionalDouble(
            "latency_seconds", unit: "seconds")))
    }
    guard levels.last?.kind == .main,
      levels.filter({ $0.kind == .main }).count == 1
    else {
      throw m.error(
        .type, "levels",
        "list the levels innermost first and end with exactly one `kind: main` level (HBM/DRAM)"
      )
    }
    return levels
  }

  static func link(_ i: YAMLNodeReader, _ key: String) throws(DescriptorError)
    -> LinkSpec?
  {
    guard let l = try i.optionalChild(key) else { return nil }
    try l.rejectUnknownKeys([
      "name", "bandwidth_bytes_per_second_per_direction", "latency_seconds",
      "notes",
    ])
    return LinkSpec(
      name: try l.string("name"),
      bandwidthBytesPerSecondPerDirection: try l.double(
        "bandwidth_bytes_per_second_per_direction", unit: "bytes/s"),
      latencySeconds: try l.optionalDouble("latency_seconds", unit: "seconds"))
  }
}
