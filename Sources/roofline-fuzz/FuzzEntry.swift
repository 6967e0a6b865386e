import Foundation

/// libFuzzer's entry point: one input, fed to the reader that
/// `ROOFLINE_FUZZ_TARGET` names (``FuzzTarget``).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = UnsafeBufferPointer(start: data, count: size)
  FuzzTarget.selected.run(String(decoding: bytes, as: UTF8.self))
  return 0
}

#if FUZZING
/// libFuzzer's driver (in the runtime `-sanitize=fuzzer` links).
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<
    UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
  >,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
#endif

/// The fuzzer's entry point, or a replay of inputs.
///
/// Built with `-DFUZZING -sanitize=fuzzer` (tools/fuzz.sh): libFuzzer's
/// driver, with its flags. A plain build replays the files named on the
/// command line through the target, so a crash found by the fuzzer can be
/// rerun and debugged.
@main
struct FuzzMain {
  static func main() {
    #if FUZZING
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(runDriver(&argc, &argv, fuzzOneInput))
    #else
    for path in CommandLine.arguments.dropFirst() {
      guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
        exit(1)
      }
      FuzzTarget.selected.run(String(decoding: data, as: UTF8.self))
    }
    #endif
  }
}
