import CadenceControl
import CadenceCore
import CadenceStore
import Foundation

extension LedgerRequest {
    /// How the directory's and the outbox's calls are answered, by method name.
    static let deliveryMethods: [(String, Answer)] = [
        typed(AddPersonCall.self) { request, call in
            try request.store.addPersons([call.person], at: request.now, actor: request.actor)
            return ["person": try request.personObject(call.id)]
        },
        typed(GetPersonCall.self) { request, call in ["person": try request.personObject(call.id)] },
        typed(ListPersonsCall.self) { request, call in
            try request.knownUnit(call.unit)
            return [
                "persons": request.wire(try request.store.persons(unit: call.unit, includeRemoved: call.includeRemoved))
            ]
        },
        typed(RemovePersonCall.self) { request, call in
            try request.store.removePerson(call.id, at: request.now, actor: request.actor)
            return ["person": try request.personObject(call.id)]
        },
        typed(ListDeliveriesCall.self) { request, call in
            let list = try request.store.deliveries(state: call.state, person: call.person, limit: call.limit)
            return ["deliveries": request.wire(list)]
        },
        typed(RetryDeliveryCall.self) { request, call in
            ["delivery": request.wire(try request.store.retryDelivery(call.id, at: request.now, actor: request.actor))]
        },
        typed(SendTestCall.self) { request, call in
            let name = try request.store.person(call.person)?.name ?? call.person
            var notice = request.manager.text.render(
                Notice(
                    key: "test/\(call.person)/\(ISOTimestamp.utc(request.now))", kind: .test, dueAt: request.now,
                    emittedAt: request.now),
                extra: ["person": name, "channel": DeliveryChannel.personal.map(\.rawValue).joined(separator: ", ")])
            notice.fields = ["PERSON": call.person]
            let sent = try request.store.sendTest(notice, to: call.person, at: request.now, actor: request.actor)
            return ["deliveries": request.wire(sent)]
        },
        typed(TakeDeliveriesCall.self) { request, call in
            let held = request.manager.held(at: request.now)
            var reply: [String: Any] = [
                "messages": request.wire(
                    try request.store.dueDeliveries(at: request.now, limit: call.limit, holding: held.kinds))
            ]
            let next = [try request.store.nextDeliveryAt(holding: held.kinds), held.quietUntil].compactMap { $0 }.min()
            reply["nextAt"] = next.map(ISOTimestamp.utc)
            return reply
        },
        typed(RecordDeliveryCall.self) { request, call in
            let manager = request.manager
            let (record, deadLetter) = try request.store.recordDelivery(
                call.id, outcome: call.outcome, reason: call.reason, at: request.now
            ) { failed, attempts in
                manager.deliveryFailed(failed, attempts: attempts, reason: call.reason, at: request.now)
            }
            if let deadLetter {
                manager.delivery.stored([deadLetter.key])
                try manager.delivery.deliverPending()
            }
            return ["delivery": request.wire(record)]
        },
    ]

    func personObject(_ id: String) throws -> RawJSON {
        guard let person = try store.person(id) else {
            throw LedgerError.notFound("there is no person '\(id)' in the directory")
        }
        return wire(person)
    }
}

extension Manager {
    /// The notice that a message to a person was given up (the dead letter), rendered; its key
    /// makes it once per message and attempt count.
    func deliveryFailed(_ failed: DeliveryRecord, attempts: Int, reason: String?, at now: Date) -> Notice {
        var notice = text.render(
            Notice(key: "delivery/\(failed.id)/failed/\(attempts)", kind: .deliveryFailed, dueAt: now, emittedAt: now),
            extra: [
                "person": failed.personName, "channel": failed.channel.rawValue, "address": failed.address,
                "subject": failed.subject, "reason": reason ?? failed.lastError ?? "", "attempts": String(attempts),
                "delivery": String(failed.id),
            ])
        notice.fields = [
            "PERSON": failed.person, "CHANNEL": failed.channel.rawValue, "ADDRESS": failed.address,
            "DELIVERY": String(failed.id), "FOR_NOTICE_KEY": failed.noticeKey,
        ]
        notice.names = [failed.personName, failed.address].filter { !$0.isEmpty }
        return notice
    }
}
