import CZlib
import Foundation

/// Why a zip archive (an .xlsx file) cannot be read or written.
public struct ZipError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// The members of a zip archive (PKWARE APPNOTE: the central directory at the end, each member
/// stored or deflated), as much as an .xlsx needs: no encryption, no ZIP64, no multi-disk.
public struct ZipArchive: Sendable {
    private struct Member {
        var method: UInt16
        var compressedSize: Int
        var size: Int
        var dataOffset: Int
    }

    private let bytes: [UInt8]
    private let members: [String: Member]

    /// The most a member may inflate to: a sheet of 100,000 rows is a few tens of MB.
    public static let maximumMemberSize = 512 << 20

    /// Reads the central directory of `bytes`.
    public init(_ bytes: [UInt8]) throws(ZipError) {
        self.bytes = bytes
        guard bytes.count >= 22, Self.u32(bytes, 0) == 0x0403_4b50 else {
            throw ZipError("it is not a zip archive (an .xlsx file is one)")
        }
        // The end of central directory record: its signature, searched back over a comment of up to 64 KiB.
        var end = -1
        var i = bytes.count - 22
        while i >= max(0, bytes.count - 22 - 65_535) {
            if Self.u32(bytes, i) == 0x0605_4b50 {
                end = i
                break
            }
            i -= 1
        }
        guard end >= 0 else { throw ZipError("the zip archive has no central directory (is the file cut short?)") }
        let count = Int(Self.u16(bytes, end + 10))
        var offset = Int(Self.u32(bytes, end + 16))
        var members: [String: Member] = [:]
        for _ in 0..<count {
            guard offset + 46 <= bytes.count, Self.u32(bytes, offset) == 0x0201_4b50 else {
                throw ZipError("the zip archive's central directory is damaged")
            }
            let flags = Self.u16(bytes, offset + 8)
            let method = Self.u16(bytes, offset + 10)
            let compressed = Int(Self.u32(bytes, offset + 20))
            let size = Int(Self.u32(bytes, offset + 24))
            let nameLength = Int(Self.u16(bytes, offset + 28))
            let extraLength = Int(Self.u16(bytes, offset + 30))
            let commentLength = Int(Self.u16(bytes, offset + 32))
            let local = Int(Self.u32(bytes, offset + 42))
            guard offset + 46 + nameLength <= bytes.count else {
                throw ZipError("the zip archive's central directory is damaged")
            }
            let name = String(decoding: bytes[(offset + 46)..<(offset + 46 + nameLength)], as: UTF8.self)
            offset += 46 + nameLength + extraLength + commentLength
            guard flags & 1 == 0 else { throw ZipError("the archive is encrypted (save the sheet without a password)") }
            guard local + 30 <= bytes.count, Self.u32(bytes, local) == 0x0403_4b50 else {
                throw ZipError("the zip archive's member '\(name)' is damaged")
            }
            let dataOffset = local + 30 + Int(Self.u16(bytes, local + 26)) + Int(Self.u16(bytes, local + 28))
            members[name] = Member(method: method, compressedSize: compressed, size: size, dataOffset: dataOffset)
        }
        self.members = members
    }

    /// Whether the archive has a member of this name.
    public func contains(_ name: String) -> Bool { members[name] != nil }

    /// The bytes of member `name`, inflated; nil when there is none.
    public func member(_ name: String) throws(ZipError) -> [UInt8]? {
        guard let member = members[name] else { return nil }
        guard member.dataOffset + member.compressedSize <= bytes.count else {
            throw ZipError("the zip archive's member '\(name)' is cut short")
        }
        guard member.size <= Self.maximumMemberSize else {
            throw ZipError("the member '\(name)' would inflate to more than \(Self.maximumMemberSize >> 20) MiB")
        }
        // Deflate shrinks by 1032:1 at most: a larger stated size is a damaged (or hostile) archive.
        guard member.method != 8 || member.size <= member.compressedSize * 1032 + 1024 else {
            throw ZipError("the member '\(name)' states a size its data cannot have (the file is damaged)")
        }
        let data = bytes[member.dataOffset..<(member.dataOffset + member.compressedSize)]
        switch member.method {
        case 0: return Array(data)
        case 8: return try Self.inflate(Array(data), size: member.size, name: name)
        default: throw ZipError("the member '\(name)' is compressed with method \(member.method), not deflate")
        }
    }

    private static func inflate(_ input: [UInt8], size: Int, name: String) throws(ZipError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: max(size, 1))
        var stream = z_stream()
        guard czlib_inflate_init_raw(&stream) == Z_OK else { throw ZipError("zlib cannot start inflating '\(name)'") }
        defer { inflateEnd(&stream) }
        let status = run(&stream, input, &output) { CZlib.inflate(&$0, Z_FINISH) }
        guard status == Z_STREAM_END, Int(stream.total_out) == size else {
            throw ZipError("the member '\(name)' does not inflate (the file is damaged)")
        }
        return Array(output.prefix(size))
    }

    private static func u16(_ b: [UInt8], _ i: Int) -> UInt16 {
        guard i + 2 <= b.count else { return 0 }
        return UInt16(b[i]) | UInt16(b[i + 1]) << 8
    }

    private static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        guard i + 4 <= b.count else { return 0 }
        return UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    /// A zip archive of `members` (name, bytes), each deflated, in the order given.
    public static func write(_ members: [(name: String, bytes: [UInt8])]) throws(ZipError) -> [UInt8] {
        var out: [UInt8] = []
        var directory: [UInt8] = []
        func put16(_ value: Int, _ into: inout [UInt8]) { into += [UInt8(value & 0xff), UInt8((value >> 8) & 0xff)] }
        func put32(_ value: Int, _ into: inout [UInt8]) {
            into += [
                UInt8(value & 0xff), UInt8((value >> 8) & 0xff), UInt8((value >> 16) & 0xff),
                UInt8((value >> 24) & 0xff),
            ]
        }
        for member in members {
            let name = Array(member.name.utf8)
            let compressed = try deflate(member.bytes)
            let crc = member.bytes.withUnsafeBufferPointer { Int(crc32(0, $0.baseAddress, UInt32($0.count))) }
            let offset = out.count
            // Local header: version 2.0, flag 0x800 (UTF-8 names), deflate, a fixed DOS time (1 Jan 2026).
            put32(0x0403_4b50, &out)
            put16(20, &out)
            put16(0x800, &out)
            put16(8, &out)
            put16(0, &out)
            put16(0x5c21, &out)
            put32(crc, &out)
            put32(compressed.count, &out)
            put32(member.bytes.count, &out)
            put16(name.count, &out)
            put16(0, &out)
            out += name
            out += compressed
            put32(0x0201_4b50, &directory)
            put16(20, &directory)
            put16(20, &directory)
            put16(0x800, &directory)
            put16(8, &directory)
            put16(0, &directory)
            put16(0x5c21, &directory)
            put32(crc, &directory)
            put32(compressed.count, &directory)
            put32(member.bytes.count, &directory)
            put16(name.count, &directory)
            put16(0, &directory)
            put16(0, &directory)
            put16(0, &directory)
            put16(0, &directory)
            put32(0, &directory)
            put32(offset, &directory)
            directory += name
        }
        let directoryOffset = out.count
        out += directory
        put32(0x0605_4b50, &out)
        put16(0, &out)
        put16(0, &out)
        put16(members.count, &out)
        put16(members.count, &out)
        put32(directory.count, &out)
        put32(directoryOffset, &out)
        put16(0, &out)
        return out
    }

    private static func deflate(_ input: [UInt8]) throws(ZipError) -> [UInt8] {
        var stream = z_stream()
        guard
            deflateInit2_(
                &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { throw ZipError("zlib cannot start deflating") }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 16)
        let status = run(&stream, input, &output) { CZlib.deflate(&$0, Z_FINISH) }
        guard status == Z_STREAM_END else { throw ZipError("zlib could not deflate") }
        return Array(output.prefix(Int(stream.total_out)))
    }

    /// Runs one zlib call over all of `input` into `output`.
    private static func run(
        _ stream: inout z_stream, _ input: [UInt8], _ output: inout [UInt8], _ call: (inout z_stream) -> Int32
    ) -> Int32 {
        var input = input
        return input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                return call(&stream)
            }
        }
    }
}
