import KernelExecutor
import PerfModel
import TestSupport
import Testing

@Suite("Standard, decode, linear and scan: modelled bytes equal counted bytes")
struct OtherKernelsExactnessTests {
  @Test(
    "standard attention, including the small-cache blocking over d",
    arguments: [
      // (N, d, B_r, B_c, b_k, heads, kvHeads, causal)
      (1, 16, 1, 1, nil, 1, 1, false), (7, 16, 4, 3, nil, 2, 1, true),
      (64, 64, 16, 16, 16, 4, 2, false), (100, 128, 8, 32, 48, 2, 2, true),
      (33, 16, 32, 8, 5, 4, 4, true), (128, 32, 64, 64, nil, 1, 1, false),
    ] as [(Int, Int, Int, Int, Int?, Int, Int, Bool)])
  func standard(
    n: Int, d: Int, rowBlock: Int, columnBlock: Int, innerBlock: Int?,
    heads: Int,
    kvHeads: Int, causal: Bool
  ) throws {
    let p = AttentionProblem(
      batch: 2, heads: heads, kvHeads: kvHeads, queryLength: n, headDim: d,
      causal: causal)
    let shape = AttentionShape(
      batch: 2, heads: heads, kvHeads: kvHeads, queryLength: n, headDim: d,
      causal: causal)
    let tiling = AttentionTiling(
      rowBlock: rowBlock, columnBlock: columnBlock, innerBlock: innerBlock)
    let sram = Int(
      StandardAttentionIO.sramBytes(headDim: d, tiling: tiling, elementBytes: 4)
    )
    let memory = SimulatedMemory(sramBytes: sram)
    _ = try InstrumentedStandardAttention.run(
      p, q: DeterministicRandom.values(seed: 1, count: p.queryElements),
      k: DeterministicRandom.values(seed: 2, count: p.keyElements),
      v: DeterministicRandom.values(seed: 3, count: p.keyElements),
      rowBlock: rowBlock,
      columnBlock: columnBlock,
      innerBlock: innerBlock, memory: memory)
    let model = StandardAttentionIO.traffic(shape, tiling: tiling)
    #expect(Double(memory.readBytes) == model.readBytes)
    #expect(Double(memory.writeBytes) == model.writeBytes)
    #expect(memory.peakSRAMBytes == sram)
  }

  @Test(
    "split-KV decode",
    arguments: [
      // (L, d, splits, B_c, heads, kvHeads)
      (1, 16, 1, 1, 1, 1), (7, 64, 3, 2, 8, 2), (1000, 128, 7, 64, 8, 1),
      (4096, 64, 16, 128, 32, 8), (33, 16, 33, 4, 4, 4), (100, 16, 8, 16, 2, 1),
    ])
  func decode(
    length: Int, d: Int, splits: Int, columnBlock: Int, heads: Int, kvHeads: Int
  )
    throws
  {
    let p = AttentionProblem(
      batch: 2, heads: heads, kvHeads: kvHeads, queryLength: 1,
      keyLength: length, headDim: d)
    let shape = AttentionShape(
      batch: 2, heads: heads, kvHeads: kvHeads, queryLength: 1,
      keyLength: length, headDim: d)
    let memory = SimulatedMemory(
      sramBytes: Int(
        DecodeAttentionIO.sramBytes(shape, columnBlock: columnBlock)))
    _ = try InstrumentedDecodeAttention.run(
      p, q: DeterministicRandom.values(seed: 4, count: p.queryElements),
      k: DeterministicRandom.values(seed: 5, count: p.keyElements),
      v: DeterministicRandom.values(seed: 6, count: p.keyElements),
      splits: splits,
      columnBlock: columnBlock,
      memory: memory)
    let model = DecodeAttentionIO.traffic(shape, splits: splits)
    #expect(Double(memory.readBytes) == model.readBytes)
    #expect(Double(memory.writeBytes) == model.writeBytes)
  }

  @Test(
    "chunked linear attention",
    arguments: [
      (1, 16, 16, 1), (7, 16, 32, 4), (100, 64, 64, 16), (257, 32, 16, 64),
    ])
  func linear(tokens: Int, keyDim: Int, valueDim: Int, chunk: Int) throws {
    let p = LinearAttentionProblem(
      batch: 2, heads: 3, tokens: tokens, keyDim: keyDim, valueDim: valueDim)
    let sram = LinearAttentionIO.sramBytes(
      keyDim: keyDim, valueDim: valueDim, chunk: chunk, elementBytes: 4)
    let memory = SimulatedMemory(sramBytes: Int(sram))
    _ = try InstrumentedLinearAttention.run(
      p, q: DeterministicRandom.values(seed: 7, count: p.keyElements),
      k: DeterministicRandom.values(seed: 8, count: p.keyElements),
      v: DeterministicRandom.values(seed: 9, count: p.valueElements),
      chunk: chunk, memory: memory)
    let model = LinearAttentionIO.traffic(
      batch: 2, heads: 3, tokens: tokens, keyDim: keyDim, valueDim: valueDim,
      elementBytes: 4)
    #expect(Double(memory.readBytes) == model.readBytes)
    #expect(Double(memory.writeBytes) == model.writeBytes)
    #expect(Double(memory.peakSRAMBytes) == sram)
  }

  @Test(
    "selective scan",
    arguments: [
      (1, 1, 1, 1, 1), (7, 16, 4, 5, 3), (100, 64, 16, 16, 32),
      (33, 48, 16, 32, 8),
    ])
  func scan(
    length: Int, channels: Int, state: Int, channelBlock: Int, chunk: Int
  ) throws {
    let p = SelectiveScanProblem(
      batch: 2, length: length, channels: channels, stateSize: state)
    let sram = SelectiveScanIO.sramBytes(
      stateSize: state, channelBlock: channelBlock, chunk: chunk,
      elementBytes: 4)
    let memory = SimulatedMemory(sramBytes: Int(sram))
    _ = try InstrumentedSelectiveScan.run(
      p, x: DeterministicRandom.values(seed: 10, count: p.sequenceElements),
      delta: DeterministicRandom.values(seed: 11, count: p.sequenceElements),
      a: DeterministicRandom.values(seed: 12, count: channels * state),
      b: DeterministicRandom.values(seed: 13, count: p.inputElements),
      c: DeterministicRandom.values(seed: 14, count: p.inputElements),
      skip: DeterministicRandom.values(seed: 15, count: channels),
      channelBlock: channelBlock, chunk: chunk, memory: memory)
    let model = SelectiveScanIO.traffic(
      batch: 2, length: length, channels: channels, stateSize: state,
      channelBlock: channelBlock, elementBytes: 4)
    #expect(Double(memory.readBytes) == model.readBytes)
    #expect(Double(memory.writeBytes) == model.writeBytes)
    #expect(Double(memory.peakSRAMBytes) == sram)
  }
}
