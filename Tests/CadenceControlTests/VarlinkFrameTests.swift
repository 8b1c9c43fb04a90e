import CadenceCore
import Foundation
import Testing

@testable import CadenceControl

@Suite("Varlink framing")
struct VarlinkFrameTests {
    @Test("Messages split on NUL, across arbitrary chunk boundaries")
    func splitsMessages() throws {
        var decoder = VarlinkFrameDecoder(maximumMessageSize: 1024)
        let stream = Array(#"{"method":"a.b.C"}"#.utf8) + [0] + Array(#"{"method":"a.b.D","parameters":{}}"#.utf8) + [0]
        var messages: [[UInt8]] = []
        for chunk in stride(from: 0, to: stream.count, by: 7) {
            messages += try decoder.feed(stream[chunk..<min(chunk + 7, stream.count)])
        }
        #expect(messages.count == 2)
        #expect(decoder.pendingByteCount == 0)
        let call = try VarlinkCall.parse(messages[1]).get()
        #expect(call.interface == "a.b")
        #expect(call.member == "D")
    }

    // Bad input tried: a message larger than the limit without any NUL.
    @Test("A message over the size limit is refused before it completes")
    func oversized() {
        var decoder = VarlinkFrameDecoder(maximumMessageSize: 16)
        #expect(throws: VarlinkFrameDecoder.Failure.messageTooLarge(limit: 16)) {
            _ = try decoder.feed(Array(repeating: UInt8(ascii: "x"), count: 17))
        }
    }

    // Bad input tried: not JSON, a JSON array, no method, parameters that are not an object.
    @Test(
        "Malformed calls are named as such",
        arguments: [
            "not json", "[1,2]", #"{"parameters":{}}"#, #"{"method":"a.b.C","parameters":[1]}"#,
        ])
    func malformed(text: String) {
        if case .success = VarlinkCall.parse(Array(text.utf8)) { Issue.record("'\(text)' was accepted") }
    }
}

@Suite("JSON writer")
struct JSONWriterTests {
    @Test("Writes what JSONSerialization reads back, with escapes and sorted keys")
    func roundTrip() throws {
        let value: [String: Any] = [
            "b": [1, 2, "x"], "a": "quote \" backslash \\ newline \n tab \t bell \u{07} 中文 /",
            "t": true, "f": false, "n": NSNull(), "i": Int64(1_795_435_194_000_000), "d": 1.5,
        ]
        let text = JSONWriter.string(value)
        #expect(text.hasPrefix("{\"a\":"))
        let back = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(back["a"] as? String == value["a"] as? String)
        #expect(back["t"] as? Bool == true)
        #expect(back["i"] as? Int64 == 1_795_435_194_000_000)
        #expect((back["b"] as? [Any])?.count == 3)
    }

    @Test("Integers 0 and 1 stay numbers; booleans stay booleans, also when parsed by JSONSerialization")
    func numbersAreNotBooleans() throws {
        #expect(JSONWriter.string(["id": Int64(1), "n": 0, "ok": true]) == #"{"id":1,"n":0,"ok":true}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(#"{"id":1,"ok":false,"x":1.5}"#.utf8))
        #expect(JSONWriter.string(parsed) == #"{"id":1,"ok":false,"x":1.5}"#)
    }

    // Bad input tried (found by Fuzz/fuzz, target varlink): integers beyond Int64, which
    // JSONSerialization reads as unsigned NSNumbers or as NSDecimalNumbers.
    @Test("Integers beyond 64-bit signed range are written as read, not wrapped or rounded")
    func hugeIntegers() throws {
        for text in [
            "18446744073709551615", "9223372036854775808", "-9223372036854775808",
            "12345678901234567890123", "3333333333333333333333333333333333333",
        ] {
            let parsed = try JSONSerialization.jsonObject(with: Data(#"{"n":\#(text)}"#.utf8))
            #expect(JSONWriter.string(parsed) == #"{"n":\#(text)}"#)
        }
    }
}

@Suite("JSON written and scanned without JSONSerialization")
struct FastJSONTests {
    @Test("Instants are written as ISOTimestamp writes them, before 1970, in leap years and at day ends")
    func instants() throws {
        var seconds: [Double] = [
            0, -1, -86_400, 951_782_400, 951_868_799, 1_798_761_599, 4_102_444_800, 1_234_567_890.75,
        ]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 { seconds.append(Double(Int64.random(in: -2_000_000_000...7_000_000_000, using: &rng))) }
        for s in seconds {
            let date = Date(timeIntervalSince1970: s)
            var buffer: [UInt8] = []
            var o = JSONObjectWriter(taking: &buffer)
            o.instant("t", date)
            let text = String(decoding: o.finish(), as: UTF8.self)
            #expect(text == "{\"t\":\"\(ISOTimestamp.utc(date))\"}", "\(s)")
        }
    }

    @Test("Strings with quotes, backslashes, control characters and Chinese round-trip through JSONSerialization")
    func strings() throws {
        for text in [
            "", "plain", "say \"hi\"", "back\\slash", "line\nbreak\r\ttab", "\u{1}\u{1f}", "示例县卫生局", "a\"\\\n示",
        ] {
            var out: [UInt8] = []
            JSONWriter.writeString(text, into: &out)
            let parsed = try JSONSerialization.jsonObject(with: Data(out), options: [.fragmentsAllowed]) as? String
            #expect(parsed == text)
        }
    }

    @Test("JSONScan finds members and array elements, skipping strings with brackets and escaped quotes")
    func scan() throws {
        let text = Array(
            #"{"a":"x]\"}","parameters":{"items":[{"id":1,"t":"[{"},{"id":2,"s":[1,{"b":"}"}]},3,"s"],"total":3}}"#.utf8
        )
        let parameters = try #require(JSONScan.valueStart(of: "parameters", inObjectAt: 0, of: text))
        let items = try #require(JSONScan.valueStart(of: "items", inObjectAt: parameters, of: text))
        let elements = JSONScan.elements(ofArrayAt: items, of: text).map { String(decoding: text[$0], as: UTF8.self) }
        #expect(elements == [#"{"id":1,"t":"[{"}"#, #"{"id":2,"s":[1,{"b":"}"}]}"#, "3", #""s""#])
        #expect(JSONScan.valueStart(of: "missing", inObjectAt: parameters, of: text) == nil)
        #expect(JSONScan.valueStart(of: "error", inObjectAt: 0, of: Array(#"{"parameters":{}}"#.utf8)) == nil)
        #expect(
            JSONScan.valueStart(of: "error", inObjectAt: 0, of: Array(#"{"error":"x.Y","parameters":{}}"#.utf8)) == 9)
    }
}
