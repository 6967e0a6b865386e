import CZlib
import Foundation

/// A decoded 8-bit PNG (RGB or RGBA, not interlaced), enough to check what
/// a renderer drew.
public struct PNGImage: Sendable {
  /// Width in pixels.
  public var width: Int
  /// Height in pixels.
  public var height: Int
  /// RGBA bytes, row by row.
  public var rgba: [UInt8]

  /// Decodes `data`, or `nil` when it is not a PNG this decoder reads.
  public init?(_ data: [UInt8]) {
    guard data.count > 8, data.prefix(8) == [137, 80, 78, 71, 13, 10, 26, 10]
    else { return nil }
    func be32(_ i: Int) -> Int {
      data[i..<i + 4].reduce(0) { $0 << 8 | Int($1) }
    }
    var offset = 8
    var compressed: [UInt8] = []
    var header: (width: Int, height: Int, depth: UInt8, color: UInt8)?
    while offset + 12 <= data.count {
      let length = be32(offset)
      let type = String(decoding: data[offset + 4..<offset + 8], as: UTF8.self)
      let body = offset + 8
      guard body + length + 4 <= data.count else { return nil }
      switch type {
      case "IHDR":
        guard data[body + 12] == 0 else { return nil }  // no interlace
        header = (be32(body), be32(body + 4), data[body + 8], data[body + 9])
      case "IDAT": compressed += data[body..<body + length]
      default: break
      }
      offset = body + length + 4
    }
    guard let header, header.depth == 8, header.color == 6 || header.color == 2
    else { return nil }
    let channels = header.color == 6 ? 4 : 3
    let stride = header.width * channels
    var raw = [UInt8](repeating: 0, count: header.height * (stride + 1))
    var rawLength = uLongf(raw.count)
    let status = raw.withUnsafeMutableBytes { out in
      compressed.withUnsafeBytes { input in
        uncompress(
          out.baseAddress?.assumingMemoryBound(to: Bytef.self), &rawLength,
          input.baseAddress?.assumingMemoryBound(to: Bytef.self),
          uLong(compressed.count))
      }
    }
    guard status == Z_OK, Int(rawLength) == raw.count else { return nil }
    // Undo the per-row filters (PNG specification, section 9).
    var pixels = [UInt8](repeating: 0, count: header.height * stride)
    for row in 0..<header.height {
      let filter = raw[row * (stride + 1)]
      for i in 0..<stride {
        let x = Int(raw[row * (stride + 1) + 1 + i])
        let a = i >= channels ? Int(pixels[row * stride + i - channels]) : 0
        let b = row > 0 ? Int(pixels[(row - 1) * stride + i]) : 0
        let c =
          row > 0 && i >= channels
          ? Int(pixels[(row - 1) * stride + i - channels]) : 0
        let predicted: Int
        switch filter {
        case 0: predicted = 0
        case 1: predicted = a
        case 2: predicted = b
        case 3: predicted = (a + b) / 2
        case 4:
          let p = a + b - c
          let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
          predicted = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
        default: return nil
        }
        pixels[row * stride + i] = UInt8((x + predicted) & 0xFF)
      }
    }
    width = header.width
    height = header.height
    if channels == 4 {
      rgba = pixels
    } else {
      rgba = []
      rgba.reserveCapacity(width * height * 4)
      for i in Swift.stride(from: 0, to: pixels.count, by: 3) {
        rgba += [pixels[i], pixels[i + 1], pixels[i + 2], 255]
      }
    }
  }

  /// Pixels that are not (near) white or transparent.
  public var inkedPixels: Int {
    var count = 0
    for i in Swift.stride(from: 0, to: rgba.count, by: 4)
    where rgba[i + 3] > 16
      && min(rgba[i], rgba[i + 1], rgba[i + 2]) < 235
    {
      count += 1
    }
    return count
  }

  /// Distinct colours drawn (alpha over 16), quantised to 5 bits a channel.
  public var distinctColors: Int {
    var seen = Set<Int>()
    for i in Swift.stride(from: 0, to: rgba.count, by: 4) where rgba[i + 3] > 16
    {
      seen.insert(
        Int(rgba[i] >> 3) << 10 | Int(rgba[i + 1] >> 3) << 5
          | Int(rgba[i + 2] >> 3))
    }
    return seen.count
  }
}

/// Renders SVG to PNG with `rsvg-convert` (Debian's librsvg2-bin), the
/// renderer CI installs.
public enum SVGRenderer {
  /// What went wrong rendering.
  public struct Failure: Error, CustomStringConvertible {
    /// The reason.
    public var description: String
  }

  /// The PNG `rsvg-convert` draws of `svg`.
  ///
  /// - Throws: ``Failure`` when the renderer is missing, rejects the SVG,
  ///   or writes something that is not a PNG.
  public static func render(_ svg: String) throws -> PNGImage {
    let folder = try Repository.temporaryFolder()
    let input = folder + "/chart.svg"
    let output = folder + "/chart.png"
    try svg.write(toFile: input, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "rsvg-convert", "--format", "png", "--output", output, input,
    ]
    let errors = Pipe()
    process.standardError = errors
    do { try process.run() } catch {
      throw Failure(description: "cannot start rsvg-convert: \(error)")
    }
    process.waitUntilExit()
    let message = String(
      decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self
    )
    guard process.terminationStatus == 0 else {
      throw Failure(
        description:
          "rsvg-convert failed (\(process.terminationStatus)): \(message); install librsvg2-bin (bash .ci/deps)"
      )
    }
    guard let data = FileManager.default.contents(atPath: output),
      let image = PNGImage([UInt8](data))
    else { throw Failure(description: "rsvg-convert wrote no readable PNG") }
    return image
  }
}
