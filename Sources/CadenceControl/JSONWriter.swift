public import Foundation
import CadenceCore

/// Writes JSON for the values Varlink messages hold (dictionaries, arrays, strings, integers,
/// booleans, doubles, null), keys sorted. Much faster than `JSONSerialization` on Linux for
/// replies of thousands of items.
public enum JSONWriter {
    public static func data(_ value: Any) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out)
        return Data(out)
    }

    public static func string(_ value: Any) -> String {
        var out: [UInt8] = []
        write(value, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public static func write(_ value: Any, into out: inout [UInt8]) {
        switch value {
        case let raw as RawJSON:
            out.append(contentsOf: raw.bytes)
        case let string as String:
            writeString(string, into: &out)
        case let object as [String: Any]:
            out.append(UInt8(ascii: "{"))
            for (index, key) in object.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(object[key]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case let array as [Any]:
            out.append(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        default:
            writeScalar(value, into: &out)
        }
    }

    /// Numbers and booleans by their exact type: a Swift `Int` 1 must not come out as `true`, and
    /// an `NSNumber` from JSONSerialization keeps the kind it was parsed as.
    static func writeScalar(_ value: Any, into out: inout [UInt8]) {
        switch ObjectIdentifier(type(of: value)) {
        case ObjectIdentifier(Bool.self):
            out += Array(((value as! Bool) ? "true" : "false").utf8)
        case ObjectIdentifier(Int.self):
            out += Array(String(value as! Int).utf8)
        case ObjectIdentifier(Int64.self):
            out += Array(String(value as! Int64).utf8)
        case ObjectIdentifier(UInt32.self):
            out += Array(String(value as! UInt32).utf8)
        case ObjectIdentifier(Double.self):
            let double = value as! Double
            out += Array((double.isFinite ? String(double) : "null").utf8)
        default:
            guard let number = value as? NSNumber, !(value is NSNull) else {
                out += Array("null".utf8)
                return
            }
            switch String(cString: number.objCType) {
            case "c": out += Array((number.boolValue ? "true" : "false").utf8)
            case "f", "d":
                // JSONSerialization reads an integer too long for 64 bits as an NSDecimalNumber:
                // its decimal text, not a rounded double (found by Fuzz/fuzz, target varlink).
                if let decimal = number as? NSDecimalNumber {
                    out += Array((decimal == NSDecimalNumber.notANumber ? "null" : decimal.stringValue).utf8)
                } else {
                    out += Array((number.doubleValue.isFinite ? String(number.doubleValue) : "null").utf8)
                }
            // Unsigned: 18446744073709551615 read by JSONSerialization must not come out as -1.
            case "Q", "L": out += Array(String(number.uint64Value).utf8)
            default: out += Array(String(number.int64Value).utf8)
            }
        }
    }

    public static func writeString(_ string: String, into out: inout [UInt8]) { JSONString.write(string, into: &out) }
}

/// JSON text already written (a reply's long list), emitted as it is.
public struct RawJSON: Sendable {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }
}

/// Writes one JSON object with keys in the order given (callers give them sorted, as
/// ``JSONWriter`` sorts them), leaving out absent values.
public struct JSONObjectWriter {
    public var out: [UInt8]
    private var first = true

    /// Takes over `out` (left empty, so appending here copies nothing); ``finish()`` gives it back.
    public init(taking out: inout [UInt8]) {
        self.out = out
        out = []
        self.out.append(UInt8(ascii: "{"))
    }

    private mutating func key(_ name: StaticString) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    public mutating func string(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        JSONWriter.writeString(value, into: &out)
    }

    public mutating func int(_ name: StaticString, _ value: Int64?) {
        guard let value else { return }
        key(name)
        out.append(contentsOf: String(value).utf8)
    }

    /// An instant as ISO 8601 UTC (`2026-12-01T09:00:00Z`).
    public mutating func instant(_ name: StaticString, _ value: Date?) {
        guard let value else { return }
        key(name)
        out.append(UInt8(ascii: "\""))
        ISOTimestamp.write(value, into: &out)
        out.append(UInt8(ascii: "\""))
    }

    public mutating func bool(_ name: StaticString, _ value: Bool) {
        key(name)
        out.append(contentsOf: (value ? "true" : "false").utf8)
    }

    public mutating func strings(_ name: StaticString, _ values: [String]) {
        key(name)
        out.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(value, into: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// Closes the object and returns the text.
    public mutating func finish() -> [UInt8] {
        out.append(UInt8(ascii: "}"))
        defer { out = [] }
        return out
    }
}
