import CadenceCore
import Foundation
import Testing

@Suite("JSON strings: the one escaping")
struct JSONStringTests {
    @Test(
        "Quotes, backslashes, control characters and line separators are escaped; the rest is copied",
        arguments: [
            ("plain 整改台账", "\"plain 整改台账\""),
            ("say \"no\"", #""say \"no\"""#),
            (#"C:\path"#, #""C:\\path""#),
            ("a\nb\rc\td", #""a\nb\rc\td""#),
            ("\u{1}\u{1F}", #""\u0001\u001f""#),
            ("x\u{2028}y\u{2029}z…", #""x\u2028y\u2029z…""#),
            ("", "\"\""),
        ])
    func escapes(text: String, json: String) throws {
        #expect(JSONString.quoted(text) == json)
        let parsed = try JSONSerialization.jsonObject(with: Data("[\(json)]".utf8)) as? [String]
        #expect(parsed == [text], "reads back as it was")
    }

    @Test("An object of strings has its keys sorted")
    func objectKeysSorted() {
        #expect(
            JSONString.object(["to": "closed", "from": "rectified", "by": "Li"])
                == #"{"by":"Li","from":"rectified","to":"closed"}"#)
    }

    @Test("Instants are written as ISO 8601 UTC, also before 1970")
    func instants() {
        #expect(ISOTimestamp.utc(Date(timeIntervalSince1970: 1_795_000_000)) == "2026-11-18T11:06:40Z")
        #expect(ISOTimestamp.utc(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        var out: [UInt8] = Array("at ".utf8)
        ISOTimestamp.write(Date(timeIntervalSince1970: 0), into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "at 1970-01-01T00:00:00Z")
    }
}
