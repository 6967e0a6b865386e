extension Builder {
  func mixer(_ mixer: MixerSpec, count: Int, label: String) -> [Operator] {
    switch mixer {
    case .attention(let attention):
      return self.attention(attention, count: count, label: label)
    case .stateSpace(let ssm):
      return stateSpace(ssm, count: count, label: label)
    case .linearAttention(let linear):
      return self.linear(linear, count: count, label: label)
    }
  }

  /// Query-key pairs one sequence's attention visits over all
  /// context-parallel ranks: causal prefill of the pass's `n` tokens after
  /// `P` cached ones (row `i` sees `P + i` keys), or one query over the
  /// context; both capped by a window.
  func pairs(window: Int?) -> Double {
    let w = Double(window ?? Int.max)
    if phase == .decode { return min(Double(scenario.contextTokens), w) }
    let n = Double(scenario.promptTokens)
    let p = Double(scenario.cachedTokens)
    // Rows below the window see P + i keys; the rest see w each.
    let k = max(0, min(n, w - p))
    return k * p + k * (k + 1) / 2 + (n - k) * w
  }

  /// The context-parallel group's layout: `cp` ranks a tensor-parallel
  /// group apart.
  var contextCrossesNodes: Bool {
    scenario.crossesNodes(ranks: cp, stride: tp)
  }

  /// Ulysses' all-to-alls around attention: Q, K and V of this rank's
  /// tokens to a head split, and the output back (not overlapped).
  func ulysses(
    _ label: String, count: Int, input: Double, output: Double
  ) -> (before: Operator, after: Operator) {
    (
      communication(
        "\(label) Ulysses all-to-all (Q, K, V)", count: count, .allToAll,
        bytes: a * tokens * input, ranks: cp, stride: tp),
      communication(
        "\(label) Ulysses all-to-all (O)", count: count, .allToAll,
        bytes: a * tokens * output, ranks: cp, stride: tp)
    )
  }

  /// Ring attention's key/value passes: `cp − 1` hand-offs of this rank's
  /// block of `bytesPerToken` keys, overlapped with its attention.
  func ringPasses(bytesPerToken: Double) -> CollectiveDemand? {
    guard cp > 1, scenario.plan.contextStrategy == .ring else { return nil }
    let keys =
      Double(scenario.batch)
      * Double(scenario.cachedTokens + scenario.promptTokens) / Double(cp)
    return CollectiveDemand(
      .sendRecv, bytes: keys * bytesPerToken, ranks: 2, repeats: cp - 1,
      crossesNodes: contextCrossesNodes)
  }

  /// Context-parallel decode's merge: each rank's partial output and
  /// log-sum-exp per query head, fp32, all-gathered.
  func decodeMerge(_ label: String, count: Int, heads: Double, width: Double)
    -> Operator?
  {
    guard cp > 1, phase == .decode else { return nil }
    return communication(
      "\(label) attention merge (context-parallel)", count: count, .allGather,
      bytes: Double(cp) * Double(scenario.batch) * heads * (width + 1) * 4,
      ranks: cp, stride: tp)
  }

  func attention(_ at: AttentionSpec, count: Int, label: String) -> [Operator] {
    let q = Double(at.queryHeads / tp)
    let batch = Double(scenario.batch)
    var ops: [Operator] = []
    let cachePerToken = LayerSpec(
      mixer: .attention(at), feedForward: .none, normParameters: 0
    ).cacheBytesPerToken(tensorParallel: tp, format: scenario.cacheFormat)
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
      let visits = pairs(window: at.slidingWindow) * batch / Double(cp)
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
          bytes: batch * pairs(window: at.slidingWindow) / Double(cp)
            * cachePerToken
            + a * batch * q * (kvr + rope + kvr) + cachePerToken * batch)
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
    if scenario.engine.splitProjections {
      ops.append(
        projection("\(label) q_proj", count: count, input: h, output: q * d))
      ops.append(
        projection("\(label) k_proj", count: count, input: h, output: kv * d))
      ops.append(
        projection("\(label) v_proj", count: count, input: h, output: kv * d))
    } else {
      ops.append(
        projection(
          "\(label) qkv_proj", count: count, input: h,
          output: (q + 2 * kv) * d))
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
    let visits = pairs(window: at.slidingWindow) * batch / Double(cp)
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
      let keys = Double(scenario.cachedTokens) + n
      // Q, K, V read and O written, at least.
      let compulsory = a * batch * (2 * n * heads + 2 * keys * kvHeads) * d
      var traffic = compulsory
      var rowBlock = 128.0
      let shape = AttentionShape(
        batch: scenario.batch, heads: Int(heads), kvHeads: Int(kvHeads),
        queryLength: scenario.promptTokens, keyLength: Int(keys),
        headDim: at.headDim, causal: true, elementBytes: max(1, Int(a)))
      if let best = try? FlashAttentionIO.bestTiling(
        shape, sramBytes: scenario.sramBytes, order: .queryOuter,
        exhaustive: false)
      {
        traffic = max(traffic, best.traffic.totalBytes)
        rowBlock = Double(best.tiling.rowBlock)
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
        // Each row block's K, V and Q rows (FlashAttentionIO.cacheHitBytes).
        flash.reuseWorkingSetBytes = inFlight * a * (2 * keys + rowBlock) * d
      }
      core = flash
    } else {
      core = Operator(
        name: "\(label) attention (decode, split-KV)", kind: .attention,
        count: count,
        flops: 4 * d * visits * q, dataType: type,
        bytes: batch * pairs(window: at.slidingWindow) / Double(cp)
          * cachePerToken
          + 2 * a * batch * q * d + batch * cachePerToken)
      after = decodeMerge(label, count: count, heads: q, width: d)
    }
    ops.append(core)
    if let after { ops.append(after) }
    ops.append(
      projection("\(label) o_proj", count: count, input: q * d, output: h))
    return ops
  }

  func stateSpace(_ s: StateSpaceSpec, count: Int, label: String) -> [Operator]
  {
    let di = Double(s.innerSize / tp)
    let n = Double(s.stateSize)
    let groups = Double(Shard.perRank(s.groups, tp) ?? s.groups)
    let heads = Double(s.heads / tp)
    let state = LayerSpec(
      mixer: .stateSpace(s), feedForward: .none, normParameters: 0
    )
    .stateBytes(tensorParallel: tp, format: scenario.cacheFormat)
    let inWidth = s.version == 1 ? 2 * di : 2 * di + 2 * groups * n + heads
    let convChannels = s.version == 1 ? di : di + 2 * groups * n
    var ops = [
      projection("\(label) in_proj", count: count, input: h, output: inWidth)
    ]
    let engineKernels =
      phase == .decode
      ? scenario.engine.ssmDecodeKernels : scenario.engine.ssmPrefillKernels
    if s.version == 2, !engineKernels.isEmpty {
      // The engine's own kernels stand for the convolution and the scan.
      let p = Double(s.headDim)
      let chunk = 256.0
      let chunks = max(1, (Double(scenario.promptTokens) / chunk).rounded(.up))
      let widths: (EngineProfile.Width) -> Double = { w in
        switch w {
        case .hidden: self.h
        case .ssmChannels: convChannels
        case .ssmConvWindow: convChannels * Double(s.convKernel)
        case .ssmHeads: heads
        case .ssmInner: di
        case .ssmHeadStates: heads * n
        case .ssmState: heads * p * n
        case .ssdScores: heads * chunk
        case .ssdScoreStates: heads * chunk * n
        case .ssdScoreValues: heads * chunk * p
        case .ssdInterChunk:
          heads * p * n * (chunks + 1) * (chunks + 1) / (chunks * chunk)
        case .ssdFLOPs: heads * (2 * chunk * (n + p) + 4 * n * p)
        default: 0
        }
      }
      ops += shortKernels(
        engineKernels, count: count, label: label, widths: widths)
      ops.append(
        projection("\(label) out_proj", count: count, input: di, output: h))
      ops += shortKernels(
        scenario.engine.ssmPostKernels, count: count, label: label,
        widths: widths)
      return ops
    }
    ops.append(
      Operator(
        name: "\(label) conv1d", kind: .convolution, count: count,
        flops: 2 * tokens * convChannels * Double(s.convKernel), dataType: type,
        bytes: 2 * a * tokens * convChannels))
    if s.version == 1 {
      ops.append(
        projection(
          "\(label) x_proj", count: count, input: di,
          output: Double(s.timeStepRank) + 2 * n))
      ops.append(
        projection(
          "\(label) dt_proj", count: count, input: Double(s.timeStepRank),
          output: di))
    }
    let scanBytes: Double
    if phase == .prefill {
      scanBytes =
        SelectiveScanIO.traffic(
          batch: scenario.batch, length: scenario.promptTokens,
          channels: Int(di),
          stateSize: s.stateSize, channelBlock: max(1, Int(di)),
          elementBytes: max(1, Int(a))
        ).totalBytes + Double(scenario.batch) * state
    } else {
      scanBytes = Double(scenario.batch) * 2 * state + a * tokens * 3 * di
    }
    ops.append(
      Operator(
        name: "\(label) selective scan", kind: .scan, count: count,
        flops: 7 * tokens * di * n,
        dataType: type, bytes: scanBytes))
    ops.append(
      projection("\(label) out_proj", count: count, input: di, output: h))
    return ops
  }

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
