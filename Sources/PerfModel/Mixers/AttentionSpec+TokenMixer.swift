/// Softmax attention: MHA, GQA and MQA (and a sliding window), and DeepSeek's
/// multi-head latent attention (MLA).
///
///     parameters   q, k, v, o (+ biases; + a sink per head)
///                  MLA: q_a, q_a_layernorm, q_b (or q), kv_a (+ its norm), kv_b, o
///     KV cache     2 · kv_heads_per_rank · head_dim elements per token;
///                  MLA: kv_lora_rank + qk_rope_head_dim, replicated on every rank
///     cached       min(context, window) tokens with a sliding window
///     activations  (q + 2·kv)·d (QKV output) + q·d (attention output);
///                  MLA: q·(d_nope + d_rope) + (r_kv + d_rope) + q·(d_nope + d_v) + q·d_v
///
/// KV heads fewer than the tensor-parallel ranks are replicated (one per
/// rank); query heads split evenly.
extension AttentionSpec: TokenMixer {
  public var familyTags: [String] {
    slidingWindow == nil ? [variant] : [variant, "sliding-window"]
  }

  public var kind: String { "attention" }

  public func parameters(hiddenSize: Int, tensorParallel tp: Int) -> Double {
    let h = Double(hiddenSize)
    let q = Double(queryHeads / tp)
    guard let m = latent else {
      let kv = Double(Shard.perRank(kvHeads, tp) ?? kvHeads)
      let d = Double(headDim)
      let qkv = h * (q + 2 * kv) * d + (qkvBias ? (q + 2 * kv) * d : 0)
      let out = q * d * h + (outputBias ? h : 0)
      return qkv + out + (sinks ? q : 0)
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
  }

  public func linearWeights(hiddenSize: Int, tensorParallel tp: Int)
    -> LinearWeights
  {
    let h = Double(hiddenSize)
    var w = LinearWeights()
    let q = Double(queryHeads / tp)
    if let m = latent {
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
      let kv = Double(Shard.perRank(kvHeads, tp) ?? kvHeads)
      let d = Double(headDim)
      w.add(input: h, output: q * d)
      w.add(input: h, output: kv * d, count: 2)
      w.add(input: q * d, output: h)
    }
    return w
  }

  public func cacheBytesPerToken(tensorParallel tp: Int, format: StorageFormat)
    -> Double
  {
    if let m = latent {
      let width = m.kvLoraRank + m.qkRopeHeadDim
      return format.bytes(elements: Double(width), vectorLength: width)
    }
    let kv = Shard.perRank(kvHeads, tp) ?? kvHeads
    return format.bytes(
      elements: Double(2 * kv * headDim), vectorLength: headDim)
  }

  public func cachedTokens(context: Double) -> Double {
    guard let window = slidingWindow else { return context }
    return min(context, Double(window))
  }

  public func stateBytes(tensorParallel tp: Int, format: StorageFormat)
    -> Double
  { 0 }

  public func activationWidth(tensorParallel tp: Int) -> Double {
    let q = Double(queryHeads / tp)
    if let m = latent {
      return q * Double(m.qkNopeHeadDim + m.qkRopeHeadDim)
        + Double(m.kvLoraRank + m.qkRopeHeadDim)
        + q * Double(m.qkNopeHeadDim + m.vHeadDim) + q * Double(m.vHeadDim)
    }
    let kv = Double(Shard.perRank(kvHeads, tp) ?? kvHeads)
    return (2 * q + 2 * kv) * Double(headDim)
  }
}
