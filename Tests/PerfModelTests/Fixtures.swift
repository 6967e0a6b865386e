import PerfModel
import Testing

/// Architectures built in code from their published configs, so the model
/// library is tested without the I/O layer.
enum Fixtures {
  /// A Llama-style decoder: RMSNorm, GQA, SwiGLU.
  static func llama(
    name: String, hidden: Int, intermediate: Int, layers: Int, heads: Int,
    kvHeads: Int,
    vocab: Int, context: Int, window: Int? = nil
  ) -> ModelArchitecture {
    let layer = LayerSpec(
      mixer: .attention(
        AttentionSpec(
          queryHeads: heads, kvHeads: kvHeads, headDim: hidden / heads,
          slidingWindow: window)),
      feedForward: .dense(MLPSpec(intermediateSize: intermediate, gated: true)),
      normParameters: 2 * hidden)
    return ModelArchitecture(
      name: name, modelType: "llama", hiddenSize: hidden, vocabSize: vocab,
      maxContextTokens: context, tieWordEmbeddings: false,
      finalNormParameters: hidden,
      layerGroups: [LayerGroup(count: layers, layer: layer)],
      weightDataType: .bf16,
      source: "test")
  }

  /// Llama-3-8B (meta-llama/Meta-Llama-3-8B config.json).
  static let llama3With8B = llama(
    name: "llama-3-8b", hidden: 4096, intermediate: 14336, layers: 32,
    heads: 32, kvHeads: 8,
    vocab: 128256, context: 8192)

  /// Llama-3-70B (meta-llama/Meta-Llama-3-70B config.json).
  static let llama3With70B = llama(
    name: "llama-3-70b", hidden: 8192, intermediate: 28672, layers: 80,
    heads: 64, kvHeads: 8,
    vocab: 128256, context: 8192)

  /// Mistral-7B-v0.1: sliding window 4096.
  static let mistral7B = llama(
    name: "mistral-7b", hidden: 4096, intermediate: 14336, layers: 32,
    heads: 32, kvHeads: 8,
    vocab: 32000, context: 32768, window: 4096)

  /// Mamba-2.8B (state-spaces/mamba-2.8b-hf config.json).
  static let mamba2Point8B = ModelArchitecture(
    name: "mamba-2.8b", modelType: "mamba", hiddenSize: 2560, vocabSize: 50280,
    maxContextTokens: 1 << 40, tieWordEmbeddings: true,
    finalNormParameters: 2560,
    layerGroups: [
      LayerGroup(
        count: 64,
        layer: LayerSpec(
          mixer: .stateSpace(
            .mamba1(
              innerSize: 5120, stateSize: 16, convKernel: 4, timeStepRank: 160)),
          feedForward: .none, normParameters: 2560))
    ], weightDataType: .bf16, source: "test")

  /// Mamba2-780m: d_model 1536, 48 layers, d_state 128, 48 heads of 64.
  static let mamba2With780M = ModelArchitecture(
    name: "mamba2-780m", modelType: "mamba2", hiddenSize: 1536,
    vocabSize: 50288,
    maxContextTokens: 1 << 40, tieWordEmbeddings: true,
    finalNormParameters: 1536,
    layerGroups: [
      LayerGroup(
        count: 48,
        layer: LayerSpec(
          mixer: .stateSpace(
            .mamba2(
              innerSize: 3072, stateSize: 128, convKernel: 4, heads: 48,
              groups: 1)),
          feedForward: .none, normParameters: 1536))
    ], weightDataType: .bf16, source: "test")

  /// DeepSeek-V3's attention: MLA, 128 heads, latent 512 + rope 64.
  static let deepSeekMLA = ModelArchitecture(
    name: "mla", modelType: "deepseek_v3", hiddenSize: 7168, vocabSize: 129280,
    maxContextTokens: 163840, tieWordEmbeddings: false,
    finalNormParameters: 7168,
    layerGroups: [
      LayerGroup(
        count: 61,
        layer: LayerSpec(
          mixer: .attention(
            AttentionSpec(
              queryHeads: 128, kvHeads: 128, headDim: 192,
              latent: LatentAttentionSpec(
                queryLoraRank: 1536, kvLoraRank: 512, qkNopeHeadDim: 128,
                qkRopeHeadDim: 64,
                vHeadDim: 128))),
          feedForward: .dense(MLPSpec(intermediateSize: 18432, gated: true)),
          normParameters: 2 * 7168))
    ], weightDataType: .bf16, source: "test")

  /// Jamba's pattern: 8 layers with attention at index 4, Mamba elsewhere.
  static let jambaLike: ModelArchitecture = {
    let attention = LayerSpec(
      mixer: .attention(
        AttentionSpec(queryHeads: 32, kvHeads: 8, headDim: 128)),
      feedForward: .dense(MLPSpec(intermediateSize: 14336, gated: true)),
      normParameters: 2 * 4096)
    let mamba = LayerSpec(
      mixer: .stateSpace(
        .mamba1(
          innerSize: 8192, stateSize: 16, convKernel: 4, timeStepRank: 256)),
      feedForward: .dense(MLPSpec(intermediateSize: 14336, gated: true)),
      normParameters: 2 * 4096)
    let layers = (0..<32).map { $0 % 8 == 4 ? attention : mamba }
    return ModelArchitecture(
      name: "jamba-like", modelType: "jamba", hiddenSize: 4096,
      vocabSize: 65536,
      maxContextTokens: 262144, tieWordEmbeddings: false,
      finalNormParameters: 4096,
      layerGroups: ModelArchitecture.groups(layers), weightDataType: .bf16,
      source: "test")
  }()

  /// A device with only what the memory model reads: main-memory capacity.
  static func device(capacityBytes: Double) -> DeviceSpec {
    DeviceSpec(
      name: "test", displayName: "test", vendor: "test", kind: .gpu,
      compute: ComputeSpec(
        clockHertz: 1e9, unitCount: 1, unitName: "SM",
        matrixFLOPsPerSecond: [.bf16: 1e12],
        vectorFLOPsPerSecond: [:]),
      memoryLevels: [
        MemoryLevel(
          name: "HBM", kind: .main, capacityBytes: capacityBytes,
          perUnit: false,
          bandwidthBytesPerSecond: 1e12)
      ],
      interconnect: InterconnectSpec(
        scaleUp: nil, hostLink: nil, scaleOut: nil),
      hostMemory: nil, tdpWatts: nil, price: nil, sources: [:])
  }

  /// An 80 GiB device (H100 SXM's HBM3).
  static let h100 = device(capacityBytes: 80 * 1_073_741_824)
}

extension ModelArchitecture: CustomTestStringConvertible {
  public var testDescription: String { name }
}
