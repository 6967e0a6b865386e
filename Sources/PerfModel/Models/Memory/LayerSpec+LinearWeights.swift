/// A layer's linear weights by module kind, on one tensor-parallel rank:
/// what a quantized checkpoint stores quantized (``WeightQuantization``).
/// Everything else in ``LayerSpec/parameters(hiddenSize:tensorParallel:)``
/// (norms, biases, convolutions, per-channel SSM vectors) stays in the
/// checkpoint's dtype.
///
/// Projections are counted as transformers' Llama-style modules hold
/// them: q, k and v apart, gate and up apart (a checkpoint that fuses them
/// has fewer, wider matrices: the same parameters and groups, fewer
/// per-row and per-tensor terms). Sharded as
/// ``MixerSpec/parameters(hiddenSize:tensorParallel:)`` shards.
extension LayerSpec {
  /// The layer's linear weights by module kind.
  public func linearWeights(hiddenSize: Int, tensorParallel tp: Int)
    -> [WeightQuantization.Module: LinearWeights]
  {
    let h = Double(hiddenSize)
    var out: [WeightQuantization.Module: LinearWeights] = [:]
    switch mixer {
    case .attention(let a):
      var w = LinearWeights()
      let q = Double(a.queryHeads / tp)
      if let m = a.latent {
        let qk = Double(m.qkNopeHeadDim + m.qkRopeHeadDim)
        if let rank = m.queryLoraRank {
          w.add(input: h, output: Double(rank))
          w.add(input: Double(rank), output: q * qk)
        } else {
          w.add(input: h, output: q * qk)
        }
        let kvr = Double(m.kvLoraRank)
        w.add(input: h, output: kvr + Double(m.qkRopeHeadDim))
        w.add(input: kvr, output: q * Double(m.qkNopeHeadDim + m.vHeadDim))
        w.add(input: q * Double(m.vHeadDim), output: h)
      } else {
        let kv = Double(Shard.perRank(a.kvHeads, tp) ?? a.kvHeads)
        let d = Double(a.headDim)
        w.add(input: h, output: q * d)
        w.add(input: h, output: kv * d, count: 2)
        w.add(input: q * d, output: h)
      }
      out[.attention] = w
    case .stateSpace(let s):
      var w = LinearWeights()
      let di = Double(s.innerSize / tp)
      let n = Double(s.stateSize)
      if s.version == 1 {
        let r = Double(s.timeStepRank)
        w.add(input: h, output: 2 * di)
        w.add(input: di, output: r + 2 * n)
        w.add(input: r, output: di)
      } else {
        let g = Double(Shard.perRank(s.groups, tp) ?? s.groups)
        w.add(input: h, output: 2 * di + 2 * g * n + Double(s.heads / tp))
      }
      w.add(input: di, output: h)
      out[.mixer] = w
    case .linearAttention(let l):
      var w = LinearWeights()
      let heads = Double(l.heads / tp)
      let keyDim = heads * Double(l.keyHeadDim)
      let valueDim = heads * Double(l.valueHeadDim)
      w.add(input: h, output: keyDim, count: 2)
      w.add(input: h, output: valueDim)
      w.add(input: valueDim, output: h)
      if l.outputGate { w.add(input: h, output: valueDim) }
      if l.gateLowRankDim > 0 {
        let r = Double(l.gateLowRankDim)
        w.add(input: h, output: r)
        w.add(input: r, output: keyDim)
      }
      out[.mixer] = w
    }
    func mlp(_ m: MLPSpec, count: Double) -> LinearWeights {
      var w = LinearWeights()
      let i = Double(m.intermediateSize / tp)
      w.add(input: h, output: i, count: count * (m.gated ? 2 : 1))
      w.add(input: i, output: h, count: count)
      return w
    }
    switch feedForward {
    case .none: break
    case .dense(let m): out[.mlp] = mlp(m, count: 1)
    case .moe(let e):
      out[.experts] = mlp(e.expert, count: Double(e.experts))
      var router = LinearWeights()
      router.add(input: h, output: Double(e.experts))
      out[.router] = router
      if let shared = e.sharedExpert, e.sharedExperts > 0 {
        out[.sharedExperts] = mlp(shared, count: Double(e.sharedExperts))
      }
    }
    return out
  }
}
