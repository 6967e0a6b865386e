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
    [variant] + (slidingWindow == nil ? [] : ["sliding-window"])
      + (chunkSize == nil ? [] : ["chunked"])
  }

  public var kind: String { "attention" }

  public var summary: String {
    if let l = latent {
      return
        "MLA \(queryHeads) heads, latent \(l.kvLoraRank)+\(l.qkRopeHeadDim)"
    }
    let window =
      (slidingWindow.map { ", window \($0)" } ?? "")
      + (chunkSize.map { ", chunks of \($0)" } ?? "")
    let norms = queryKeyNorm ? ", q/k norms" : ""
    return
      "\(variant) \(queryHeads)q/\(kvHeads)kv × \(headDim)\(window)\(norms)"
  }

  /// Query heads split evenly; KV heads split, or are replicated when
  /// fewer than the ranks (MLA's latent is replicated).
  public func checkTensorParallel(_ tp: Int, model: String) throws(PlanError) {
    try Shard.requireEven(queryHeads, tp, "query heads", model: model)
    if latent == nil, Shard.perRank(kvHeads, tp) == nil {
      throw PlanError(
        .tensorParallel,
        "tensor-parallel degree \(tp) does not divide the \(kvHeads) KV heads of \(model), nor do they divide it; use a divisor of \(kvHeads) (\(Shard.divisors(kvHeads).map(String.init).joined(separator: ", "))) or a multiple of it that divides the \(queryHeads) query heads"
      )
    }
  }

  public func parameters(hiddenSize: Int, tensorParallel tp: Int) -> Double {
    let h = Double(hiddenSize)
    let q = Double(queryHeads / tp)
    guard let m = latent else {
      let kv = Double(Shard.perRank(kvHeads, tp) ?? kvHeads)
      let d = Double(headDim)
      let qWidth = outputGate ? 2 * q : q
      let qkv =
        h * (qWidth + 2 * kv) * d + (qkvBias ? (qWidth + 2 * kv) * d : 0)
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
      w.add(input: h, output: (outputGate ? 2 : 1) * q * d)
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
    // Keys keep a fraction of their channels (ThinK), values all.
    let keys = format.keyChannelFraction ?? 1
    let cache = format.bytes(
      elements: Double(kv * headDim) * (1 + keys), vectorLength: headDim)
    guard format.pageSelectionTokens != nil else { return cache }
    // Quest's bounds: a minimum and a maximum key a page, in fp16.
    return cache
      + 2 * 2 * Double(kv * headDim) / Double(format.pageTokens ?? 16)
  }

  public func cachedTokens(context: Double) -> Double {
    // A chunked layer keeps only the current chunk's keys.
    let span = min(slidingWindow ?? Int.max, chunkSize ?? Int.max)
    return min(context, Double(span))
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
    return ((outputGate ? 3 : 2) * q + 2 * kv) * Double(headDim)
  }
}

/// Its operators in a phase's graph: the projections, FlashAttention
/// prefill with its I/O traffic and cache reuse, split-KV decode, MLA's
/// absorbed decode, Ulysses' exchanges and ring passes.
extension Builder {
  /// `input`: the width the q, k, v projections read (the hidden size
  /// unless given).
  func attention(
    _ at: AttentionSpec, count: Int, label: String, input: Double? = nil
  ) -> [Operator] {
    let inWidth = input ?? h
    let q = Double(at.queryHeads / tp)
    let batch = Double(scenario.batch)
    var ops: [Operator] = []
    let cacheLayer = LayerSpec(
      mixer: .attention(at), feedForward: .none, normParameters: 0)
    let cachePerToken = cacheLayer.cacheBytesPerToken(
      tensorParallel: tp, format: scenario.cacheFormat)
    // A decode step reads a quantized cache's full-precision window too.
    let windowRead =
      batch
      * min(
        Double(scenario.cacheFormat.residualTokens ?? 0),
        Double(scenario.contextTokens))
      * cacheLayer.residualBytesPerToken(
        tensorParallel: tp, format: scenario.cacheFormat)
    let core: Operator
    if let m = at.latent {
      let qk = Double(m.qkNopeHeadDim + m.qkRopeHeadDim)
      let kvr = Double(m.kvLoraRank)
      let rope = Double(m.qkRopeHeadDim)
      if let rank = m.queryLoraRank {
        ops.append(
          projection(
            "\(label) q_a_proj", count: count, input: h, output: Double(rank)))
        ops.append(
          projection(
            "\(label) q_b_proj", count: count, input: Double(rank),
            output: q * qk))
      } else {
        ops.append(
          projection("\(label) q_proj", count: count, input: h, output: q * qk))
      }
      ops.append(
        projection(
          "\(label) kv_a_proj", count: count, input: h, output: kvr + rope))
      let visits = pairs(at) * batch / Double(cp)
      var after: Operator?
      if phase == .prefill {
        // Keys and values expanded per head, then attention of head dims
        // (d_nope + d_rope) for scores and d_v for values.
        let v = Double(m.vHeadDim)
        ops.append(
          projection(
            "\(label) kv_b_proj", count: count, input: kvr,
            output: q * Double(m.qkNopeHeadDim + m.vHeadDim)))
        if cp > 1, scenario.plan.contextStrategy == .ulysses {
          let exchange = ulysses(
            label, count: count, input: q * (2 * qk + v), output: q * v)
          ops.append(exchange.before)
          after = exchange.after
        }
        core = Operator(
          name: "\(label) attention (MLA, prefill)", kind: .attention,
          count: count,
          flops: 2 * visits * q * (qk + v), dataType: type,
          bytes: a * tokens * q * (2 * qk + 2 * v) + tokens * cachePerToken,
          collective: ringPasses(bytesPerToken: a * q * (qk + v)))
      } else {
        // Absorbed form: scores and outputs against the cached latent.
        core = Operator(
          name: "\(label) attention (MLA, decode)", kind: .attention,
          count: count,
          flops: 2 * visits * q * (kvr + rope) + 2 * visits * q * kvr,
          dataType: type,
          bytes: batch * pairs(at) / Double(cp)
            * cachePerToken
            + a * batch * q * (kvr + rope + kvr) + cachePerToken * batch
            + windowRead)
        after = decodeMerge(label, count: count, heads: q, width: kvr)
      }
      ops.append(core)
      if let after { ops.append(after) }
      ops.append(
        projection(
          "\(label) o_proj", count: count, input: q * Double(m.vHeadDim),
          output: h))
      return ops
    }
    let kv = Double(Shard.perRank(at.kvHeads, tp) ?? at.kvHeads)
    let d = Double(at.headDim)
    // A gated attention's query projection also yields the output gate.
    let qOut = (at.outputGate ? 2 : 1) * q * d
    if scenario.engine.splitProjections {
      ops.append(
        projection(
          "\(label) q_proj", count: count, input: inWidth, output: qOut))
      ops.append(
        projection(
          "\(label) k_proj", count: count, input: inWidth, output: kv * d))
      ops.append(
        projection(
          "\(label) v_proj", count: count, input: inWidth, output: kv * d))
    } else {
      ops.append(
        projection(
          "\(label) qkv_proj", count: count, input: inWidth,
          output: qOut + 2 * kv * d))
    }
    if at.queryKeyNorm {
      // One norm over the queries, one over the keys, as the input norm
      // prices its width.
      var qk = norm("\(label) q, k norms", count: count)
      let scale = (q + kv) * d / h
      qk.flops *= scale
      qk.bytes *= scale
      qk.launches *= 2
      ops.append(qk)
    }
    let visits = pairs(at) * batch / Double(cp)
    var after: Operator?
    if phase == .prefill {
      let isUlysses = cp > 1 && scenario.plan.contextStrategy == .ulysses
      // Ulysses gives each rank q/cp heads (K/V heads split too, or
      // replicated when fewer than cp) over the whole sequence; ring
      // attention keeps the heads and does 1/cp of the work.
      let heads = isUlysses ? q / Double(cp) : q
      let kvHeads =
        isUlysses ? (Int(kv) % cp == 0 ? kv / Double(cp) : 1) : kv
      let share = isUlysses ? 1 : 1 / Double(cp)
      let n = Double(scenario.promptTokens)
      var keys = Double(scenario.cachedTokens) + n
      // The causal attentions the prefill runs: one per sequence, or, in
      // a chunked layer prefilling from the start, one per chunk (⌊n/C⌋
      // full ones and the rest), each over its own keys. (After a cached
      // prefix a chunked layer's K/V traffic is counted over the whole
      // context: an overestimate.)
      var pieces = [
        (batch: scenario.batch, length: scenario.promptTokens, keys: Int(keys))
      ]
      if let c = at.chunkSize, scenario.cachedTokens == 0,
        scenario.promptTokens > c
      {
        let rest = scenario.promptTokens % c
        pieces = [(scenario.batch * (scenario.promptTokens / c), c, c)]
        if rest > 0 { pieces.append((scenario.batch, rest, rest)) }
        keys = Double(c)
      }
      // Q, K, V read and O written, at least, and what the best tiling
      // moves beyond that.
      var compulsory = 0.0
      var traffic = 0.0
      var rowBlock = 128.0
      for (i, piece) in pieces.enumerated() {
        // A sliding window never reaches the keys more than W − 1 before
        // the first query.
        let reach = at.slidingWindow.map {
          min(piece.keys, piece.length + $0 - 1)
        }
        let least =
          a * Double(piece.batch)
          * (2 * Double(piece.length) * heads + 2 * Double(reach ?? piece.keys)
            * kvHeads) * d
        compulsory += least
        let shape = AttentionShape(
          batch: piece.batch, heads: Int(heads), kvHeads: Int(kvHeads),
          queryLength: piece.length, keyLength: piece.keys,
          headDim: at.headDim, causal: true, elementBytes: max(1, Int(a)),
          window: at.slidingWindow)
        guard
          let best = try? FlashAttentionIO.bestTiling(
            shape, sramBytes: scenario.sramBytes, order: .queryOuter,
            exhaustive: false)
        else {
          traffic += least
          continue
        }
        traffic += max(least, best.traffic.totalBytes)
        if i == 0 { rowBlock = Double(best.tiling.rowBlock) }
      }
      if isUlysses {
        let exchange = ulysses(
          label, count: count, input: (q + 2 * kv) * d, output: q * d)
        ops.append(exchange.before)
        after = exchange.after
      }
      var flash = Operator(
        name: "\(label) attention (FlashAttention-2)", kind: .attention,
        count: count,
        flops: 4 * d * visits * q, dataType: type,
        bytes: share * traffic + tokens * cachePerToken,
        collective: ringPasses(bytesPerToken: 2 * a * kv * d))
      if scenario.engine.modelsShortKernels {
        // Re-reads of K and V by each row block: served by a cache that
        // holds the K and V of the (batch, KV head) instances in flight
        // (``KernelCostModel``); softmax's exponentials, one per pair.
        flash.exponentials = visits * heads
        flash.reuseBytes = share * max(0, traffic - compulsory)
        let packed = n * heads / kvHeads
        let rowBlocks = max(1, (packed / rowBlock).rounded(.up))
        let instances = batch * kvHeads
        let units = Double(scenario.computeUnits)
        let inFlight = max(1, min(instances, units / rowBlocks))
        // Each row block's K, V and Q rows (FlashAttentionIO.cacheHitBytes),
        // its keys held to a sliding window's.
        let held = at.slidingWindow.map { min(keys, Double($0) + rowBlock) }
        flash.reuseWorkingSetBytes =
          inFlight * a * (2 * (held ?? keys) + rowBlock) * d
      }
      core = flash
    } else {
      core = Operator(
        name: "\(label) attention (decode, split-KV)", kind: .attention,
        count: count,
        // Scores over the kept key channels, outputs over whole values.
        flops: 2 * d * (1 + (scenario.cacheFormat.keyChannelFraction ?? 1))
          * visits * q, dataType: type,
        bytes: batch * pairs(at) / Double(cp)
          * cachePerToken
          + 2 * a * batch * q * d + batch * cachePerToken + windowRead)
      after = decodeMerge(label, count: count, heads: q, width: d)
    }
    ops.append(blockSparse(pageScored(core, at), at))
    if let after { ops.append(after) }
    if let selection = blockSelection(at, count: count, label: label) {
      ops.append(selection)
    }
    if let selection = evictionScoring(at, count: count, label: label) {
      ops.append(selection)
    }
    if at.outputGate {
      // sigmoid(gate) · output: reads both, writes one.
      ops.append(
        Operator(
          name: "\(label) output gate", kind: .elementwise, count: count,
          flops: 5 * tokens * q * d, dataType: type,
          bytes: 3 * a * tokens * q * d))
    }
    ops.append(
      projection("\(label) o_proj", count: count, input: q * d, output: h))
    return ops
  }
}
