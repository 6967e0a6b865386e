/// Linear attention with a fixed-size state (gated linear attention, GLA).
///
///     parameters   q, k, v, o (+ g with an output gate), the low-rank forget
///                  gate (h·r + r·d_k + d_k), a per-head output norm, and
///                  short convolutions on q, k, v
///     KV cache     none; a state per request of heads · d_k · d_v, plus
///                  the short convolutions' windows
///     activations  2·d_k + 3·d_v per head (q, k, v, gate, output)
extension LinearAttentionSpec: RecurrentMixer {
  public var familyTags: [String] { ["linear attention"] }

  public var kind: String { "linear-attention" }

  public var summary: String {
    "linear \(heads) heads, \(keyHeadDim)×\(valueHeadDim) state"
  }

  public func checkTensorParallel(_ tp: Int, model: String) throws(PlanError) {
    try Shard.requireEven(heads, tp, "linear-attention heads", model: model)
  }

  public func parameters(hiddenSize: Int, tensorParallel tp: Int) -> Double {
    let h = Double(hiddenSize)
    let heads = Double(self.heads / tp)
    let keyDim = heads * Double(keyHeadDim)
    let valueDim = heads * Double(valueHeadDim)
    let r = Double(gateLowRankDim)
    var total = h * (2 * keyDim + valueDim) + valueDim * h  // q, k, v, o
    if outputGate { total += h * valueDim }  // g_proj
    // gk_proj
    if gateLowRankDim > 0 { total += h * r + r * keyDim + keyDim }
    total += fullWidthNorm ? valueDim : Double(valueHeadDim)  // output norm
    total += (2 * keyDim + valueDim) * Double(shortConvKernel)
    return total
  }

  public func linearWeights(hiddenSize: Int, tensorParallel tp: Int)
    -> LinearWeights
  {
    let h = Double(hiddenSize)
    var w = LinearWeights()
    let heads = Double(self.heads / tp)
    let keyDim = heads * Double(keyHeadDim)
    let valueDim = heads * Double(valueHeadDim)
    w.add(input: h, output: keyDim, count: 2)
    w.add(input: h, output: valueDim)
    w.add(input: valueDim, output: h)
    if outputGate { w.add(input: h, output: valueDim) }
    if gateLowRankDim > 0 {
      let r = Double(gateLowRankDim)
      w.add(input: h, output: r)
      w.add(input: r, output: keyDim)
    }
    return w
  }

  public func stateBytes(tensorParallel tp: Int, format: StorageFormat)
    -> Double
  {
    let heads = self.heads / tp
    let state = heads * keyHeadDim * valueHeadDim
    let convChannels = heads * (2 * keyHeadDim + valueHeadDim)
    return format.bytes(elements: Double(state), vectorLength: valueHeadDim)
      + format.bytes(
        elements: Double(convChannels * shortConvKernel),
        vectorLength: max(shortConvKernel, 1))
  }

  public func activationWidth(tensorParallel tp: Int) -> Double {
    Double(heads / tp) * Double(2 * keyHeadDim + 3 * valueHeadDim)
  }
}

/// Its operators in a phase's graph: the projections and the chunked
/// linear-attention kernel.
extension Builder {
  func linear(_ l: LinearAttentionSpec, count: Int, label: String) -> [Operator]
  {
    let heads = Double(l.heads / tp)
    let dk = Double(l.keyHeadDim)
    let dv = Double(l.valueHeadDim)
    let gates = l.outputGate ? dv : 0
    var ops = [
      projection(
        "\(label) q,k,v,g projections", count: count, input: h,
        output: heads * (2 * dk + dv + gates))
    ]
    let state = LayerSpec(
      mixer: .linearAttention(l), feedForward: .none, normParameters: 0
    )
    .stateBytes(tensorParallel: tp, format: scenario.cacheFormat)
    let flops: Double
    let bytes: Double
    if phase == .prefill {
      let chunk = 64.0
      // Intra-chunk (QKᵀ and AV over a C-token chunk) and the state products.
      flops = tokens * heads * (2 * chunk * (dk + dv) + 4 * dk * dv)
      bytes =
        LinearAttentionIO.traffic(
          batch: scenario.batch, heads: Int(heads),
          tokens: scenario.promptTokens,
          keyDim: Int(dk), valueDim: Int(dv), elementBytes: max(1, Int(a))
        ).totalBytes + Double(scenario.batch) * state
    } else {
      flops = tokens * heads * 4 * dk * dv
      bytes =
        Double(scenario.batch) * 2 * state + a * tokens * heads
        * (2 * dk + 2 * dv)
    }
    ops.append(
      Operator(
        name: "\(label) linear attention", kind: .linearAttention, count: count,
        flops: flops,
        dataType: type, bytes: bytes))
    ops.append(
      projection("\(label) o_proj", count: count, input: heads * dv, output: h))
    return ops
  }
}
