/// Parameter counts per tensor-parallel rank.
///
/// With `tp == 1` these are the layer's full parameter counts. Under tensor
/// parallelism, head- and channel-indexed matrices are split (Megatron-LM,
/// Shoeybi et al. 2019); norms, routers and low-rank down-projections
/// (MLA's `q_a_proj` and `kv_a_proj_with_mqa`, GLA's gate down-projection)
/// are replicated on every rank, as vLLM implements them; KV heads fewer
/// than `tp` are replicated one per rank. Callers check the split first
/// with ``ModelArchitecture/checkTensorParallel(_:)``.
///
/// [Megatron-LM]: https://arxiv.org/abs/1909.08053
extension LayerSpec {
  /// Parameters one tensor-parallel rank holds for this layer.
  public func parameters(hiddenSize h: Int, tensorParallel tp: Int) -> Double {
    mixer.parameters(hiddenSize: h, tensorParallel: tp)
      + feedForward.parameters(
        hiddenSize: h, tensorParallel: tp, activeOnly: false)
      + Double(normParameters)
  }

  /// Parameters a single token reads in this layer (MoE: router, the
  /// top-k routed experts and the shared experts), on one rank.
  public func activeParameters(hiddenSize h: Int, tensorParallel tp: Int)
    -> Double
  {
    mixer.parameters(hiddenSize: h, tensorParallel: tp)
      + feedForward.parameters(
        hiddenSize: h, tensorParallel: tp, activeOnly: true)
      + Double(normParameters)
  }
}

extension MixerSpec {
  /// Parameters of the mixer on one of `tp` ranks.
  public func parameters(hiddenSize: Int, tensorParallel tp: Int) -> Double {
    let h = Double(hiddenSize)
    switch self {
    case .attention(let a):
      let q = Double(a.queryHeads / tp)
      guard let m = a.latent else {
        let kv = Double(Shard.perRank(a.kvHeads, tp) ?? a.kvHeads)
        let d = Double(a.headDim)
        let qkv = h * (q + 2 * kv) * d + (a.qkvBias ? (q + 2 * kv) * d : 0)
        let out = q * d * h + (a.outputBias ? h : 0)
        return qkv + out + (a.sinks ? q : 0)
      }
      let qkDim = Double(m.qkNopeHeadDim + m.qkRopeHeadDim)
      let query: Double
      if let rank = m.queryLoraRank {
        let r = Double(rank)
        query = h * r + r + r * q * qkDim  // q_a_proj, q_a_layernorm, q_b_proj
      } else {
        query = h * q * qkDim
      }
      let kvr = Double(m.kvLoraRank)
      let kvA = h * (kvr + Double(m.qkRopeHeadDim)) + kvr  // + kv_a_layernorm
      let kvB = kvr * q * Double(m.qkNopeHeadDim + m.vHeadDim)
      let out = q * Double(m.vHeadDim) * h
      return query + kvA + kvB + out
    case .stateSpace(let s):
      let di = Double(s.innerSize / tp)
      let n = Double(s.stateSize)
      let k = Double(s.convKernel)
      if s.version == 1 {
        let r = Double(s.timeStepRank)
        return h * 2 * di  // in_proj (x and z)
          + di * k + di  // conv1d weight and bias
          + di * (r + 2 * n)  // x_proj → Δ, B, C
          + r * di + di  // dt_proj weight and bias
          + di * n + di  // A_log, D
          + di * h  // out_proj
      }
      let g = Double(Shard.perRank(s.groups, tp) ?? s.groups)
      let heads = Double(s.heads / tp)
      let convChannels = di + 2 * g * n
      return h * (2 * di + 2 * g * n + heads)  // in_proj (z, x, B, C, Δ)
        + convChannels * k + convChannels  // conv1d weight and bias
        + 3 * heads  // dt_bias, A_log, D
        + di  // gated RMSNorm
        + di * h  // out_proj
    case .linearAttention(let l):
      let heads = Double(l.heads / tp)
      let keyDim = heads * Double(l.keyHeadDim)
      let valueDim = heads * Double(l.valueHeadDim)
      let r = Double(l.gateLowRankDim)
      var total = h * (2 * keyDim + valueDim) + valueDim * h  // q, k, v, o
      if l.outputGate { total += h * valueDim }  // g_proj
      // gk_proj
      if l.gateLowRankDim > 0 { total += h * r + r * keyDim + keyDim }
      total += Double(l.valueHeadDim)  // per-head output norm
      total += (2 * keyDim + valueDim) * Double(l.shortConvKernel)
      return total
    }
  }
}

extension FeedForwardSpec {
  /// Parameters of the feed-forward block on one of `tp` ranks; with
  /// `activeOnly`, only what one token reads.
  public func parameters(
    hiddenSize: Int, tensorParallel tp: Int, activeOnly: Bool
  ) -> Double {
    let h = Double(hiddenSize)
    switch self {
    case .none: return 0
    case .dense(let m): return m.parameters(hiddenSize: h, tensorParallel: tp)
    case .moe(let e):
      let routed = Double(activeOnly ? e.expertsPerToken : e.experts)
      let router =
        h * Double(e.experts) + (e.routerBias ? Double(e.experts) : 0)
      let shared =
        e.sharedExpert.map {
          Double(e.sharedExperts)
            * $0.parameters(hiddenSize: h, tensorParallel: tp)
        } ?? 0
      return router + routed
        * e.expert.parameters(hiddenSize: h, tensorParallel: tp) + shared
    }
  }
}

extension MLPSpec {
  /// Parameters of the MLP on one of `tp` ranks: `matrices · h · i/tp`,
  /// plus biases (column-parallel biases split, the output bias replicated).
  func parameters(hiddenSize h: Double, tensorParallel tp: Int) -> Double {
    let i = Double(intermediateSize / tp)
    let weights = Double(matrices) * h * i
    return weights + (bias ? Double(matrices - 1) * i + h : 0)
  }
}
