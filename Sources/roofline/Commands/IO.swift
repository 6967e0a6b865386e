import ArgumentParser
import KernelExecutor
import PerfIO
import PerfModel

extension RooflineCommand {
  /// `roofline io`: slow-memory traffic of attention for an SRAM size.
  struct IO: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "io",
      abstract:
        "Bytes attention moves between slow memory and an SRAM of M bytes, and the bound.",
      discussion: """
        Models FlashAttention-1 (fa1), FlashAttention-2 (fa2) or standard attention for the
        given tiles (default: the tiles that minimise traffic in M). --count also runs the
        instrumented kernel on a simulated SRAM of M bytes and prints the bytes it moved.
        The lower bound is Saha & Ye (2024), up to its constant factor.
        """)

    enum Algorithm: String, ExpressibleByArgument, CaseIterable {
      case fa1, fa2, standard
    }

    @Option(help: "fa1, fa2 or standard.") var algorithm: Algorithm = .fa2
    @Option(parsing: .unconditional, help: "Sequence length N.") var n = 1024
    @Option(parsing: .unconditional, help: "Head dimension d.") var d = 64
    @Option(parsing: .unconditional, help: "Query heads.") var heads = 1
    @Option(parsing: .unconditional, help: "KV heads (default: heads).")
    var kvHeads: Int?
    @Option(parsing: .unconditional, help: "Sequences.") var batch = 1
    @Flag(help: "Causal mask.") var causal = false
    @Option(
      parsing: .unconditional,
      help:
        "Sliding window: keys a query sees at most, its own included (with --causal; fa1 or fa2)."
    )
    var window: Int?
    @Option(
      name: .customLong("sram-bytes"), parsing: .unconditional,
      help: "SRAM size M in bytes.")
    var sramBytes = 65536
    @Option(parsing: .unconditional, help: "Bytes per element.")
    var elementBytes = 4
    @Option(parsing: .unconditional, help: "Packed query rows per tile (B_r).")
    var rowBlock: Int?
    @Option(parsing: .unconditional, help: "Keys per tile (B_c).")
    var columnBlock: Int?
    @Option(
      parsing: .unconditional,
      help: "Head-dimension slice for standard attention (b_k).")
    var innerBlock: Int?
    @Flag(help: "Also run the instrumented kernel and compare counted bytes.")
    var count = false
    @OptionGroup var output: OutputOptions

    static func integerText(_ value: Double) -> String {
      value < 1e18 ? String(Int(value)) : String(format: "%.3g", value)
    }

    func validate() throws {
      for (flag, value) in [
        ("--n", n), ("--d", d), ("--heads", heads), ("--batch", batch),
        ("--sram-bytes", sramBytes), ("--element-bytes", elementBytes),
        ("--row-block", rowBlock ?? 1), ("--column-block", columnBlock ?? 1),
        ("--inner-block", innerBlock ?? 1),
      ] where value < 1 {
        throw ValidationError("\(flag) must be at least 1, got \(value)")
      }
      // Beyond these the counts the model multiplies would overflow.
      for (flag, value, most) in [
        ("--n", n, 1 << 24), ("--d", d, 1 << 16), ("--heads", heads, 1 << 16),
        ("--batch", batch, 1 << 20), ("--sram-bytes", sramBytes, 1 << 40),
        ("--element-bytes", elementBytes, 64),
        ("--row-block", rowBlock ?? 1, 1 << 26),
        ("--column-block", columnBlock ?? 1, 1 << 26),
        ("--inner-block", innerBlock ?? 1, 1 << 16),
      ] where value > most {
        throw ValidationError(
          "\(flag) \(value) is beyond what the model computes; at most \(most)")
      }
      if let window {
        guard (1...(1 << 24)).contains(window) else {
          throw ValidationError(
            "--window must be 1 to 16777216 keys, got \(window)")
        }
        guard causal, algorithm != .standard else {
          throw ValidationError(
            "--window is a sliding window under the causal mask of fa1 or fa2: add --causal (standard attention's window is not modelled)"
          )
        }
      }
      let kv = kvHeads ?? heads
      if kv < 1 || heads % kv != 0 {
        throw ValidationError("--kv-heads \(kv) must divide --heads \(heads)")
      }
      if (rowBlock == nil) != (columnBlock == nil) {
        throw ValidationError(
          "give both --row-block and --column-block, or neither")
      }
      // The instrumented kernel simulates every access: n² · d per head
      // and sequence, about 2²⁸ a few seconds.
      let work = Double(n) * Double(n) * Double(d) * Double(batch * heads)
      if count && work > Double(1 << 30) {
        throw ValidationError(
          "--count simulates every access of the kernel: n² × d × batch × heads must be at most 1073741824 (e.g. --n 4096 --d 64); got \(Self.integerText(work))"
        )
      }
      if count && elementBytes != 4 {
        throw ValidationError(
          "--count runs Float32 kernels: use --element-bytes 4")
      }
    }

    func run() throws {
      let shape = AttentionShape(
        batch: batch, heads: heads, kvHeads: kvHeads, queryLength: n,
        headDim: d,
        causal: causal, elementBytes: elementBytes, window: window)
      let m = Double(sramBytes)
      var tiling: AttentionTiling
      if let rowBlock, let columnBlock {
        tiling = AttentionTiling(
          rowBlock: rowBlock, columnBlock: columnBlock, innerBlock: innerBlock)
      } else {
        tiling = try FlashAttentionIO.bestTiling(
          shape, sramBytes: m, order: .queryOuter
        ).tiling
        if algorithm == .fa1 {
          tiling = try FlashAttentionIO.bestTiling(
            shape, sramBytes: m, order: .kvOuter
          ).tiling
        }
      }
      let traffic: IOTraffic
      switch algorithm {
      case .fa1, .fa2:
        try FlashAttentionIO.check(shape, tiling: tiling, sramBytes: m)
        traffic = FlashAttentionIO.traffic(
          shape, tiling: tiling,
          order: algorithm == .fa1 ? .kvOuter : .queryOuter)
      case .standard:
        let need = StandardAttentionIO.sramBytes(
          headDim: d, tiling: tiling, elementBytes: elementBytes)
        guard need <= m else {
          throw CommandError(
            "--sram-bytes: tiles \(tiling.rowBlock)×\(tiling.columnBlock)×\(tiling.innerBlock ?? d) need \(Int(need)) bytes of SRAM; \(sramBytes) given"
          )
        }
        traffic = StandardAttentionIO.traffic(shape, tiling: tiling)
      }
      let bound = AttentionLowerBound.bytes(shape, sramBytes: m)
      var counted: (read: Int, write: Int)?
      if count { counted = try countBytes(tiling) }
      var table = ReportTable(columns: [
        "algorithm", "n", "d", "heads", "kv_heads", "batch", "causal",
        "window_tokens", "sram_bytes",
        "row_block", "column_block", "model_read_bytes", "model_write_bytes",
        "counted_read_bytes", "counted_write_bytes", "exact",
        "lower_bound_bytes",
        "ratio_to_bound",
      ])
      table.append([
        algorithm.rawValue, String(n), String(d), String(heads),
        String(shape.kvHeads),
        String(batch), String(causal), window.map(String.init) ?? "",
        String(sramBytes),
        String(tiling.rowBlock),
        String(tiling.columnBlock), HumanUnits.plain(traffic.readBytes),
        HumanUnits.plain(traffic.writeBytes),
        counted.map { String($0.read) } ?? "",
        counted.map { String($0.write) } ?? "",
        counted.map {
          Double($0.read) == traffic.readBytes
            && Double($0.write) == traffic.writeBytes
            ? "true" : "false"
        } ?? "",
        // The bound is full attention's; a window's is not derived.
        window == nil ? HumanUnits.plain(bound) : "",
        window == nil ? String(format: "%.3f", traffic.totalBytes / bound) : "",
      ])
      try output.emit(
        table: { table.text() }, csv: { table.csv() }, json: { table.json() })
    }

    func countBytes(_ tiling: AttentionTiling) throws -> (read: Int, write: Int)
    {
      let p = AttentionProblem(
        batch: batch, heads: heads, kvHeads: kvHeads, queryLength: n,
        headDim: d,
        causal: causal, window: window)
      var random = DeterministicRandom(seed: 1)
      let q = random.values(p.queryElements)
      let k = random.values(p.keyElements)
      let v = random.values(p.keyElements)
      let memory = SimulatedMemory(
        sramBytes: sramBytes, elementBytes: elementBytes)
      switch algorithm {
      case .fa1, .fa2:
        _ = try InstrumentedFlashAttention.run(
          p, q: q, k: k, v: v, rowBlock: tiling.rowBlock,
          columnBlock: tiling.columnBlock,
          order: algorithm == .fa1 ? .kvOuter : .queryOuter, memory: memory)
      case .standard:
        _ = try InstrumentedStandardAttention.run(
          p, q: q, k: k, v: v, rowBlock: tiling.rowBlock,
          columnBlock: tiling.columnBlock,
          innerBlock: tiling.innerBlock, memory: memory)
      }
      return (memory.readBytes, memory.writeBytes)
    }
  }
}
