import ArgumentParser
import Foundation
import KernelExecutor
import PerfIO
import PerfModel

/// `--isa`: parsed from the raw names (avx512, avx2, neon, portable).
extension InstructionSet: ExpressibleByArgument {}

extension RooflineCommand {
  /// `roofline bench`: times a host kernel.
  struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Time a host micro-kernel: median and min, GFLOP/s, GB/s, fraction of peak.",
      discussion: """
        FLOPs count only unmasked work (4·d per visible query-key pair for attention).
        GB/s counts compulsory traffic: inputs read once, outputs written once.
        Benchmark release builds: swift run -c release roofline bench …
        """)

    enum Kernel: String, ExpressibleByArgument, CaseIterable {
      case flash, standard, decode, linear, scan, gemm, fma
    }

    @Option(
      help: "Kernel: flash, standard, decode (one query per head), or fma.")
    var kernel: Kernel = .flash
    @Option(
      parsing: .unconditional,
      help: "Sequence length N (queries and keys; cached keys for decode).")
    var n = 2048
    @Option(parsing: .unconditional, help: "KV splits for decode.") var splits =
      64
    @Option(
      parsing: .unconditional, help: "Tokens per chunk for linear attention.")
    var chunk = 64
    @Option(
      parsing: .unconditional,
      help: "SSM state size N for scan (--d is the channel count).")
    var state = 16
    @Option(parsing: .unconditional, help: "Head dimension d.") var d = 64
    @Option(parsing: .unconditional, help: "Query heads.") var heads = 1
    @Option(parsing: .unconditional, help: "KV heads (default: heads).")
    var kvHeads: Int?
    @Option(parsing: .unconditional, help: "Sequences.") var batch = 1
    @Flag(help: "Apply a causal mask.") var causal = false
    @Flag(help: "No progress on standard error.") var quiet = false
    @Option(parsing: .unconditional, help: "Worker threads.") var threads = 1
    @Option(parsing: .unconditional, help: "Timed repetitions.")
    var repetitions = 5
    @Option(parsing: .unconditional, help: "Untimed warm-up runs.") var warmup =
      1
    @Option(
      parsing: .unconditional,
      help:
        "FlashAttention query rows per block (default: the first of 128, 192, 96 that keeps the threads 97% busy)."
    )
    var rowBlock: Int?
    @Option(
      parsing: .unconditional,
      help: "FlashAttention keys per block (a multiple of 6).")
    var columnBlock = 96
    @Option(
      name: .customLong("peak-gflops"), parsing: .unconditional,
      help:
        "Peak GFLOP/s of one thread, for the fraction-of-peak column (see roofline probe)."
    )
    var peakGFLOPs: Double?
    @Flag(
      help: """
        Probe the peak between repetitions (FMA FLOP/s, or DRAM read bandwidth for decode, \
        on the threads used) and report the fraction against the median probe.
        """)
    var probePeaks = false
    @Option(
      name: .customLong("peak-gbps"), parsing: .unconditional,
      help:
        "Read bandwidth of the threads used, GB/s, for the fraction column of decode."
    )
    var peakGBps: Double?
    @Option(
      parsing: .unconditional,
      help:
        "FlashAttention only: visit this fraction of the key blocks each row block sees (block-sparse: its sink block and those nearest the diagonal), in (0, 1]."
    )
    var density = 1.0
    @Option(
      help:
        "Instruction set of the kernels' inner loops (default: the widest this CPU runs; roofline probe lists each one's peak)."
    )
    var isa: InstructionSet?
    @OptionGroup var output: OutputOptions

    /// The instruction set asked for.
    var instructionSet: InstructionSet { isa ?? .widest }

    func validate() throws {
      for (flag, value) in [
        ("--n", n), ("--d", d), ("--heads", heads), ("--batch", batch),
        ("--threads", threads),
        ("--repetitions", repetitions), ("--row-block", rowBlock ?? 1),
        ("--column-block", columnBlock),
      ] where value < 1 {
        throw ValidationError("\(flag) must be at least 1, got \(value)")
      }
      if warmup < 0 { throw ValidationError("--warmup must be 0 or more") }
      if let isa, !InstructionSet.supported.contains(isa) {
        throw ValidationError(
          "--isa \(isa.rawValue): this CPU does not run it; it runs \(InstructionSet.supported.map(\.rawValue).joined(separator: ", "))"
        )
      }
      if !(density > 0 && density <= 1) {
        throw ValidationError("--density must be in (0, 1], got \(density)")
      }
      if density < 1, kernel != .flash {
        throw ValidationError(
          "--density applies to --kernel flash (block-sparse FlashAttention)")
      }
      if kernel == .flash && columnBlock % 6 != 0 {
        throw ValidationError(
          "--column-block \(columnBlock) must be a multiple of 6 (the micro-kernel's rows), e.g. 96"
        )
      }
      if chunk < 1 || state < 1 || splits < 1 {
        throw ValidationError(
          "--chunk, --state and --splits must be at least 1")
      }
      let kv = kvHeads ?? heads
      if kv < 1 || heads % kv != 0 {
        throw ValidationError("--kv-heads \(kv) must divide --heads \(heads)")
      }
      if kernel == .decode && splits > n {
        throw ValidationError("--splits \(splits) must not exceed --n \(n)")
      }
      if kernel == .flash && ((rowBlock ?? 1) > n || columnBlock > n) {
        throw ValidationError(
          "--row-block and --column-block must not exceed --n \(n)")
      }
    }

    func run() throws {
      if kernel == .linear || kernel == .scan {
        try runRecurrent()
        return
      }
      if kernel == .gemm {
        // The micro-kernel alone on the flash kernel's score block shape.
        let m = (columnBlock + 5) / 6 * 6
        let nn = ((rowBlock ?? 192) + 15) / 16 * 16
        let repeats = 2000
        var flops = 0.0
        let t = Timing(
          Stopwatch.measure(warmup: warmup, repetitions: repetitions) {
            flops = GEMMKernel.run(
              m: m, n: nn, k: d, repeats: repeats, isa: instructionSet)
          })
        print(
          String(
            format: "packed micro-kernel %d×%d×%d, %@: %.1f GFLOP/s", m, nn, d,
            instructionSet.displayName, flops / t.minSeconds / 1e9))
        return
      }
      if kernel == .fma {
        let iterations = 20_000_000
        let t = Timing(
          Stopwatch.measure(warmup: warmup, repetitions: repetitions) {
            BlackHole.sink(
              FMAProbe.run(iterations: iterations, isa: instructionSet))
          })
        print(
          String(
            format: "fma peak, one thread, %@: %.1f GFLOP/s",
            instructionSet.displayName,
            FMAProbe.flops(iterations: iterations, isa: instructionSet)
              / t.minSeconds / 1e9))
        return
      }
      let p = AttentionProblem(
        batch: batch, heads: heads, kvHeads: kvHeads,
        queryLength: kernel == .decode ? 1 : n,
        keyLength: n, headDim: d, causal: causal)
      var bytes = 4.0 * Double(2 * p.queryElements + 2 * p.keyElements)
      if kernel == .standard { bytes += 4 * Double(batch * heads * n * n) }
      let physical = Double(ProcessInfo.processInfo.physicalMemory)
      guard bytes < 0.8 * physical else {
        throw CommandError(
          "the buffers would take \(HumanUnits.bytes(bytes)), over 80% of this machine's \(HumanUnits.bytes(physical)); lower --n, --heads or --batch"
        )
      }
      let host: HostKernel
      let block =
        rowBlock ?? FlashAttentionKernel.balancedRowBlock(p, threads: threads)
      switch kernel {
      case .flash:
        host =
          density < 1
          ? .blockSparse(
            p, rowBlock: block, columnBlock: columnBlock, density: density)
          : .flash(p, rowBlock: block, columnBlock: columnBlock)
      case .decode: host = .decode(p, splits: splits)
      case .standard: host = .standard(p)
      case .fma, .linear, .scan, .gemm: return  // timed above
      }
      var probes: [Double] = []
      let progress = BenchProgress(repetitions: repetitions, quiet: quiet)
      let readBuffers =
        probePeaks && kernel == .decode
        ? (0..<threads).map { _ in
          BandwidthProbe.Buffers(bytes: 256 << 20, kind: .read)
        } : []
      let probe = {
        progress.tick()
        guard probePeaks else { return }
        probes.append(
          kernel == .decode
            ? BandwidthProbe.measureRead(readBuffers)
            : FMAProbe.measure(threads: threads, isa: instructionSet))
      }
      let timing = host.time(
        threads: threads, warmup: warmup, repetitions: repetitions,
        isa: instructionSet, before: probe)
      progress.finish()
      // A block-sparse run computes only the key blocks it visits.
      let flops =
        AttentionWork.flops(p)
        * Self.visitedFraction(
          p, rowBlock: block, columnBlock: columnBlock, density: density)
      let gflops = flops / timing.medianSeconds / 1e9
      let gbps =
        4 * Double(2 * p.queryElements + 2 * p.keyElements)
        / timing.medianSeconds / 1e9
      var fraction =
        kernel == .decode
        ? peakGBps.map { gbps / $0 }
        : peakGFLOPs.map { gflops / ($0 * Double(threads)) }
      if let peak = Self.median(probes) {
        fraction = kernel == .decode ? gbps * 1e9 / peak : gflops * 1e9 / peak
      }
      try emit(
        timing, gflops: gflops, gbps: gbps, fraction: fraction,
        kvHeads: p.kvHeads,
        causal: causal, rowBlock: kernel == .flash ? block : nil,
        executed: host.instructionSet(instructionSet))
    }

    /// The fraction of the seen keys a block-sparse run at `density`
    /// visits (1 when dense), summed over row blocks of one head.
    static func visitedFraction(
      _ p: AttentionProblem, rowBlock: Int, columnBlock: Int, density: Double
    ) -> Double {
      guard density < 1 else { return 1 }
      var seen = 0
      var visited = 0
      var row0 = 0
      while row0 < p.queryLength {
        let rows = min(rowBlock, p.queryLength - row0)
        let end =
          p.causal
          ? min(p.keyLength, row0 + rows + p.keyLength - p.queryLength)
          : p.keyLength
        let blocks = (end + columnBlock - 1) / columnBlock
        seen += end
        for j in InstrumentedBlockSparseAttention.visitedBlocks(
          visible: blocks, density: density)
        {
          visited += min(columnBlock, end - j * columnBlock)
        }
        row0 += rows
      }
      return seen > 0 ? Double(visited) / Double(seen) : 1
    }

    /// The median of `values`, or `nil` when there are none.
    static func median(_ values: [Double]) -> Double? {
      values.isEmpty ? nil : ResidualSummary.median(sorted: values.sorted())
    }

    /// Prints the one-row result every timed kernel reports.
    func emit(
      _ timing: Timing, gflops: Double, gbps: Double, fraction: Double?,
      kvHeads: Int,
      causal: Bool, rowBlock: Int? = nil, executed: InstructionSet
    ) throws {
      var table = ReportTable(columns: [
        "kernel", "n", "d", "heads", "kv_heads", "batch", "causal", "threads",
        "median_seconds", "min_seconds", "gflops_per_second",
        "gbytes_per_second",
        "peak_fraction", "isa", "repetitions", "row_block",
      ])
      table.append([
        kernel.rawValue, String(n), String(d), String(heads), String(kvHeads),
        String(batch),
        String(causal), String(threads),
        String(format: "%.6f", timing.medianSeconds),
        String(format: "%.6f", timing.minSeconds),
        String(format: "%.2f", gflops),
        String(format: "%.2f", gbps),
        fraction.map { String(format: "%.3f", $0) } ?? "",
        KernelBuild.isa(executed), String(repetitions),
        rowBlock.map(String.init) ?? "",
      ])
      try output.emit(
        table: { table.text() }, csv: { table.csv() }, json: { table.json() })
    }
  }
}
