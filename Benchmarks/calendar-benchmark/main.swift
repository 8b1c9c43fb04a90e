// Measures how long computing chained next elapses takes (issue: 10,000 elapses of a typical
// expression in under 50 ms, release build). Run: swift run -c release calendar-benchmark
import CadenceConfiguration
import CadenceCore
import Foundation

let count = 10_000
let cases: [(String, String)] = [
    ("Mon..Fri *-*-* 09:00", "Asia/Shanghai"),
    ("*-*~01 17:00", "Asia/Shanghai"),
    ("quarterly", "Europe/Berlin"),
    ("*:0/15", "America/New_York"),
    ("*-*-* 02:30", "America/New_York"),
    ("Mon *-05~07/1 10:00", "UTC"),
    ("*-*-1/11 23:00:00", "Australia/Lord_Howe"),
]
let base = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
print(
    "expression".padding(toLength: 28, withPad: " ", startingAt: 0),
    "zone".padding(toLength: 20, withPad: " ", startingAt: 0),
    "10k elapses (ms)  per elapse (ns)  last elapse")
for (text, zoneName) in cases {
    let expression = try CalendarExpression(text, zones: .system)
    let zone = TimeZone(identifier: zoneName)!
    var best = Duration.seconds(1_000)
    var last = base
    for _ in 0..<5 {
        let clock = ContinuousClock()
        var after = base
        var produced = 0
        let elapsed = clock.measure {
            while produced < count, let next = expression.nextElapse(after: after, localZone: zone) {
                after = next
                produced += 1
            }
        }
        best = min(best, elapsed)
        last = after
    }
    let ms = Double(best.components.attoseconds) / 1e15 + Double(best.components.seconds) * 1000
    print(
        text.padding(toLength: 28, withPad: " ", startingAt: 0),
        zoneName.padding(toLength: 20, withPad: " ", startingAt: 0),
        String(format: "%16.2f  %15.0f  %@", ms, ms * 1e6 / Double(count), "\(last)"))
}
