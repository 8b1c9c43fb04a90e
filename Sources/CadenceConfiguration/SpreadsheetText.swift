public import CadenceCore
public import Foundation

/// The text encoding of a file exchanged with a spreadsheet program.
public enum TextEncodingChoice: String, Sendable, CaseIterable, Vocabulary {
    /// Reading: a byte order mark decides (UTF-8, UTF-16LE, UTF-16BE); without one, UTF-8 if the bytes are
    /// valid UTF-8, otherwise GB18030. Writing: UTF-8.
    case auto
    /// UTF-8, with or without a byte order mark (Excel needs the mark to open a UTF-8 CSV file correctly).
    case utf8
    /// GB18030, which Excel and WPS write on Chinese Windows ("ANSI"); GBK and GB2312 are subsets of it.
    case gb18030
    /// UTF-16 with a byte order mark, Excel's "Unicode text" (tab-delimited); without a mark, little-endian.
    case utf16
}

/// Bytes that are not text in the chosen encoding, with the place where decoding stopped.
///
/// The description reads `line 3: bytes at offset 57 are not valid GB18030 (81 20)`.
public struct SpreadsheetTextError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The 1-based line of the offending bytes (LF, CRLF and a lone CR end a line); 0 when the error is not
    /// about a place in the input.
    public var line: Int
    /// The 0-based byte offset of the offending bytes in the input as given, a byte order mark included.
    public var offset: Int
    /// What is wrong, without the line.
    public var reason: String

    public init(line: Int, offset: Int, reason: String) {
        self.line = line
        self.offset = offset
        self.reason = reason
    }

    public var description: String { line > 0 ? "line \(line): \(reason)" : reason }
}

/// Decoding and encoding the text of spreadsheet exports: UTF-8 (with or without a byte order mark),
/// UTF-16 ("Unicode text") and GB18030 (Chinese Windows "ANSI").
///
/// Decoding is strict: a byte that is not valid in the encoding is an error naming its line and offset, never a
/// replacement character. GB18030 goes through glibc's iconv.
public enum SpreadsheetText {
    /// The names ``decode(_:as:)`` reports.
    public enum EncodingName {
        public static let utf8 = "utf-8"
        public static let utf8WithBOM = "utf-8-bom"
        public static let utf16LittleEndian = "utf-16le"
        public static let utf16BigEndian = "utf-16be"
        public static let gb18030 = "gb18030"
    }

    /// Decodes `bytes` as text, removing any byte order mark.
    ///
    /// - Parameter choice: ``TextEncodingChoice/auto`` detects the encoding (see there); an explicit choice
    ///   only honours a byte order mark of its own family (UTF-16 LE/BE), and GB18030 refuses input that starts
    ///   with a UTF-8 byte order mark.
    /// - Returns: the text and the encoding found: `"utf-8"`, `"utf-8-bom"`, `"utf-16le"`, `"utf-16be"` or
    ///   `"gb18030"` (see ``EncodingName``).
    /// - Throws: ``SpreadsheetTextError`` at the first invalid or incomplete character. When `auto` finds the
    ///   bytes neither UTF-8 nor GB18030 it reports the encoding that decoded further, and mentions the other.
    public static func decode(
        _ bytes: [UInt8], as choice: TextEncodingChoice = .auto
    ) throws(SpreadsheetTextError) -> (text: String, encoding: String) {
        try bytes.withUnsafeBufferPointer { buffer throws(SpreadsheetTextError) in
            try decode(buffer: buffer, as: choice)
        }
    }

    /// Decodes the bytes of `data`; see ``decode(_:as:)``.
    public static func decode(
        _ data: Data, as choice: TextEncodingChoice = .auto
    ) throws(SpreadsheetTextError) -> (text: String, encoding: String) {
        let result = data.withUnsafeBytes { raw in
            Result { () throws(SpreadsheetTextError) in
                try decode(buffer: raw.bindMemory(to: UInt8.self), as: choice)
            }
        }
        return try result.get()
    }

    /// Encodes `text` for a spreadsheet program.
    ///
    /// - Parameters:
    ///   - choice: ``TextEncodingChoice/utf8`` (also for `auto`), ``TextEncodingChoice/gb18030``, or
    ///     ``TextEncodingChoice/utf16`` (little-endian, Excel's "Unicode text").
    ///   - bom: write a byte order mark first (UTF-8 and UTF-16 only; GB18030 has none that spreadsheet
    ///     programs recognise, so it is ignored there). Excel needs it to read UTF-8 CSV files as UTF-8.
    /// - Throws: ``SpreadsheetTextError`` if the GB18030 converter is missing or refuses a character.
    public static func encode(
        _ text: String, as choice: TextEncodingChoice, bom: Bool = false
    ) throws(SpreadsheetTextError) -> [UInt8] {
        switch choice {
        case .auto, .utf8:
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count + 3)
            if bom { bytes.append(contentsOf: ByteOrderMark.utf8Bytes) }
            bytes.append(contentsOf: text.utf8)
            return bytes
        case .utf16:
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count * 2 + 2)
            if bom { bytes.append(contentsOf: [0xFF, 0xFE]) }
            for unit in text.utf16 {
                bytes.append(UInt8(truncatingIfNeeded: unit))
                bytes.append(UInt8(truncatingIfNeeded: unit >> 8))
            }
            return bytes
        case .gb18030:
            var text = text
            let result = text.withUTF8 { utf8 in
                Result { () throws(ConversionFailure) in
                    // A UTF-8 sequence of n bytes becomes at most 2n GB18030 bytes (U+0080 takes 4).
                    try Iconv.convert(utf8, from: "UTF-8", to: "GB18030", capacity: utf8.count * 2) {
                        capacity, fill in
                        [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in count = fill(buffer) }
                    }
                }.mapError { failure in
                    guard case .invalid(let place) = failure else { return error(failure, in: utf8, encoding: "") }
                    return SpreadsheetTextError(
                        line: lineNumber(utf8, at: place.offset), offset: place.offset,
                        reason: "the character at offset \(place.offset) cannot be written in GB18030")
                }
            }
            return try result.get()
        }
    }

    // MARK: - Decoding

    static func decode(
        buffer bytes: UnsafeBufferPointer<UInt8>, as choice: TextEncodingChoice
    ) throws(SpreadsheetTextError) -> (text: String, encoding: String) {
        let mark = ByteOrderMark(bytes)
        switch (choice, mark) {
        case (.auto, .utf8), (.utf8, .utf8):
            return (try utf8(bytes, from: 3), EncodingName.utf8WithBOM)
        case (.auto, .utf16LittleEndian), (.utf16, .utf16LittleEndian):
            return (try utf16(bytes, from: 2, bigEndian: false), EncodingName.utf16LittleEndian)
        case (.auto, .utf16BigEndian), (.utf16, .utf16BigEndian):
            return (try utf16(bytes, from: 2, bigEndian: true), EncodingName.utf16BigEndian)
        case (.utf16, _):
            return (try utf16(bytes, from: 0, bigEndian: false), EncodingName.utf16LittleEndian)
        case (.utf8, _):
            return (try utf8(bytes, from: 0), EncodingName.utf8)
        case (.gb18030, .utf8):
            throw SpreadsheetTextError(
                line: 1, offset: 0,
                reason: "the input starts with a UTF-8 byte order mark (ef bb bf): it is UTF-8, not GB18030")
        case (.gb18030, _):
            do throws(ConversionFailure) {
                return (try gb18030(bytes), EncodingName.gb18030)
            } catch {
                throw self.error(error, in: bytes, encoding: "GB18030")
            }
        case (.auto, nil):
            if let text = String(validating: bytes, as: UTF8.self) { return (text, EncodingName.utf8) }
            let gbFailure: ConversionFailure
            do throws(ConversionFailure) {
                return (try gb18030(bytes), EncodingName.gb18030)
            } catch {
                gbFailure = error
            }
            guard case .invalid(let gbPlace) = gbFailure, let utf8Place = firstInvalidUTF8(bytes, from: 0) else {
                throw self.error(gbFailure, in: bytes, encoding: "GB18030")
            }
            // Report the encoding that got further: that is most likely what the file was meant to be.
            // On a tie UTF-8 wins: text that is valid UTF-8 up to a point rarely is by chance.
            if utf8Place.offset >= gbPlace.offset {
                var error = self.error(.invalid(utf8Place), in: bytes, encoding: "UTF-8")
                error.reason += "; the input is not GB18030 either (as GB18030 it fails at "
                error.reason += "line \(lineNumber(bytes, at: gbPlace.offset)), offset \(gbPlace.offset))"
                throw error
            }
            var error = self.error(gbFailure, in: bytes, encoding: "GB18030")
            error.reason += "; the input is not UTF-8 either (as UTF-8 it fails sooner, at "
            error.reason += "line \(lineNumber(bytes, at: utf8Place.offset)), offset \(utf8Place.offset))"
            throw error
        }
    }

    /// Strict UTF-8 from `start`; the stdlib validates, and only a failure is located by hand.
    private static func utf8(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws(SpreadsheetTextError)
        -> String
    {
        let body = UnsafeBufferPointer(rebasing: bytes[start...])
        if let text = String(validating: body, as: UTF8.self) { return text }
        let place =
            firstInvalidUTF8(bytes, from: start) ?? DecodeFailure(offset: start, length: 0, incomplete: false)
        throw error(.invalid(place), in: bytes, encoding: "UTF-8")
    }

    /// GB18030 through iconv, written straight into the string's storage.
    private static func gb18030(_ bytes: UnsafeBufferPointer<UInt8>) throws(ConversionFailure) -> String {
        // Two GB18030 bytes become at most three UTF-8 bytes; four become at most four.
        try Iconv.convert(bytes, from: "GB18030", to: "UTF-8", capacity: bytes.count + bytes.count / 2 + 4) {
            capacity, fill in
            String(unsafeUninitializedCapacity: capacity, initializingUTF8With: fill)
        }
    }

    /// UTF-16 from `start`, transcoded by hand so that an unpaired surrogate or a final odd byte is an error.
    private static func utf16(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, bigEndian: Bool)
        throws(SpreadsheetTextError) -> String
    {
        var failure: DecodeFailure?
        let end = bytes.count
        // Each code unit becomes at most three UTF-8 bytes; a surrogate pair (two units) becomes four.
        let text = String(unsafeUninitializedCapacity: (end - start) / 2 * 3) { output in
            func unit(_ index: Int) -> UInt32 {
                bigEndian
                    ? UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
                    : UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index])
            }
            var index = start
            var written = 0
            while index + 1 < end {
                var scalar = unit(index)
                var size = 2
                if scalar & 0xF800 == 0xD800 {
                    guard scalar <= 0xDBFF else {
                        failure = DecodeFailure(offset: index, length: 2, incomplete: false)
                        return written
                    }
                    guard index + 3 < end else {
                        failure = DecodeFailure(offset: index, length: end - index, incomplete: true)
                        return written
                    }
                    let low = unit(index + 2)
                    guard low & 0xFC00 == 0xDC00 else {
                        failure = DecodeFailure(offset: index, length: 4, incomplete: false)
                        return written
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    size = 4
                }
                written += writeUTF8(scalar, into: output, at: written)
                index += size
            }
            if index < end { failure = DecodeFailure(offset: index, length: 1, incomplete: true) }
            return written
        }
        if let failure {
            throw SpreadsheetTextError(
                line: utf16LineNumber(bytes, from: start, at: failure.offset, bigEndian: bigEndian),
                offset: failure.offset,
                reason: reason(failure, in: bytes, encoding: bigEndian ? "UTF-16BE" : "UTF-16LE"))
        }
        return text
    }

    private static func writeUTF8(_ scalar: UInt32, into output: UnsafeMutableBufferPointer<UInt8>, at index: Int)
        -> Int
    {
        switch scalar {
        case ..<0x80:
            output[index] = UInt8(scalar)
            return 1
        case ..<0x800:
            output[index] = UInt8(0xC0 | scalar >> 6)
            output[index + 1] = UInt8(0x80 | scalar & 0x3F)
            return 2
        case ..<0x10000:
            output[index] = UInt8(0xE0 | scalar >> 12)
            output[index + 1] = UInt8(0x80 | scalar >> 6 & 0x3F)
            output[index + 2] = UInt8(0x80 | scalar & 0x3F)
            return 3
        default:
            output[index] = UInt8(0xF0 | scalar >> 18)
            output[index + 1] = UInt8(0x80 | scalar >> 12 & 0x3F)
            output[index + 2] = UInt8(0x80 | scalar >> 6 & 0x3F)
            output[index + 3] = UInt8(0x80 | scalar & 0x3F)
            return 4
        }
    }

    // MARK: - Locating failures

    /// The first invalid or incomplete UTF-8 sequence at or after `start` (Unicode's well-formed byte table).
    static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> DecodeFailure? {
        var index = start
        let end = bytes.count
        while index < end {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            var trailing: Int
            var second: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0xC2...0xDF: trailing = 1
            case 0xE0: (trailing, second) = (2, 0xA0...0xBF)
            case 0xED: (trailing, second) = (2, 0x80...0x9F)
            case 0xE1...0xEF: trailing = 2
            case 0xF0: (trailing, second) = (3, 0x90...0xBF)
            case 0xF4: (trailing, second) = (3, 0x80...0x8F)
            case 0xF1...0xF3: trailing = 3
            default: return DecodeFailure(offset: index, length: 1, incomplete: false)
            }
            for position in 1...trailing {
                guard index + position < end else {
                    return DecodeFailure(offset: index, length: end - index, incomplete: true)
                }
                let byte = bytes[index + position]
                guard (position == 1 ? second : 0x80...0xBF).contains(byte) else {
                    return DecodeFailure(offset: index, length: position + 1, incomplete: false)
                }
            }
            index += trailing + 1
        }
        return nil
    }

    /// The 1-based line of byte `offset`, counting LF, CRLF and a lone CR as line ends.
    ///
    /// Right for UTF-8 and GB18030 alike: neither uses bytes below 0x30 inside a multibyte character.
    static func lineNumber(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Int {
        var line = 1
        var index = 0
        while index < offset {
            let byte = bytes[index]
            if byte == 0x0A || (byte == 0x0D && (index + 1 >= bytes.count || bytes[index + 1] != 0x0A)) { line += 1 }
            index += 1
        }
        return line
    }

    private static func utf16LineNumber(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, at offset: Int, bigEndian: Bool
    ) -> Int {
        func unit(_ index: Int) -> UInt16 {
            guard index + 1 < bytes.count else { return 0 }
            return bigEndian
                ? UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
                : UInt16(bytes[index + 1]) << 8 | UInt16(bytes[index])
        }
        var line = 1
        var index = start
        while index < offset {
            let current = unit(index)
            if current == 0x0A || (current == 0x0D && unit(index + 2) != 0x0A) { line += 1 }
            index += 2
        }
        return line
    }

    private static func reason(_ failure: DecodeFailure, in bytes: UnsafeBufferPointer<UInt8>, encoding: String)
        -> String
    {
        var length = failure.length
        if !failure.incomplete && encoding == "GB18030" {
            // iconv only says where; show the character it could not read: a lead byte and one or three more.
            let lead = bytes[failure.offset]
            if (0x81...0xFE).contains(lead) && failure.offset + 1 < bytes.count {
                length = (0x30...0x39).contains(bytes[failure.offset + 1]) ? 4 : 2
            }
        }
        let shown = bytes[failure.offset..<min(bytes.count, failure.offset + max(length, 1))]
        let hex = shown.map { byte in (byte < 0x10 ? "0" : "") + String(byte, radix: 16) }.joined(separator: " ")
        if failure.incomplete {
            return "bytes at offset \(failure.offset) are an incomplete \(encoding) character at the end of the "
                + "input (\(hex))"
        }
        return "bytes at offset \(failure.offset) are not valid \(encoding) (\(hex))"
    }

    private static func error(_ failure: ConversionFailure, in bytes: UnsafeBufferPointer<UInt8>, encoding: String)
        -> SpreadsheetTextError
    {
        switch failure {
        case .unavailable(let reason):
            return SpreadsheetTextError(line: 0, offset: 0, reason: reason)
        case .invalid(let place):
            return SpreadsheetTextError(
                line: lineNumber(bytes, at: place.offset), offset: place.offset,
                reason: reason(place, in: bytes, encoding: encoding))
        }
    }
}

/// A byte order mark at the start of the input.
private enum ByteOrderMark {
    case utf8, utf16LittleEndian, utf16BigEndian

    static let utf8Bytes: [UInt8] = [0xEF, 0xBB, 0xBF]

    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        if bytes.starts(with: Self.utf8Bytes) {
            self = .utf8
        } else if bytes.starts(with: [0xFF, 0xFE]) {
            self = .utf16LittleEndian
        } else if bytes.starts(with: [0xFE, 0xFF]) {
            self = .utf16BigEndian
        } else {
            return nil
        }
    }
}
