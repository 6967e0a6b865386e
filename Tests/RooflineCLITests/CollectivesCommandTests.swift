import Foundation
import TestSupport
import Testing

@Suite("roofline collectives: measured collectives against the link model")
struct CollectivesCommandTests {
  static let header =
    "kernel,backend,gemm_backend,dtype,device,bytes,ranks,phase,tokens,hidden,ffn,heads,kv_heads,head_dim,repetitions,median_seconds,min_seconds"

  /// All-reduces among 8 H200s timed as α = 2 µs a step at 80% of 450 GB/s,
  /// 1 KiB … 4 GiB, and one TP-8 decode layer.
  static func csv() -> String {
    var lines = [header]
    for i in 0..<12 {
      let bytes = 1024 << (2 * i)
      let t = 14 * 2e-6 + 1.75 * Double(bytes) / (0.8 * 450e9)
      lines.append("all-reduce,nccl,,bf16,H200,\(bytes),8,,,,,,,,20,\(t),\(t)")
    }
    lines.append(
      "tp-layer,nccl,cublas,bf16,H200,,8,decode,16,8192,28672,64,8,128,20,1e-4,9e-5"
    )
    return lines.joined(separator: "\n") + "\n"
  }

  @Test("fits α and β back, reports held-out error and the TP layer")
  func fit() throws {
    let path = try Repository.temporaryFolder() + "/c.csv"
    try Self.csv().write(toFile: path, atomically: true, encoding: .utf8)
    let r = try CommandRunner.run([
      "collectives", "--measured", path, "--hardware", "hgx-h200",
    ])
    #expect(r.status == 0, "\(r.error)")
    let heldOut = r.output.split(separator: "\n").first {
      $0.hasPrefix("roofline-fitted") && $0.contains(" test ")
        && $0.contains("overall")
    }.map { $0.split(separator: " ").map(String.init) }
    // Sizes ≥ 1 MiB held out: 4 MiB, 256 MiB (every third from the second).
    #expect(
      heldOut == [
        "roofline-fitted", "test", "overall", "2", "0.0%", "0.0%", "0.0%",
      ])
    #expect(r.output.contains("all-reduce/nccl/8r  2 µs"))
    #expect(r.output.contains("80.0%"))
    #expect(r.output.contains("tensor-parallel layers"))
  }

  @Test("bad rows name the row and column")
  func errors() throws {
    let path = try Repository.temporaryFolder() + "/bad.csv"
    try
      (Self.header
      + "\nall-gatherr,nccl,,bf16,H200,1024,8,,,,,,,,20,1e-5,1e-5\n")
      .write(toFile: path, atomically: true, encoding: .utf8)
    let r = try CommandRunner.run([
      "collectives", "--measured", path, "--hardware", "hgx-h200",
    ])
    #expect(r.status != 0)
    #expect(r.error.contains("row 2") && r.error.contains("kernel"))
    #expect(r.error.contains("all-gather"))
    let host = try CommandRunner.run([
      "collectives", "--measured", path, "--hardware", "epyc-7763",
    ])
    #expect(host.status != 0)
  }
}
