extension ModelArchitecture {
  /// The architectural families the model belongs to, for listings:
  /// attention variants (MHA, GQA, MQA, MLA, sliding window), MoE, SSM,
  /// linear attention, and `hybrid` when mixers differ between layers.
  public var families: [String] {
    var tags: [String] = []
    var mixerKinds = Set<String>()
    func add(_ tag: String) { if !tags.contains(tag) { tags.append(tag) } }
    for group in layerGroups {
      let family = group.layer.mixer.family
      mixerKinds.insert(family.kind)
      family.familyTags.forEach(add)
      if case .moe = group.layer.feedForward { add("MoE") }
    }
    if mixerKinds.count > 1 { add("hybrid") }
    return tags
  }
}
