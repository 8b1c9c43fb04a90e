import CadenceConfiguration
import Foundation
import Testing

/// The oracle's own plumbing, on canned systemd-analyze output (no process is run).
@Suite("SystemdAnalyze output reading and the case generator")
struct SystemdAnalyzeTests {
    static let canned = """
          Original form: *-*-1/11 23:00:00
        Normalized form: *-*-01/11 23:00:00
            Next elapse: Thu 2026-01-01 23:00:00 +11
               (in UTC): Thu 2026-01-01 12:00:00 UTC
               From now: 10 months 21 days ago
               Iter. #2: Mon 2026-01-12 23:00:00 +11
               (in UTC): Mon 2026-01-12 12:00:00 UTC
               From now: 10 months 10 days ago


          Original form: *-04-31
        Normalized form: *-04-31 00:00:00
            Next elapse: never

        """

    @Test("Output splits into one block per argument, an empty one for a rejected argument")
    func splitBlocks_whenMiddleArgumentIsRejected() {
        let blocks = SystemdAnalyze.splitBlocks(Self.canned)
        #expect(blocks.map(\.count) == [8, 0, 3])
        #expect(SystemdAnalyze.splitBlocks("") == [[]])
        #expect(SystemdAnalyze.splitBlocks("\n") == [[], []])
    }

    @Test("A block's elapses are read from its (in UTC) lines, and 'never' gives none")
    func parseBlock_readsUTCElapses() throws {
        let blocks = SystemdAnalyze.splitBlocks(Self.canned)
        let first = try SystemdAnalyze.parseBlock(blocks[0], expression: "*-*-1/11 23:00:00")
        #expect(first == .accepted(normalized: "*-*-01/11 23:00:00", elapses: [1_767_268_800, 1_768_219_200]))
        let never = try SystemdAnalyze.parseBlock(blocks[2], expression: "*-04-31")
        #expect(never == .accepted(normalized: "*-04-31 00:00:00", elapses: []))
    }

    @Test("Instants format and parse without a Calendar")
    func oracleTime_roundTrips() {
        #expect(OracleTime.seconds(date: "2026-01-01", time: "12:00:00") == 1_767_268_800)
        #expect(OracleTime.format(seconds: 1_767_268_800) == "2026-01-01 12:00:00Z")
        #expect(OracleTime.format(micros: 1_767_268_800_250_000) == "2026-01-01 12:00:00.250000Z")
        #expect(OracleTime.formatBase(micros: 1_767_268_800_000_042) == "1767268800.000042")
        let halfPast = Date(timeIntervalSince1970: 1_767_268_807.5)
        #expect(OracleTime.seconds(micros: OracleTime.micros(halfPast)) == 1_767_268_807)
    }

    @Test("The generator is deterministic for a seed and yields at least 2,500 cases")
    func generator_isDeterministic() {
        var first = CalendarCaseGenerator(seed: 42)
        var second = CalendarCaseGenerator(seed: 42)
        let a = first.groups().flatMap(\.cases).map(\.description)
        let b = second.groups().flatMap(\.cases).map(\.description)
        #expect(a == b)
        #expect(a.count >= 2_500)
    }
}
