public import CadenceCore
import Foundation

/// A notice as the ledger stores it (`notice.payload`): the JSON that `Notice`'s `Codable`
/// conformance reads back, instants as microseconds since 1970, written by hand because a burst
/// of notices spent a tenth of its time in `JSONEncoder`.
public enum NoticePayload {
    public static func json(_ notice: Notice) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(512)
        func key(_ name: StaticString) {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out += [UInt8(ascii: "\""), UInt8(ascii: ":")]
        }
        func string(_ name: StaticString, _ value: String?) {
            guard let value else { return }
            key(name)
            JSONString.write(value, into: &out)
        }
        func number(_ name: StaticString, _ value: (some BinaryInteger)?) {
            guard let value else { return }
            key(name)
            out.append(contentsOf: String(value).utf8)
        }
        func bool(_ name: StaticString, _ value: Bool?) {
            guard let value else { return }
            key(name)
            out.append(contentsOf: (value ? "true" : "false").utf8)
        }
        func strings(_ name: StaticString, _ values: [String]?) {
            guard let values else { return }
            key(name)
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONString.write(value, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        string("body", notice.body)
        string("cadence", notice.cadence)
        number("deadline", notice.deadline?.micros)
        string("deadlineDate", notice.deadlineDate)
        number("dueAt", notice.dueAt.micros)
        number("emittedAt", notice.emittedAt.micros)
        if let fields = notice.fields {
            key("fields")
            out.append(contentsOf: JSONString.object(fields).utf8)
        }
        number("item", notice.item)
        strings("names", notice.names)
        string("key", notice.key)
        string("kind", notice.kind.rawValue)
        bool("late", notice.late)
        string("level", notice.level?.rawValue)
        number("overdueDays", notice.overdueDays)
        bool("perUnit", notice.perUnit)
        strings("periods", notice.periods)
        string("subject", notice.subject)
        string("title", notice.title)
        string("unit", notice.unit)
        strings("unitKinds", notice.unitKinds)
        string("unitName", notice.unitName)
        strings("units", notice.units)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}
