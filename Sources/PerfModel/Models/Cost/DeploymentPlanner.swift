/// Searches device type × device count × split (tensor parallelism inside
/// each of `pp` pipeline stages, `min(pp, batch)` micro-batches) × batch
/// for the cheapest deployment that meets TTFT and TPOT targets and fits
/// in memory, and the Pareto front of cost against TPOT.
public enum DeploymentPlanner {
  /// One configuration tried.
  public struct Candidate: Sendable, Hashable, Codable {
    /// The device's catalogue name.
    public var device: String
    /// Devices: tensor-parallel × pipeline-parallel.
    public var devices: Int
    /// Tensor-parallel degree.
    public var tensorParallel: Int = 1
    /// Pipeline stages.
    public var pipelineParallel: Int = 1
    /// Concurrent sequences.
    public var batch: Int
    /// Time to first token, seconds.
    public var ttftSeconds: Double
    /// Time per output token, seconds.
    public var tpotSeconds: Double
    /// Output tokens per second.
    public var outputTokensPerSecond: Double
    /// What it costs.
    public var cost: DeploymentCost
  }

  /// What the search found.
  public struct Result: Sendable, Hashable, Codable {
    /// Every configuration that fits in memory and meets both targets,
    /// cheapest per output token first.
    public var feasible: [Candidate]
    /// Feasible candidates no other beats on both cost and TPOT.
    public var pareto: [Candidate]
    /// Why nothing is feasible, naming the constraint that binds.
    public var binding: String?
  }

  /// The targets and the request shape.
  public struct Request: Sendable, Hashable {
    /// Prompt tokens per request.
    public var promptTokens: Int
    /// Output tokens per request.
    public var outputTokens: Int
    /// Largest acceptable TTFT, seconds.
    public var ttftSeconds: Double
    /// Largest acceptable TPOT, seconds.
    public var tpotSeconds: Double
    /// Device counts to try.
    public var deviceCounts: [Int]
    /// Batches to try.
    public var batches: [Int]
    /// Pipeline degrees to try (each dividing the device count).
    public var pipelineDegrees: [Int]
    /// Devices one scale-up fabric joins.
    public var devicesPerNode: Int
    /// The engine whose kernels and launches are priced.
    public var engine: EngineProfile = .minimal
    /// Block-sparse prefill: the fraction of the key blocks each row block
    /// visits (``GraphScenario/attentionDensity``); `nil` is dense.
    public var attentionDensity: Double?

    /// Creates a request.
    public init(
      promptTokens: Int, outputTokens: Int, ttftSeconds: Double,
      tpotSeconds: Double,
      deviceCounts: [Int] = [1, 2, 4, 8],
      batches: [Int] = [1, 2, 4, 8, 16, 32, 64, 128, 256],
      pipelineDegrees: [Int] = [1, 2, 4], devicesPerNode: Int = .max
    ) {
      self.pipelineDegrees = pipelineDegrees
      self.devicesPerNode = devicesPerNode
      self.promptTokens = promptTokens
      self.outputTokens = outputTokens
      self.ttftSeconds = ttftSeconds
      self.tpotSeconds = tpotSeconds
      self.deviceCounts = deviceCounts
      self.batches = batches
    }
  }

  /// Searches `devices` (those with a price and the activation type),
  /// calling `progress` with each device's name once it is searched.
  public static func search(
    _ model: ModelArchitecture, devices: [DeviceSpec], request r: Request,
    weightType: DataType, weightQuantization: WeightQuantization? = nil,
    cacheFormat: StorageFormat, activationType: DataType = .bf16,
    efficiency: EfficiencyFactors, progress: (String) -> Void = { _ in }
  ) -> Result {
    var feasible: [Candidate] = []
    var bestTTFT: (Double, String)?
    var bestTPOT: (Double, String)?
    var anyFits = false
    // The first error that is not a lack of memory, if any, and whether
    // memory was short anywhere.
    var refusal: String?
    var memoryShort = false
    for device in devices {
      defer { progress(device.name) }
      guard let price = device.price else {
        refusal = refusal ?? "\(device.name): no price in its descriptor"
        continue
      }
      guard device.compute.peakFLOPsPerSecond(activationType) != nil else {
        refusal =
          refusal
          ?? "\(device.name): no \(activationType.rawValue) peak for the activations"
        continue
      }
      for count in r.deviceCounts {
        for pp in r.pipelineDegrees where count % pp == 0 {
          let tp = count / pp
          guard (try? model.checkTensorParallel(tp)) != nil,
            (try? model.checkPipelineParallel(pp)) != nil
          else { continue }
          for batch in r.batches {
            let plan = ParallelPlan(
              tensorParallel: tp, pipelineParallel: pp,
              microBatches: min(pp, batch))
            let memory = MemoryScenario(
              contextTokens: r.promptTokens + r.outputTokens, batch: batch,
              weightFormat: weightQuantization.map {
                .checkpoint($0, rest: weightType)
              } ?? .weights(weightType),
              cacheFormat: cacheFormat,
              activationDataType: activationType, plan: plan,
              allowBeyondModelContext: true)
            let fit: MemoryEstimate
            do {
              fit = try MemoryModel.estimate(model, on: device, memory)
            } catch {
              refusal = refusal ?? "\(device.name): \(error.message)"
              break
            }
            guard fit.fits else {
              memoryShort = true
              break  // larger batches will not fit either
            }
            anyFits = true
            var graph = GraphScenario(
              serving: memory, promptTokens: r.promptTokens,
              outputTokens: r.outputTokens, on: device,
              devicesPerNode: r.devicesPerNode)
            graph.engine = r.engine
            graph.attentionDensity = r.attentionDensity
            let p: ServingPrediction
            do {
              p = try ServingPrediction.predict(
                model, on: device, graph, outputTokens: r.outputTokens,
                efficiency: efficiency, calibration: device.calibration)
            } catch {
              refusal = refusal ?? "\(device.name): \(error.message)"
              continue
            }
            let name =
              "\(count) × \(device.name) (TP \(tp), PP \(pp)), batch \(batch)"
            if bestTTFT == nil || p.ttftSeconds < (bestTTFT?.0 ?? .infinity) {
              bestTTFT = (p.ttftSeconds, name)
            }
            if bestTPOT == nil || p.tpotSeconds < (bestTPOT?.0 ?? .infinity) {
              bestTPOT = (p.tpotSeconds, name)
            }
            guard p.ttftSeconds <= r.ttftSeconds, p.tpotSeconds <= r.tpotSeconds
            else { continue }
            feasible.append(
              Candidate(
                device: device.name, devices: count, tensorParallel: tp,
                pipelineParallel: pp, batch: batch,
                ttftSeconds: p.ttftSeconds,
                tpotSeconds: p.tpotSeconds,
                outputTokensPerSecond: p.outputTokensPerSecond,
                cost: DeploymentCost(
                  p, promptTokens: r.promptTokens, devices: count,
                  usdPerDeviceHour: price.usdPerHour)
              ))
          }
        }
      }
    }
    feasible.sort {
      $0.cost.usdPerMillionOutputTokens < $1.cost.usdPerMillionOutputTokens
    }
    var pareto: [Candidate] = []
    var fastest = Double.infinity
    for c in feasible where c.tpotSeconds < fastest {
      pareto.append(c)
      fastest = c.tpotSeconds
    }
    var binding: String?
    func ms(_ seconds: Double) -> String {
      String(format: "%.1f ms", seconds * 1000)
    }
    if feasible.isEmpty {
      if let refusal, bestTTFT == nil {
        // Nothing could be priced: say why (a data type a device lacks),
        // and whether memory was also short.
        binding =
          refusal
          + (memoryShort
            ? "; elsewhere memory: no count tried holds the weights and one request's cache"
            : "")
      } else if !anyFits {
        binding =
          "memory: no device and count tried holds the weights and one request's cache"
      } else if let t = bestTTFT, t.0 > r.ttftSeconds {
        binding =
          "TTFT: the fastest prefill is \(ms(t.0)) (\(t.1)), above the \(ms(r.ttftSeconds)) target"
      } else if let t = bestTPOT, t.0 > r.tpotSeconds {
        binding =
          "TPOT: the fastest decode step is \(ms(t.0)) (\(t.1)), above the \(ms(r.tpotSeconds)) target"
      } else {
        binding =
          "TTFT and TPOT: no single configuration meets both targets at once"
      }
    }
    return Result(feasible: feasible, pareto: pareto, binding: binding)
  }
}
