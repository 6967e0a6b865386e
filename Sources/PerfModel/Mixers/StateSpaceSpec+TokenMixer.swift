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
extension StateSpaceSpec: TokenMixer {
  public var familyTags: [String] {
    [version == 1 ? "SSM (Mamba)" : "SSM (Mamba-2)"]
  }

  public var kind: String { "ssm" }

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
      + di  // gated RMSNorm
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

  public func cacheBytesPerToken(tensorParallel tp: Int, format: StorageFormat)
    -> Double
  { 0 }

  public func cachedTokens(context: Double) -> Double { 0 }

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
