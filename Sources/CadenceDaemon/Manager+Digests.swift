import CadenceConfiguration
import CadenceCore
import CadenceStore
import Foundation

extension Manager {
    /// The kinds of message that wait for the digest (none without `DigestTime=`).
    var heldForDigest: [NoticeKind] {
        configuration.daemon.digestTimeOfDay == nil ? [] : configuration.daemon.digestKinds
    }

    /// The kinds of message not sent at `now`: those waiting for the digest, and in `QuietHours=`
    /// all but the urgent ones (priority err or higher); with the end of the quiet hours, if now.
    func held(at now: Date) -> (kinds: [NoticeKind], quietUntil: Date?) {
        var kinds = heldForDigest
        guard let quiet = configuration.daemon.quietHours else { return (kinds, nil) }
        let zone = configuration.timeZone
        let today = LocalDay.of(now, in: zone)
        let seconds = Int(now.timeIntervalSince(LocalDay.instant(today, secondsOfDay: 0, in: zone)))
        guard quiet.contains(secondsOfDay: seconds) else { return (kinds, nil) }
        let endDay = seconds >= quiet.end && quiet.end < quiet.start ? today.adding(days: 1) : today
        for kind in NoticeKind.allCases where kind.priority > 3 && kind != .test && !kinds.contains(kind) {
            kinds.append(kind)
        }
        return (kinds, LocalDay.instant(endDay, secondsOfDay: quiet.end, in: zone))
    }

    /// At `DigestTime=` on each working day (the holiday calendar's: none on a holiday, one on a
    /// make-up working Saturday), each person's waiting messages of `DigestKinds=` become one
    /// digest. After downtime the day's digest comes at start; days missed are not repeated, their
    /// messages are in the next one.
    func processDigests(at now: Date) throws -> [Notice] {
        guard let time = configuration.daemon.digestTimeOfDay else { return [] }
        let zone = configuration.timeZone
        let today = LocalDay.of(now, in: zone)
        guard configuration.workingDays.isWorkingDay(today),
            now >= LocalDay.instant(today, secondsOfDay: time, in: zone)
        else { return [] }
        return try store.makeDigests(day: today.description, kinds: configuration.daemon.digestKinds, at: now) {
            person, name, messages in
            digestNotice(day: today, person: person, name: name, messages: messages, at: now)
        }
    }

    /// When the next digest is due: today's, if it is a working day not yet done, else the next
    /// working day's.
    func nextDigest(after now: Date) throws -> Date? {
        guard let time = configuration.daemon.digestTimeOfDay else { return nil }
        let zone = configuration.timeZone
        var day = LocalDay.of(now, in: zone)
        if try store.lastDigestDay() == day.description { day = day.adding(days: 1) }
        day = configuration.workingDays.workingDay(onOrAfter: day)
        return max(LocalDay.instant(day, secondsOfDay: time, in: zone), now)
    }

    func digestNotice(day: LocalDate, person: String, name: String, messages: [DueDelivery], at now: Date) -> Notice {
        // Each message counted once: overdue once its deadline has passed, else due soon if a warning.
        let overdue = messages.filter { $0.deadline.map { $0 <= now } ?? false }
        let dueSoon = messages.filter {
            $0.delivery.noticeKind == NoticeKind.deadlineWarning.rawValue && !($0.deadline.map { $0 <= now } ?? false)
        }.count
        let longest = overdue.compactMap { $0.deadline }.map { Int(now.timeIntervalSince($0) / 86_400) }.max() ?? 0
        let summary = text.digestSummary(
            dueSoon: dueSoon, overdue: overdue.count, longestOverdue: longest,
            other: messages.count - dueSoon - overdue.count)
        let channel = messages[0].delivery.channel.rawValue
        return text.render(
            Notice(key: "digest/\(day)/\(person)/\(channel)", kind: .digest, dueAt: now, emittedAt: now),
            extra: [
                "count": String(messages.count), "summary": summary, "person": name,
                "lines": messages.map { "- " + $0.delivery.subject }.joined(separator: "\n"),
            ])
    }
}
