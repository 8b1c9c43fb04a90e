public import CadenceCore
public import Foundation

/// Records on the wire: every field of a ``WireRecord``, by name, written straight into bytes
/// (a listing of 10,000 items would otherwise build 10,000 dictionaries).
public enum RecordJSON {
    /// `{}`, the reply's object when there is no record to give.
    public static let emptyObject = RawJSON(Array("{}".utf8))

    /// One record as a JSON object.
    public static func object<Record: WireRecord>(_ record: Record, at instant: Date) -> RawJSON {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        write(record, Record.wireFieldsByName, at: instant, into: &out)
        return RawJSON(out)
    }

    /// Records as a JSON array.
    public static func array<Record: WireRecord>(_ records: [Record], at instant: Date) -> RawJSON {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(records.count * 400 + 2)
        let fields = Record.wireFieldsByName
        for (index, record) in records.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            write(record, fields, at: instant, into: &out)
        }
        out.append(UInt8(ascii: "]"))
        return RawJSON(out)
    }

    private static func write<Record>(
        _ record: Record, _ fields: [WireField<Record>], at instant: Date, into out: inout [UInt8]
    ) {
        var o = JSONObjectWriter(taking: &out)
        for field in fields {
            switch field.value(record, instant) {
            case .text(let text): o.string(field.name, text)
            case .integer(let value): o.int(field.name, value)
            case .instant(let date): o.instant(field.name, date)
            case .flag(let flag): o.bool(field.name, flag)
            case .texts(let texts): o.strings(field.name, texts)
            }
        }
        out = o.finish()
    }
}
