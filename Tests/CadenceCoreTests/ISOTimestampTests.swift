import CadenceCore
import Foundation
import Testing

@Suite("ISO 8601 timestamps")
struct ISOTimestampTests {
    @Test(
        "Agree with Foundation's formatter, before 1970 and across leap days",
        arguments: [
            -86_401.0, 0, 951_782_400, 1_767_225_599.9, 1_795_435_194, 7_258_118_400,
        ])
    func agreesWithFoundation(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(ISOTimestamp.utc(date) == ISO8601DateFormatter().string(from: date))
    }
}
