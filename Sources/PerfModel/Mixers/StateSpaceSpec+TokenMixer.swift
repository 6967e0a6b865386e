/// Selective state-space mixers: Mamba-1 and Mamba-2 (SSD).
///
///     parameters   Mamba-1: in_proj (x, z), conv1d (+ bias), x_proj → Δ, B, C,
///                  dt_proj (+ bias), A_log, D, out_proj
///                  Mamba-2: in_proj (z, x, B, C, Δ), conv1d (+ bias), dt_bias,
///                  A_log, D, gated RMSNorm, out_proj
///     KV cache     none; a state per request: the convolution window and
///                  the SSM state (Mamba-1 d_inner·N, Mamba-2 heads·P·N)
///     activations  Mamba-1 3·d_inner (x, z, scan output);
///                  Mamba-2 in_proj output + d_inner
///
/// Inner channels and heads split over tensor-parallel ranks; Mamba-2's
/// B/C groups split, or are replicated when fewer than the ranks.
extension StateSpaceSpec: RecurrentMixer {
  public var familyTags: [String] {
    [version == 1 ? "SSM (Mamba)" : "SSM (Mamba-2)"]
  }

  public var kind: String { "ssm" }

  public var summary: String {
    "Mamba-\(version) inner \(innerSize), state \(stateSize)"
  }

  /// Mamba-1's inner channels, or Mamba-2's heads, split evenly; Mamba-2's
  /// B/C groups split, or are replicated when fewer than the ranks.
  public func checkTensorParallel(_ tp: Int, model: String) throws(PlanError) {
    if version == 1 {
      try Shard.requireEven(innerSize, tp, "SSM inner channels", model: model)
      return
    }
    try Shard.requireEven(heads, tp, "SSM heads", model: model)
    guard Shard.perRank(groups, tp) != nil else {
      throw PlanError(
        .tensorParallel,
        "tensor-parallel degree \(tp) does not divide the \(groups) SSM groups of \(model), nor do they divide it"
      )
    }
  }

  public func parameters(hiddenSize: Int, tensorParallel tp: Int) -> Double {
    let h = Double(hiddenSize)
    let di = Double(innerSize / tp)
    let n = Double(stateSize)
    let k = Double(convKernel)
    if version == 1 {
      let r = Double(timeStepRank)
      return h * 2 * di  // in_proj (x and z)
        + di * k + di  // conv1d weight and bias
        + di * (r + 2 * n)  // x_proj → Δ, B, C
        + r * di + di  // dt_proj weight and bias
        + di * n + di  // A_log, D
        + di * h  // out_proj
    }
    let g = Double(Shard.perRank(groups, tp) ?? groups)
    let heads = Double(self.heads / tp)
    let convChannels = di + 2 * g * n
    return h * (2 * di + 2 * g * n + heads)  // in_proj (z, x, B, C, Δ)
      + convChannels * k + convChannels  // conv1d weight and bias
      + 3 * heads  // dt_bias, A_log, D
      + (gatedNorm ? di : 0)  // gated RMSNorm
      + di * h  // out_proj
  }

  public func linearWeights(hiddenSize: Int, tensorParallel tp: Int)
    -> LinearWeights
  {
    let h = Double(hiddenSize)
    var w = LinearWeights()
    let di = Double(innerSize / tp)
    let n = Double(stateSize)
    if version == 1 {
      let r = Double(timeStepRank)
      w.add(input: h, output: 2 * di)
      w.add(input: di, output: r + 2 * n)
      w.add(input: r, output: di)
    } else {
      let g = Double(Shard.perRank(groups, tp) ?? groups)
      w.add(input: h, output: 2 * di + 2 * g * n + Double(heads / tp))
    }
    w.add(input: di, output: h)
    return w
  }

  public func stateBytes(tensorParallel tp: Int, format: StorageFormat)
    -> Double
  {
    let di = innerSize / tp
    let conv: Int
    let ssm: Int
    if version == 1 {
      conv = di * convKernel
      ssm = di * stateSize
    } else {
      let g = Shard.perRank(groups, tp) ?? groups
      conv = (di + 2 * g * stateSize) * convKernel
      ssm = (heads / tp) * headDim * stateSize
    }
    return format.bytes(elements: Double(conv), vectorLength: convKernel)
      + format.bytes(elements: Double(ssm), vectorLength: stateSize)
  }

  public func activationWidth(tensorParallel tp: Int) -> Double {
    let di = Double(innerSize / tp)
    if version == 1 { return 3 * di }
    let g = Double(Shard.perRank(groups, tp) ?? groups)
    return 2 * di + 2 * g * Double(stateSize) + Double(heads / tp) + di
  }
}

/// Its operators in a phase's graph: the projections, the convolution and
/// the selective scan (or an engine's own kernels for Mamba-2).
extension Builder {
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
        case .ssdOperands:
          heads * (4 * n + 2 * chunk + 4 * p + 2 * p * n / chunk)
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
}
