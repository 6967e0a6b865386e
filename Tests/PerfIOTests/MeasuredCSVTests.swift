import PerfIO
import PerfModel
import Testing

@Suite("Measured-kernel CSV: the schema and every refusal")
struct MeasuredCSVTests {
  static let header =
    "kernel,backend,dtype,batch,heads,kv_heads,query_length,key_length,head_dim,causal,m,n,k,repetitions,median_seconds,min_seconds,device"
  static let gemm =
    "gemm,cublas,bf16,,,,,,,,1,6144,4096,15,2.1e-05,2.0e-05,H100"
  static let decode =
    "decode-attention,flash,bf16,8,32,8,1,4096,128,false,,,,15,5.35e-05,5.3e-05,H100"

  static func parse(_ lines: [String]) throws -> [MeasuredKernel] {
    try MeasuredCSV.parse(lines.joined(separator: "\n") + "\n", path: "m.csv")
  }

  static func failure(_ lines: [String]) -> MeasuredCSVError? {
    do {
      _ = try parse(lines)
      return nil
    } catch let error as MeasuredCSVError {
      return error
    } catch {
      return nil
    }
  }

  @Test("a GEMM and a GQA decode row read into workloads")
  func reads() throws {
    let rows = try Self.parse([Self.header, Self.gemm, Self.decode])
    #expect(rows.count == 2)
    #expect(rows[0].workload.shape == .gemm(m: 1, n: 6144, k: 4096))
    #expect(rows[0].workload.calibrationClass == "gemm/cublas")
    #expect(rows[0].medianSeconds == 2.1e-05)
    #expect(rows[0].row == 2)
    guard case .attention(let a) = rows[1].workload.shape else {
      Issue.record("decode is an attention shape")
      return
    }
    #expect(a.batch == 8 && a.heads == 32 && a.kvHeads == 8)
    #expect(a.keyLength == 4096 && a.headDim == 128 && a.elementBytes == 2)
  }

  @Test("a streaming kernel may read or write nothing at its size, not both")
  func streamingCounts() throws {
    let header =
      "kernel,backend,dtype,elements,reads,writes,repetitions,"
      + "median_seconds,min_seconds,device"
    let outer =
      "elementwise,outer32,fp32,1048576,0,1,7,2.5e-06,2.4e-06,H200"
    let rows = try Self.parse([header, outer])
    #expect(
      rows[0].workload.shape
        == .stream(elements: 1_048_576, reads: 0, writes: 1))
    #expect(rows[0].workload.calibrationClass == "elementwise/outer32")
    let none = outer.replacingOccurrences(of: ",0,1,", with: ",0,0,")
    let e = Self.failure([header, none])
    #expect(e?.row == 2 && e?.column == "reads")
    #expect(e?.message.contains("at least one tensor") == true)
    let negative = outer.replacingOccurrences(of: ",0,1,", with: ",-1,1,")
    #expect(Self.failure([header, negative])?.column == "reads")
  }

  @Test("a missing required column is named")
  func missingColumn() {
    let header = Self.header.replacingOccurrences(of: ",min_seconds", with: "")
    let row = Self.gemm.replacingOccurrences(of: ",2.0e-05", with: "")
    let e = Self.failure([header, row])
    #expect(e?.row == 1)
    #expect(e?.column == "min_seconds")
    #expect(e?.message.contains("missing") == true)
  }

  @Test("a time column in milliseconds is refused with the conversion")
  func wrongUnits() {
    let header = Self.header.replacingOccurrences(
      of: "median_seconds", with: "median_ms")
    let e = Self.failure([header, Self.gemm])
    #expect(e?.column == "median_ms")
    #expect(e?.message.contains("rename it median_seconds") == true)
    #expect(e?.message.contains("1e3") == true)
  }

  @Test("a negative time names its row and column")
  func negativeTime() {
    let bad = Self.gemm.replacingOccurrences(of: "2.1e-05", with: "-2.1e-05")
    let e = Self.failure([Self.header, Self.decode, bad])
    #expect(e?.row == 3)
    #expect(e?.column == "median_seconds")
    #expect(e?.message.contains("positive") == true)
  }

  @Test("a time with a unit suffix is not a number of seconds")
  func suffixedTime() {
    let bad = Self.gemm.replacingOccurrences(of: "2.1e-05", with: "21us")
    let e = Self.failure([Self.header, bad])
    #expect(e?.column == "median_seconds")
    #expect(e?.message.contains("seconds as a plain number") == true)
  }

  @Test("a duplicate row names the row it repeats")
  func duplicate() {
    let e = Self.failure([Self.header, Self.gemm, Self.decode, Self.gemm])
    #expect(e?.row == 4)
    #expect(e?.message.contains("duplicates row 2") == true)
  }

  @Test("min above median, unknown kernels and short rows are refused")
  func otherRefusals() {
    let swapped = Self.gemm.replacingOccurrences(
      of: "2.1e-05,2.0e-05", with: "2.0e-05,2.1e-05")
    #expect(Self.failure([Self.header, swapped])?.column == "min_seconds")
    let unknown = Self.gemm.replacingOccurrences(of: "gemm,", with: "matmul,")
    #expect(Self.failure([Self.header, unknown])?.column == "kernel")
    #expect(Self.failure([Self.header, "gemm,cublas"])?.row == 2)
    #expect(
      Self.failure([Self.header])?.message.contains("no measurements") == true)
  }
}
