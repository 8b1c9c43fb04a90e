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
}
