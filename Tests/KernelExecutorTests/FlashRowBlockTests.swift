import Testing

@testable import KernelExecutor

@Suite("The flash kernel's balanced row block")
struct FlashRowBlockTests {
  @Test("N = 2048 on two threads: 192-row blocks split 1088 to 960 rows")
  func elevenBlocks() {
    // 11 blocks: ten of 192 rows and a last of 128, claimed last first.
    // Thread A: 128 + 5·192 = 1088 rows; thread B: 5·192 = 960. Every row
    // costs N pairs, so busy = 2048 / (2·1088) = 0.941176…
    let p = AttentionProblem(queryLength: 2048, headDim: 64)
    let busy = FlashAttentionKernel.busyFraction(p, rowBlock: 192, threads: 2)
    #expect(abs(busy - 2048.0 / 2176.0) < 1e-12)
    // 16 blocks of 128 split 8 to 8.
    #expect(
      FlashAttentionKernel.busyFraction(p, rowBlock: 128, threads: 2) == 1)
    // So 192 is refused at the default 97% and 128 taken.
    #expect(
      FlashAttentionKernel.balancedRowBlock(
        p, threads: 2, candidates: [192, 128]) == 128)
    // One thread is always busy: the first candidate stands.
    #expect(
      FlashAttentionKernel.balancedRowBlock(
        p, threads: 1, candidates: [192, 128]) == 192)
  }

  @Test("a causal problem counts the visible keys of each row")
  func causalCost() {
    // N = 4, blocks of 2 rows: block 0 sees 1 + 2 = 3 pairs, block 1 sees
    // 3 + 4 = 7. Two threads take one block each: busy = 10 / (2·7).
    let p = AttentionProblem(queryLength: 4, headDim: 16, causal: true)
    let busy = FlashAttentionKernel.busyFraction(p, rowBlock: 2, threads: 2)
    #expect(abs(busy - 10.0 / 14.0) < 1e-12)
  }

  @Test("candidates longer than the sequence are skipped")
  func shortSequences() {
    let short = AttentionProblem(queryLength: 150, headDim: 64)
    #expect(FlashAttentionKernel.balancedRowBlock(short, threads: 1) == 128)
    let tiny = AttentionProblem(queryLength: 50, headDim: 64)
    #expect(FlashAttentionKernel.balancedRowBlock(tiny, threads: 2) == 50)
  }

  @Test("no candidate balanced: the best balanced one is taken")
  func bestOfUnbalanced() {
    // N = 300 on 4 threads. 128: blocks of 128, 128, 44 (loads 128, 128,
    // 44, 0: busy 300 / 512 = 0.59); 192: 192, 108 (busy 300 / 768 = 0.39);
    // 96: 96, 96, 96, 12 (busy 300 / 384 = 0.78). None reaches 0.97.
    let p = AttentionProblem(queryLength: 300, headDim: 64)
    #expect(FlashAttentionKernel.balancedRowBlock(p, threads: 4) == 96)
  }
}
