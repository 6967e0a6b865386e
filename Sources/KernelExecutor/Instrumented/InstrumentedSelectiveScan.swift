#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Mamba's selective scan on the simulated memory, fused as its kernel is:
/// per block of `D_b` channels the state `h` (`D_b × N`) stays in SRAM
/// while time advances in chunks of `T`; x, Δ, B and C are read once per
/// channel block and y written once.
///
/// SRAM: A and h `D_b·N` each; D `D_b`; x, Δ and y `T·D_b` each; B and C
/// `T·N` each.
public enum InstrumentedSelectiveScan {
  /// Runs the scan, returning y.
  ///
  /// - Throws: ``SRAMOverflow`` when the state and tiles do not fit.
  public static func run(
    _ p: SelectiveScanProblem, x: [Float], delta: [Float], a: [Float],
    b: [Float],
    c: [Float], skip: [Float], channelBlock: Int, chunk: Int,
    memory: SimulatedMemory
  ) throws -> [Float] {
    let n = p.stateSize
    var y = [Float](repeating: 0, count: p.sequenceElements)
    try memory.withTile(channelBlock * n) { at in
      try memory.withTile(channelBlock * n) { h in
        try memory.withTile(channelBlock) { dt in
          try memory.withTile(3 * chunk * channelBlock) { seq in
            try memory.withTile(2 * chunk * n) { bc in
              for batch in 0..<p.batch {
                var c0 = 0
                while c0 < p.channels {
                  let width = min(channelBlock, p.channels - c0)
                  memory.load(
                    a, from: c0 * n, count: width * n, into: at, at: 0)
                  memory.load(skip, from: c0, count: width, into: dt, at: 0)
                  for i in 0..<width * n { h.values[i] = 0 }
                  var t0 = 0
                  while t0 < p.length {
                    let steps = min(chunk, p.length - t0)
                    for t in 0..<steps {
                      let row = (batch * p.length + t0 + t) * p.channels + c0
                      memory.load(
                        x, from: row, count: width, into: seq,
                        at: t * channelBlock)
                      memory.load(
                        delta, from: row, count: width, into: seq,
                        at: (chunk + t) * channelBlock)
                    }
                    let inputAt = (batch * p.length + t0) * n
                    memory.load(
                      b, from: inputAt, count: steps * n, into: bc, at: 0)
                    memory.load(
                      c, from: inputAt, count: steps * n, into: bc,
                      at: chunk * n)
                    for t in 0..<steps {
                      for ch in 0..<width {
                        let xv = seq.values[t * channelBlock + ch]
                        let dv = seq.values[(chunk + t) * channelBlock + ch]
                        var out: Float = 0
                        for s in 0..<n {
                          let decay = expf(dv * at.values[ch * n + s])
                          let state =
                            decay * h.values[ch * n + s] + dv
                            * bc.values[t * n + s] * xv
                          h.values[ch * n + s] = state
                          out += bc.values[(chunk + t) * n + s] * state
                        }
                        seq.values[(2 * chunk + t) * channelBlock + ch] =
                          out + dt.values[ch] * xv
                      }
                    }
                    for t in 0..<steps {
                      let row = (batch * p.length + t0 + t) * p.channels + c0
                      memory.store(
                        seq, at: (2 * chunk + t) * channelBlock, count: width,
                        to: &y, from: row)
                    }
                    t0 += steps
                  }
                  c0 += width
                }
              }
            }
          }
        }
      }
    }
    return y
  }
}
