/// A model architecture: embeddings, a stack of layers, and the LM head.
///
/// Layers are stored as runs of identical layers, so a 126-layer dense model
/// is one group and a hybrid (Jamba) keeps its exact interleaving.
public struct ModelArchitecture: Sendable, Hashable, Codable {
  /// The catalogue name (kebab case) or the config file's stem.
  public var name: String
  /// The Hugging Face `model_type` the architecture was read as.
  public var modelType: String
  /// Residual stream width.
  public var hiddenSize: Int
  /// Vocabulary size (rows of the embedding and the LM head).
  public var vocabSize: Int
  /// The longest context the model supports (`max_position_embeddings`).
  public var maxContextTokens: Int
  /// Learned absolute position embeddings (GPT-3); 0 with rotary or ALiBi.
  public var positionEmbeddings: Int
  /// Whether the LM head shares the embedding matrix.
  public var tieWordEmbeddings: Bool
  /// Parameters of the final norm.
  public var finalNormParameters: Int
  /// The layers, in order, as runs of identical layers.
  public var layerGroups: [LayerGroup]
  /// The data type the published weights are stored in (`torch_dtype`).
  public var weightDataType: DataType
  /// The layers' linear-weight type in a quantized checkpoint.
  ///
  /// Read from `quantization_config` (DeepSeek-V3 ships fp8); embeddings,
  /// norms and the LM head stay in ``weightDataType``.
  public var quantizedWeightDataType: DataType?
  /// How a quantized checkpoint stores its linear weights (AWQ, GPTQ,
  /// bitsandbytes, fp8, mxfp4, …), from `quantization_config`.
  public var weightQuantization: WeightQuantization?
  /// A multimodal checkpoint's vision encoder and projector, counted apart
  /// (``totalParameters`` is the language model's).
  public var vision: VisionTower?
  /// Where the architecture was transcribed from.
  public var source: String

  /// Creates a model architecture.
  public init(
    name: String, modelType: String, hiddenSize: Int, vocabSize: Int,
    maxContextTokens: Int, positionEmbeddings: Int = 0, tieWordEmbeddings: Bool,
    finalNormParameters: Int,
    layerGroups: [LayerGroup], weightDataType: DataType,
    quantizedWeightDataType: DataType? = nil,
    weightQuantization: WeightQuantization? = nil, source: String
  ) {
    precondition(!layerGroups.isEmpty, "a model has at least one layer")
    self.name = name
    self.modelType = modelType
    self.hiddenSize = hiddenSize
    self.vocabSize = vocabSize
    self.maxContextTokens = maxContextTokens
    self.positionEmbeddings = positionEmbeddings
    self.tieWordEmbeddings = tieWordEmbeddings
    self.finalNormParameters = finalNormParameters
    self.layerGroups = layerGroups
    self.weightDataType = weightDataType
    self.quantizedWeightDataType = quantizedWeightDataType
    self.weightQuantization = weightQuantization
    self.source = source
  }

  /// How a scenario stores the weights: as `override` when one is given,
  /// else as the checkpoint stores them (its quantization, or its dtype).
  public func weightFormat(override: DataType?) -> StorageFormat {
    if let override { return .weights(override) }
    if let q = weightQuantization {
      return .checkpoint(q, rest: weightDataType)
    }
    return .weights(quantizedWeightDataType ?? weightDataType)
  }

  /// Builds the layer groups from a per-layer list, merging neighbours that
  /// are identical.
  public static func groups(_ layers: [LayerSpec]) -> [LayerGroup] {
    var groups: [LayerGroup] = []
    for layer in layers {
      if let last = groups.last, last.layer == layer {
        groups[groups.count - 1].count += 1
      } else {
        groups.append(LayerGroup(count: 1, layer: layer))
      }
    }
    return groups
  }

  /// Total number of layers.
  public var layerCount: Int { layerGroups.reduce(0) { $0 + $1.count } }

  /// The layer at `index`, counting from 0.
  public func layer(at index: Int) -> LayerSpec {
    precondition(index >= 0 && index < layerCount)
    var remaining = index
    for group in layerGroups {
      if remaining < group.count { return group.layer }
      remaining -= group.count
    }
    return layerGroups[layerGroups.count - 1].layer
  }
}
