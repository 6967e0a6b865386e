extension ModelArchitecture {
  /// Calls `body` with each run of identical layers that falls in `range`,
  /// clipped to it.
  public func forEachLayerGroup(
    in range: Range<Int>, _ body: (_ count: Int, _ layer: LayerSpec) -> Void
  ) {
    var start = 0
    for group in layerGroups {
      let end = start + group.count
      let lo = max(start, range.lowerBound)
      let hi = min(end, range.upperBound)
      if lo < hi { body(hi - lo, group.layer) }
      start = end
      if start >= range.upperBound { break }
    }
  }

  /// Parameters of the whole model: layers, embeddings (token and learned
  /// position), the LM head unless tied, and the final norm.
  public var totalParameters: Double {
    var total = 0.0
    for group in layerGroups {
      total +=
        Double(group.count)
        * group.layer.parameters(hiddenSize: hiddenSize, tensorParallel: 1)
    }
    return total + embeddingParameters(tensorParallel: 1)
      + (tieWordEmbeddings ? 0 : lmHeadParameters(tensorParallel: 1))
      + Double(finalNormParameters)
  }

  /// Parameters one token reads: all but the routed experts it skips.
  ///
  /// Equal to ``totalParameters`` for dense models.
  public var activeParametersPerToken: Double {
    var total = 0.0
    for group in layerGroups {
      total +=
        Double(group.count)
        * group.layer.activeParameters(
          hiddenSize: hiddenSize, tensorParallel: 1)
    }
    return total + embeddingParameters(tensorParallel: 1)
      + (tieWordEmbeddings ? 0 : lmHeadParameters(tensorParallel: 1))
      + Double(finalNormParameters)
  }

  /// Token (and learned position) embedding parameters on one rank; the
  /// vocabulary is split over ranks (vocab-parallel, rows rounded up).
  public func embeddingParameters(tensorParallel tp: Int) -> Double {
    let rows = (vocabSize + tp - 1) / tp
    return Double(rows * hiddenSize + positionEmbeddings * hiddenSize)
  }

  /// LM head parameters on one rank (vocab-parallel).
  public func lmHeadParameters(tensorParallel tp: Int) -> Double {
    Double((vocabSize + tp - 1) / tp * hiddenSize)
  }

  /// KV-cache bytes one token adds across all layers, unsplit (one rank
  /// holding the whole model), ignoring sliding-window caps.
  ///
  /// For Llama-3-8B in bf16: `2 · 32 layers · 8 heads · 128 · 2 B = 131072`.
  public func cacheBytesPerToken(format: StorageFormat) -> Double {
    var total = 0.0
    for group in layerGroups {
      total +=
        Double(group.count)
        * group.layer.cacheBytesPerToken(tensorParallel: 1, format: format)
    }
    return total
  }

  /// Fixed recurrent-state bytes per request across all layers, unsplit.
  public func stateBytesPerRequest(format: StorageFormat) -> Double {
    var total = 0.0
    for group in layerGroups {
      total +=
        Double(group.count)
        * group.layer.stateBytes(tensorParallel: 1, format: format)
    }
    return total
  }

  /// Cache bytes of one request of `context` tokens, unsplit: KV capped at
  /// each layer's window, plus recurrent state.
  public func cacheBytesPerRequest(context: Double, format: StorageFormat)
    -> Double
  {
    cacheBytes(
      context: context, layers: 0..<layerCount, tensorParallel: 1,
      format: format)
  }

  /// Cache bytes of one request in the layers `range`, on one of `tp` ranks.
  public func cacheBytes(
    context: Double, layers range: Range<Int>, tensorParallel tp: Int,
    format: StorageFormat
  ) -> Double {
    var total = 0.0
    forEachLayerGroup(in: range) { count, layer in
      total +=
        Double(count)
        * layer.cacheBytes(context: context, tensorParallel: tp, format: format)
    }
    return total
  }

  /// Cache bytes of one request in the layers `range` on one device of
  /// `plan`: heads split over its tensor-parallel ranks, positions over its
  /// context-parallel ranks.
  public func cacheBytes(
    context: Double, layers range: Range<Int>, plan: ParallelPlan,
    format: StorageFormat
  ) -> Double {
    cacheBytes(
      context: context, layers: range, tensorParallel: plan.tensorParallel,
      format: format) / Double(plan.contextParallel)
  }
}
