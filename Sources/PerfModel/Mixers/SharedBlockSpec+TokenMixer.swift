/// Zamba2's hybrid layer: a shared transformer block (attention over
/// [hidden; embeddings], a gated MLP) with per-use adapters, a linear,
/// then Mamba-2.
///
///     parameters   per use: adapters (MLP h·r + r·2i; with attention
///                  adapters, q, k, v 3·(2h·r + r·2h)), the linear h·h, and
///                  the Mamba-2 mixer's; at the block's first use also its
///                  weights: q, k, v from 2h, o, the MLP, and its norms
///                  (2h before attention, h before the MLP)
///     KV cache     the attention's, per use
///     state        the Mamba-2 mixer's
///
/// The adapters and the linear split over tensor-parallel ranks as the
/// projections they sit beside.
extension SharedBlockSpec: AttentionWithStateSpace {
  public var familyTags: [String] {
    attention.familyTags + stateSpace.familyTags + ["shared block"]
  }

  public var kind: String { "attention+ssm" }

  public var summary: String {
    "shared block (\(attention.summary), MLP \(mlp.intermediateSize)\(ownsSharedWeights ? ", weights here" : "")) → "
      + stateSpace.summary
  }

  /// The shared block's own weights on one of `tp` ranks, norms included.
  func sharedParameters(hiddenSize: Int, tensorParallel tp: Int) -> Double {
    let h = Double(hiddenSize)
    let q = Double(attention.queryHeads / tp)
    let kv = Double(Shard.perRank(attention.kvHeads, tp) ?? attention.kvHeads)
    let d = Double(attention.headDim)
    // The attention reads 2h: its q, k, v have an extra h rows.
    return attention.parameters(hiddenSize: hiddenSize, tensorParallel: tp)
      + h * (q + 2 * kv) * d
      + mlp.parameters(hiddenSize: h, tensorParallel: tp)
      + 3 * h  // the norms before attention (2h) and the MLP (h)
  }

  /// One use's adapters, the linear into the Mamba layer, and the mixer.
  func perUseParameters(hiddenSize: Int, tensorParallel tp: Int) -> Double {
    let h = Double(hiddenSize)
    let r = Double(adapterRank)
    let i = Double(mlp.intermediateSize / tp)
    var total = h * r + r * 2 * i + h * h / Double(tp)
    if attentionAdapters { total += 3 * (2 * h * r + r * 2 * h) }
    return total
      + stateSpace.parameters(hiddenSize: hiddenSize, tensorParallel: tp)
  }

  public func parameters(hiddenSize: Int, tensorParallel tp: Int) -> Double {
    perUseParameters(hiddenSize: hiddenSize, tensorParallel: tp)
      + (ownsSharedWeights
        ? sharedParameters(hiddenSize: hiddenSize, tensorParallel: tp) : 0)
  }

  public func linearWeights(hiddenSize: Int, tensorParallel tp: Int)
    -> LinearWeights
  {
    let h = Double(hiddenSize)
    var w = stateSpace.linearWeights(hiddenSize: hiddenSize, tensorParallel: tp)
    w.add(input: h, output: h / Double(tp))
    guard ownsSharedWeights else { return w }
    let q = Double(attention.queryHeads / tp)
    let kv = Double(Shard.perRank(attention.kvHeads, tp) ?? attention.kvHeads)
    let d = Double(attention.headDim)
    let i = Double(mlp.intermediateSize / tp)
    w.add(input: 2 * h, output: q * d)
    w.add(input: 2 * h, output: kv * d, count: 2)
    w.add(input: q * d, output: h)
    w.add(input: h, output: i, count: 2)
    w.add(input: i, output: h)
    return w
  }

  public func checkTensorParallel(_ tp: Int, model: String) throws(PlanError) {
    try attention.checkTensorParallel(tp, model: model)
    try stateSpace.checkTensorParallel(tp, model: model)
    try Shard.requireEven(
      mlp.intermediateSize, tp, "MLP channels", model: model)
  }
}

/// Its operators: the block (its norms, attention over 2h, the adapters'
/// low-rank products, the MLP), the linear, and the Mamba-2 mixer. Every
/// use reads the shared weights again.
extension Builder {
  func sharedBlock(_ z: SharedBlockSpec, count: Int, label: String)
    -> [Operator]
  {
    let r = Double(z.adapterRank)
    let i = Double(z.mlp.intermediateSize / tp)
    var ops = attention(z.attention, count: count, label: label, input: 2 * h)
    if z.attentionAdapters {
      ops.append(
        projection(
          "\(label) q, k, v adapters (down)", count: count, input: 2 * h,
          output: 3 * r))
      ops.append(
        projection(
          "\(label) q, k, v adapters (up)", count: count, input: r,
          output: 3 * 2 * h))
    }
    ops.append(norm("\(label) block mlp norm", count: count))
    ops += mlp(z.mlp, count: count, label: label)
    ops.append(
      projection("\(label) mlp adapter", count: count, input: h, output: r))
    ops.append(
      projection(
        "\(label) mlp adapter (up)", count: count, input: r, output: 2 * i))
    ops.append(projection("\(label) linear", count: count, input: h, output: h))
    ops.append(norm("\(label) mamba norm", count: count))
    ops += stateSpace(z.stateSpace, count: count, label: label)
    return ops
  }
}
