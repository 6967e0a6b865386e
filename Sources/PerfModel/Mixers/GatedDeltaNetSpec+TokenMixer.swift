/// Gated DeltaNet (Qwen3-Next's linear-attention layers), as transformers'
/// `Qwen3NextGatedDeltaNet` builds it.
///
///     parameters   in_proj_qkvz (h → 2·K + 2·V), in_proj_ba (h → 2·H_v),
///                  conv1d over q, k, v (2·K + V channels, no bias),
///                  dt_bias and A_log (H_v each), a gated RMSNorm of d_v,
///                  out_proj (V → h);  K = H_k·d_k, V = H_v·d_v
///     KV cache     none; a state per request of H_v · d_k · d_v, plus the
///                  convolution's window of (2·K + V) · kernel
///     activations  2·K + 2·V + 2·H_v (projections) + V (output)
///
/// Key and value heads split over tensor-parallel ranks.
extension GatedDeltaNetSpec: RecurrentMixer {
  public var familyTags: [String] { ["gated DeltaNet"] }

  public var kind: String { "linear-attention" }

  public var summary: String {
    "gated DeltaNet \(keyHeads)k/\(valueHeads)v heads, \(keyHeadDim)×\(valueHeadDim) state"
  }

  public func checkTensorParallel(_ tp: Int, model: String) throws(PlanError) {
    try Shard.requireEven(keyHeads, tp, "DeltaNet key heads", model: model)
    try Shard.requireEven(valueHeads, tp, "DeltaNet value heads", model: model)
  }

  /// Key, value and value-head widths on one of `tp` ranks.
  func widths(_ tp: Int) -> (key: Double, value: Double, heads: Double) {
    (
      Double(keyHeads / tp * keyHeadDim),
      Double(valueHeads / tp * valueHeadDim), Double(valueHeads / tp)
    )
  }

  public func parameters(hiddenSize: Int, tensorParallel tp: Int) -> Double {
    let h = Double(hiddenSize)
    let (k, v, heads) = widths(tp)
    return h * (2 * k + 2 * v)  // in_proj_qkvz
      + h * 2 * heads  // in_proj_ba
      + (2 * k + v) * Double(convKernel)  // conv1d
      + 2 * heads  // dt_bias, A_log
      + Double(valueHeadDim)  // gated RMSNorm
      + v * h  // out_proj
  }

  public func linearWeights(hiddenSize: Int, tensorParallel tp: Int)
    -> LinearWeights
  {
    let h = Double(hiddenSize)
    let (k, v, heads) = widths(tp)
    var w = LinearWeights()
    w.add(input: h, output: 2 * k + 2 * v)
    w.add(input: h, output: 2 * heads)
    w.add(input: v, output: h)
    return w
  }

  public func stateBytes(tensorParallel tp: Int, format: StorageFormat)
    -> Double
  {
    let (k, v, heads) = widths(tp)
    let state = heads * Double(keyHeadDim * valueHeadDim)
    return format.bytes(elements: state, vectorLength: valueHeadDim)
      + format.bytes(
        elements: (2 * k + v) * Double(convKernel), vectorLength: convKernel)
  }

  public func activationWidth(tensorParallel tp: Int) -> Double {
    let (k, v, heads) = widths(tp)
    return 2 * k + 2 * v + 2 * heads + v
  }
}

/// Its operators in a phase's graph: the input projections, the causal
/// convolution, the chunked gated delta rule and the output projection.
///
/// The delta rule in chunks of C = 64 (flash-linear-attention's
/// `chunk_gated_delta_rule`): per token and value head, the intra-chunk
/// products Q·Kᵀ and K·Kᵀ (2·C·d_k each) and A·V (2·C·d_v), and the
/// state's three products (q·S, k·S, kᵀ·v: 2·d_k·d_v each); each chunk's
/// state is written and read back once. Decode is the recurrent step: the
/// three state products per token, the state read and written.
extension Builder {
  func deltaNet(_ g: GatedDeltaNetSpec, count: Int, label: String)
    -> [Operator]
  {
    let (k, v, heads) = g.widths(tp)
    let dk = Double(g.keyHeadDim)
    let dv = Double(g.valueHeadDim)
    let convChannels = 2 * k + v
    let state = g.stateBytes(tensorParallel: tp, format: scenario.cacheFormat)
    var ops = [
      projection(
        "\(label) in_proj (q, k, v, z, β, α)", count: count, input: h,
        output: 2 * k + 2 * v + 2 * heads),
      Operator(
        name: "\(label) conv1d", kind: .convolution, count: count,
        flops: 2 * tokens * convChannels * Double(g.convKernel),
        dataType: type, bytes: 2 * a * tokens * convChannels),
    ]
    let batch = Double(scenario.batch)
    let stateProducts = 6 * dk * dv
    let flops: Double
    var bytes = a * tokens * (2 * k + 2 * v) + 2 * batch * state
    if phase == .prefill {
      let chunk = 64.0
      flops = tokens * heads * (4 * chunk * dk + 2 * chunk * dv + stateProducts)
      // Each sequence's chunks: ⌈n / C⌉ states written and read back.
      let chunks = batch * (Double(sequenceTokens) / chunk).rounded(.up)
      bytes += 2 * a * chunks * heads * dk * dv
    } else {
      flops = tokens * heads * stateProducts
    }
    ops.append(
      Operator(
        name: "\(label) gated delta rule", kind: .linearAttention,
        count: count, flops: flops, dataType: type, bytes: bytes))
    ops.append(
      projection("\(label) out_proj", count: count, input: v, output: h))
    return ops
  }
}
