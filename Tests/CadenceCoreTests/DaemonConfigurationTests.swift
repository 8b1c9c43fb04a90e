import CadenceCore
import Foundation
import Testing

@Suite("cadenced.conf options")
struct DaemonConfigurationTests {
    private func load(_ text: String, dropIns: [String] = []) throws(ConfigurationError) -> DaemonConfiguration {
        try DaemonConfiguration.parse(
            main: IniSource(fileName: "cadenced.conf", text: text),
            dropIns: dropIns.enumerated().map {
                IniSource(fileName: "cadenced.conf.d/\($0.offset)0-x.conf", text: $0.element)
            })
    }

    @Test("An empty file gives the built-in defaults")
    func emptyFileGivesDefaults() throws {
        let config = try load("")
        #expect(config == DaemonConfiguration())
        #expect(config.warnBefore == [.seconds(604_800), .seconds(86_400)])
        #expect(config.weekend == [.saturday, .sunday])
        #expect(config.maskNames.isEmpty, "no sink masks names unless told")
        #expect(config.resolvedLanguage(lang: "zh_CN.UTF-8") == .zh)
        #expect(config.resolvedLanguage(lang: nil) == .en)
        #expect(config.resolvedNoticeDirectory(stateDirectory: "/var/lib/cadenced") == "/var/lib/cadenced/notices")
    }

    @Test("Every option is read from its section")
    func readsEveryOption() throws {
        let config = try load(
            """
            [Daemon]
            TimeZone=Asia/Shanghai
            Language=zh
            NoticeDirectory=/srv/notices
            CatchUpWindowSec=2d 12h
            AdminGroup=cadenced-admin
            MaskNames=journal file
            [Ledger]
            WarnBeforeSec=1d 3d
            WarnBeforeSec=12h
            DeadlineTime=17:30
            CircularAfterSec=1d
            TalkAfterSec=2d
            AccountabilityAfterSec=4w
            [WorkingDays]
            Weekend=Fri
            Weekend=saturday
            Holidays=cn cn-xinjiang
            [Control]
            MaxConnections=8
            MaxMessageSize=64K
            IdleTimeoutSec=30s
            """)
        #expect(config.timeZone?.identifier == "Asia/Shanghai")
        #expect(config.language == .zh)
        #expect(config.noticeDirectory == "/srv/notices")
        #expect(config.catchUpWindow == .seconds(216_000))
        #expect(config.adminGroup == "cadenced-admin")
        #expect(config.maskNames == [.journal, .files])
        #expect(config.warnBefore == [.seconds(259_200), .seconds(86_400), .seconds(43_200)])
        #expect(config.deadlineTimeOfDay == 63_000)
        #expect(config.accountabilityAfter == .seconds(2_419_200))
        #expect(config.weekend == [.friday, .saturday])
        #expect(config.holidayCalendars == ["cn", "cn-xinjiang"])
        #expect(config.maxConnections == 8)
        #expect(config.maxMessageSize == 65_536)
        #expect(config.idleTimeout == .seconds(30))
    }

    @Test("A drop-in overrides the main file; an empty assignment restores the default or clears a list")
    func dropInsOverride() throws {
        let config = try load(
            "[Daemon]\nLanguage=en\nCatchUpWindowSec=1d\n[Ledger]\nWarnBeforeSec=3d",
            dropIns: ["[Daemon]\nLanguage=zh\nCatchUpWindowSec=\n[Ledger]\nWarnBeforeSec=\n[WorkingDays]\nWeekend=Sun"])
        #expect(config.language == .zh)
        #expect(config.catchUpWindow == DaemonConfiguration().catchUpWindow)
        #expect(config.warnBefore == [])
        #expect(config.weekend == [.sunday])
    }

    @Test(
        "Each bad value is refused with file:line, the key and the value in quotes",
        arguments: [
            ("[Daemon]\nTimeZone=Mars/Olympus", "cadenced.conf:2: TimeZone= 'Mars/Olympus' is not a time zone name"),
            ("[Daemon]\nLanguage=fr", "cadenced.conf:2: Language= 'fr' is not a language (zh or en)"),
            (
                "[Daemon]\nNoticeDirectory=notices",
                "cadenced.conf:2: NoticeDirectory= 'notices' is not an absolute path"
            ),
            (
                "[Daemon]\nNoticeDirectory=/srv/../etc",
                "cadenced.conf:2: NoticeDirectory= '/srv/../etc' must not contain"
            ),
            (
                "[Daemon]\nCatchUpWindowSec=2 fortnights",
                "cadenced.conf:2: CatchUpWindowSec= '2 fortnights' is not a time span"
            ),
            ("[Daemon]\nAdminGroup=9lives", "cadenced.conf:2: AdminGroup= '9lives' is not a valid group name"),
            (
                "[Daemon]\nMaskNames=files email",
                "cadenced.conf:2: MaskNames= 'files email' has 'email', which is not where notices go (files, journal"
            ),
            ("[Ledger]\nWarnBeforeSec=7d soon", "cadenced.conf:2: WarnBeforeSec= '7d soon' has 'soon'"),
            ("[Ledger]\nDeadlineTime=25:00", "cadenced.conf:2: DeadlineTime= '25:00' is not a time of day"),
            (
                "[Ledger]\nTalkAfterSec=1d",
                "cadenced.conf:2: TalkAfterSec= '1d' makes the talk (TalkAfterSec=) come no later"
            ),
            ("[WorkingDays]\nWeekend=Sat Caturday", "cadenced.conf:2: Weekend= 'Sat Caturday' has 'Caturday'"),
            (
                "[WorkingDays]\nWeekend=Mon Tue Wed Thu Fri Sat Sun",
                "cadenced.conf:2: Weekend= 'Mon Tue Wed Thu Fri Sat Sun' leaves no working day"
            ),
            ("[WorkingDays]\nHolidays=../etc/passwd", "cadenced.conf:2: Holidays= '../etc/passwd' has '../etc/passwd'"),
            ("[Control]\nMaxConnections=0", "cadenced.conf:2: MaxConnections= '0' is not a number from 1 to 4096"),
            ("[Control]\nMaxMessageSize=1T", "cadenced.conf:2: MaxMessageSize= '1T' is not a size"),
            ("[Daemon]\nTimezone=UTC", "cadenced.conf:2: unknown key 'Timezone' in section '[Daemon]'"),
            ("[Deamon]\nTimeZone=UTC", "cadenced.conf:1: unknown section '[Deamon]'"),
        ])
    func refusesBadValues(text: String, message: String) {
        do {
            _ = try load(text)
            Issue.record("accepted bad input '\(text)'")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }

    @Test("A bad drop-in line is reported at the drop-in's file:line and nothing of the files is applied")
    func badDropInIsReportedWhole() {
        // Bad input: a valid main file and a drop-in with one good and two bad lines.
        do {
            _ = try load(
                "[Daemon]\nLanguage=zh",
                dropIns: ["[Daemon]\nAdminGroup=ops\nLanguage=xx\n[Ledger]\nCircularAfterSec=soon"])
            Issue.record("accepted bad drop-in")
        } catch {
            #expect(
                error.description == """
                    cadenced.conf.d/00-x.conf:3: Language= 'xx' is not a language (zh or en)
                    cadenced.conf.d/00-x.conf:5: CircularAfterSec= 'soon' is not a time span (e.g. '7d', '1h 30min')
                    """)
        }
    }

    @Test("TalkTimeLimitDays= is a number of working days from 1 to 250; empty clears it")
    func talkTimeLimit() throws {
        #expect(try load("").talkTimeLimitDays == nil)
        #expect(try load("[Ledger]\nTalkTimeLimitDays=10").talkTimeLimitDays == 10)
        #expect(
            try load("[Ledger]\nTalkTimeLimitDays=10", dropIns: ["[Ledger]\nTalkTimeLimitDays="]).talkTimeLimitDays
                == nil)
        // Bad input: zero, too many, a word, a span.
        for value in ["0", "251", "ten", "10d"] {
            do {
                _ = try load("[Ledger]\nTalkTimeLimitDays=\(value)")
                Issue.record("accepted TalkTimeLimitDays=\(value)")
            } catch {
                #expect(
                    error.description
                        == "cadenced.conf:2: TalkTimeLimitDays= '\(value)' is not a number of working days between 1 and 250"
                )
            }
        }
    }

    @Test("ComplaintReplyDays= is 15 working days unless set, 0 for none; other values are refused")
    func complaintReplyDays() throws {
        #expect(try load("").complaintReplyDays == 15)
        #expect(try load("[Ledger]\nComplaintReplyDays=0").complaintReplyDays == 0)
        #expect(
            try load("[Ledger]\nComplaintReplyDays=5", dropIns: ["[Ledger]\nComplaintReplyDays="]).complaintReplyDays
                == 15)
        // Bad input: negative, too many, a word.
        for value in ["-1", "251", "soon"] {
            do {
                _ = try load("[Ledger]\nComplaintReplyDays=\(value)")
                Issue.record("accepted ComplaintReplyDays=\(value)")
            } catch {
                #expect(error.description.hasPrefix("cadenced.conf:2: ComplaintReplyDays= '\(value)' is not a number"))
            }
        }
    }
}
