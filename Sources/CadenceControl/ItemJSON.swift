public import CadenceCore
public import Foundation

/// Items on the wire: every field of ``RectificationItem/fields``, by name, written straight into
/// bytes (a listing of 10,000 items would otherwise build 10,000 dictionaries).
public enum ItemJSON {
    /// One item as a JSON object.
    public static func object(_ item: RectificationItem, at instant: Date) -> RawJSON {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        write(item, at: instant, into: &out)
        return RawJSON(out)
    }

    /// Items as a JSON array.
    public static func array(_ items: [RectificationItem], at instant: Date) -> RawJSON {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(items.count * 400 + 2)
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            write(item, at: instant, into: &out)
        }
        out.append(UInt8(ascii: "]"))
        return RawJSON(out)
    }

    private static func write(_ item: RectificationItem, at instant: Date, into out: inout [UInt8]) {
        var o = JSONObjectWriter(taking: &out)
        for field in RectificationItem.fieldsByName {
            switch field.value(item, instant) {
            case .text(let text): o.string(field.name, text)
            case .integer(let value): o.int(field.name, value)
            case .instant(let date): o.instant(field.name, date)
            case .flag(let flag): o.bool(field.name, flag)
            case .texts(let texts): o.strings(field.name, texts)
            }
        }
        out = o.finish()
    }

    /// The interface's `Item` type: the fields in people's order, with their Varlink types.
    public static var interfaceType: String {
        "type Item (\n" + RectificationItem.fields.map { "  \($0.name): \($0.type)" }.joined(separator: ",\n") + "\n)"
    }
}
