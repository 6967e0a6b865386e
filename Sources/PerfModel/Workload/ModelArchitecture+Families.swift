extension ModelArchitecture {
  /// The architectural families the model belongs to, for listings:
  /// attention variants (MHA, GQA, MQA, MLA, sliding window), MoE, SSM,
  /// linear attention, and `hybrid` when mixers differ between layers.
  public var families: [String] {
    var tags: [String] = []
    var mixerKinds = Set<String>()
    func add(_ tag: String) { if !tags.contains(tag) { tags.append(tag) } }
    for group in layerGroups {
      switch group.layer.mixer {
      case .attention(let a):
        mixerKinds.insert("attention")
        add(a.variant)
        if a.slidingWindow != nil { add("sliding-window") }
      case .stateSpace(let s):
        mixerKinds.insert("ssm")
        add(s.version == 1 ? "SSM (Mamba)" : "SSM (Mamba-2)")
      case .linearAttention:
        mixerKinds.insert("linear")
        add("linear attention")
      }
      if case .moe = group.layer.feedForward { add("MoE") }
    }
    if mixerKinds.count > 1 { add("hybrid") }
    return tags
  }
}
