// swift-tools-version: 6.1
import PackageDescription

/// Layering (see ../shared/CONVENTIONS.md): `PerfModel` is pure Swift with
/// no file I/O; `PerfIO` owns every file format and the C libraries; the
/// `roofline` CLI is the only target that sees ArgumentParser.
#if arch(x86_64)
let kernelFlags: [SwiftSetting] = [
  .unsafeFlags(["-O", "-target-cpu", "haswell"])
]
#else
let kernelFlags: [SwiftSetting] = [.unsafeFlags(["-O"])]
#endif

let package = Package(
  name: "roofline",
  products: [
    .executable(name: "roofline", targets: ["roofline"]),
    .library(name: "PerfModel", targets: ["PerfModel"]),
    .library(name: "PerfIO", targets: ["PerfIO"]),
  ],
  dependencies: [
    .package(
      url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
  ],
  targets: [
    .target(name: "PerfModel"),
    // Depends on nothing of ours: a measurement never reads a prediction.
    // Always optimized, with AVX2 and FMA: kernels are measured, and the
    // default x86-64 target (SSE2) turns each fused multiply-add into a libm
    // call. Documented in the README; `roofline bench` reports the ISA.
    // The AVX2 path is this Swift (SIMD8, built for haswell); the AVX-512
    // micro-kernels are C intrinsics under per-function target attributes
    // in CHostKernels, picked at run time (InstructionSet), so one binary
    // runs on both. Optimized in debug builds too: tests run the kernels.
    .target(
      name: "KernelExecutor", dependencies: ["CPrefetch", "CHostKernels"],
      swiftSettings: kernelFlags),
    .target(
      name: "CHostKernels",
      cSettings: [.unsafeFlags(["-O2"])]),
    // A header of one inline function (the prefetch instruction); no library.
    .systemLibrary(name: "CPrefetch"),
    .systemLibrary(
      name: "CSQLite",
      pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"])]
    ),
    .systemLibrary(
      name: "CCSV",
      providers: [.apt(["libcsv-dev"])]
    ),
    .target(
      name: "PerfIO",
      dependencies: [
        "PerfModel", "CSQLite", "CCSV",
        .product(name: "Yams", package: "Yams"),
      ]
    ),
    .executableTarget(
      name: "roofline",
      dependencies: [
        "PerfModel", "PerfIO", "KernelExecutor",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // libFuzzer targets over the readers and what follows them
    // (tools/fuzz.sh builds it with -sanitize=fuzzer and -DFUZZING; a
    // plain build replays inputs named on the command line).
    .executableTarget(
      name: "roofline-fuzz",
      dependencies: ["PerfModel", "PerfIO"]
    ),
    // zlib, for the tests' PNG decoder (charts rendered by rsvg-convert).
    .systemLibrary(
      name: "CZlib", path: "Tests/CZlib", providers: [.apt(["zlib1g-dev"])]),
    .target(
      name: "TestSupport",
      dependencies: [
        "CZlib", .product(name: "RealModule", package: "swift-numerics"),
      ],
      path: "Tests/TestSupport"
    ),
    .testTarget(
      name: "PerfModelTests",
      dependencies: ["PerfModel", "TestSupport"]
    ),
    .testTarget(
      name: "PerfIOTests",
      dependencies: ["PerfIO", "PerfModel", "TestSupport"]
    ),
    .testTarget(
      name: "KernelExecutorTests",
      dependencies: ["KernelExecutor", "TestSupport"]
    ),
    .testTarget(
      name: "ValidationTests",
      dependencies: ["KernelExecutor", "PerfModel", "TestSupport"]
    ),
    .testTarget(
      name: "RooflineCLITests",
      dependencies: ["roofline", "TestSupport"]
    ),
  ],
  swiftLanguageModes: [.v6]
)
