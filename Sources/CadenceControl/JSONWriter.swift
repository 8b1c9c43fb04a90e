public import Foundation

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

    static func write(_ value: Any, into out: inout [UInt8]) {
        switch value {
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
            case "f", "d": out += Array((number.doubleValue.isFinite ? String(number.doubleValue) : "null").utf8)
            default: out += Array(String(number.int64Value).utf8)
            }
        }
    }

    static func writeString(_ string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
