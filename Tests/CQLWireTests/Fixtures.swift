// Hand-built byte helpers for fixtures: they spell out the §3 notations without going through the codec.

func short(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
func int(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
func long(_ value: Int64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) } }
func string(_ value: String) -> [UInt8] { short(value.utf8.count) + Array(value.utf8) }
func longString(_ value: String) -> [UInt8] { int(value.utf8.count) + Array(value.utf8) }
func bytes(_ value: [UInt8]) -> [UInt8] { int(value.count) + value }
/// A whole frame: 9-byte v4 header and body.
func frame(_ versionByte: UInt8, stream: Int, opcode: UInt8, _ body: [UInt8], flags: UInt8 = 0) -> [UInt8] {
    [versionByte, flags] + short(stream) + [opcode] + int(body.count) + body
}
