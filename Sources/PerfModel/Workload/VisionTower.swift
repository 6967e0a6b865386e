/// A multimodal checkpoint's vision encoder and projector, counted apart
/// from the language model it feeds (whose layers the other models size).
public struct VisionTower: Sendable, Hashable, Codable {
  /// What it is (`CLIP ViT, 24 layers × 1024`).
  public var summary: String
  /// The encoder's parameters; `nil` when this encoder is not counted.
  public var encoderParameters: Int?
  /// The projector's parameters into the language model's width.
  public var projectorParameters: Int?

  /// Creates a tower.
  public init(
    summary: String, encoderParameters: Int?, projectorParameters: Int?
  ) {
    self.summary = summary
    self.encoderParameters = encoderParameters
    self.projectorParameters = projectorParameters
  }

  /// A ViT encoder's parameters (CLIP's and SigLIP's vision models, as
  /// transformers builds them): a patch convolution (3 · p² · d, plus d
  /// with a bias), position embeddings (one per patch, plus a class token
  /// and its embedding with `classToken`), a LayerNorm before the layers
  /// (CLIP), and per layer q, k, v, o with biases, two LayerNorms and a
  /// two-matrix MLP with biases; a LayerNorm after.
  public static func vitParameters(
    layers: Int, hidden d: Int, intermediate i: Int, patch p: Int,
    image: Int, classToken: Bool, patchBias: Bool, preNorm: Bool
  ) -> Int {
    let patches = (image / p) * (image / p)
    let embeddings =
      3 * p * p * d + (patchBias ? d : 0)
      + (patches + (classToken ? 1 : 0)) * d + (classToken ? d : 0)
    let layer = 4 * (d * d + d) + 2 * 2 * d + (d * i + i) + (i * d + d)
    return embeddings + (preNorm ? 2 * d : 0) + layers * layer + 2 * d
  }
}
