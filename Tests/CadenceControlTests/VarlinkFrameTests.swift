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
