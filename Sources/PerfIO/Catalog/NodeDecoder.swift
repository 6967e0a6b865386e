import PerfModel

/// Reads node (`hardware/nodes/`) and cluster (`hardware/clusters/`)
/// descriptors.
///
///     name, display_name, device: DEVICE, device_count, topology,
///     host_memory_bytes, source, price: {source, usd_per_hour, basis, date}
///
///     name, node: NODE, node_count, network_topology, source,
///     network: {name, bandwidth_bytes_per_second_per_direction, latency_seconds}
enum NodeDecoder {
  static func decodeNode(_ r: YAMLNodeReader, catalog: Catalog)
    throws(DescriptorError)
    -> NodeSpec
  {
    try r.rejectUnknownKeys([
      "name", "display_name", "device", "device_count", "topology",
      "host_memory_bytes",
      "source", "price", "notes",
    ])
    let topologyText = try r.string("topology")
    guard let topology = NodeSpec.Topology(rawValue: topologyText) else {
      throw r.error(
        .type, "topology",
        "unknown topology \"\(topologyText)\"; use one of \(NodeSpec.Topology.allCases.map(\.rawValue).joined(separator: ", "))"
      )
    }
    let device = try catalog.device(try r.string("device"))
    var price: PriceSpec?
    if let p = try r.optionalChild("price") {
      _ = try p.string("source")
      price = try DeviceDecoder.price(p)
    }
    return NodeSpec(
      name: try r.string("name"), displayName: try r.string("display_name"),
      device: device,
      deviceCount: try r.int("device_count"), topology: topology,
      hostMemoryBytes: try r.optionalDouble("host_memory_bytes", unit: "bytes"),
      price: price,
      source: try r.string("source"))
  }

  static func decodeCluster(_ r: YAMLNodeReader, catalog: Catalog)
    throws(DescriptorError)
    -> ClusterSpec
  {
    try r.rejectUnknownKeys([
      "name", "node", "node_count", "network", "network_topology", "source",
      "notes",
    ])
    let node = try catalog.node(try r.string("node"))
    guard let network = try DeviceDecoder.link(r, "network") else {
      throw r.missing("network", "the inter-node link per node")
    }
    return ClusterSpec(
      name: try r.string("name"), node: node,
      nodeCount: try r.int("node_count"),
      network: network, networkTopology: try r.string("network_topology"),
      source: try r.string("source"))
  }
}
