/// Binary and decimal byte multiples, for the few places (defaults, tests) that state sizes in human units.
///
/// The library itself works in bytes.
public enum ByteUnits {
  /// 2^30 bytes.
  public static let gibibyte = 1_073_741_824.0
  /// 2^20 bytes.
  public static let mebibyte = 1_048_576.0
  /// 10^9 bytes.
  public static let gigabyte = 1e9
}
