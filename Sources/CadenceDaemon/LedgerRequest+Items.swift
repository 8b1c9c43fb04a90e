import CadenceControl
import CadenceCore
import CadenceStore
import Foundation

extension LedgerRequest {
    typealias Answer = @Sendable (LedgerRequest) throws -> [String: Any]

    /// The calls read as typed values.
    static let typedCalls: [any LedgerCall.Type] = [
        AddItemCall.self, GetItemCall.self, ListItemsCall.self, UpdateItemCall.self, EditItemCall.self,
        RemoveItemCall.self, ReplyItemCall.self,
        CloseItemCall.self, AddUnitCall.self, EditUnitCall.self, GetUnitCall.self, ListUnitsCall.self,
        RemoveUnitCall.self,
        AssignRoleCall.self, EndRoleCall.self, ListRolesCall.self, AddCommitmentCall.self, ListCommitmentsCall.self,
        EvaluateCommitmentCall.self, RecordReviewCall.self, ListReviewsCall.self, RemoveReviewCall.self,
        SubmitReportCall.self, ListReportsCall.self, RemoveReportCall.self,
        GetQuotaCall.self, ListNoticesCall.self, ListHistoryCall.self, GetStatusCall.self, ImportCall.self,
        ExportCall.self, EvaluateCall.self, PrintLedgerCall.self, CommitmentBoardCall.self, AddPersonCall.self,
        GetPersonCall.self,
        ListPersonsCall.self,
        RemovePersonCall.self, ListDeliveriesCall.self, RetryDeliveryCall.self, TakeDeliveriesCall.self,
        RecordDeliveryCall.self, SendTestCall.self, BackupCall.self, ReadBackupCall.self, GetPlanCall.self,
        HandInCall.self, RecordCountCall.self,
    ]

    /// How each of ``typedCalls`` is answered, by method name.
    static let typedMethods: [String: Answer] = Dictionary(
        uniqueKeysWithValues: [
            typed(AddItemCall.self) { try $0.answer($1) },
            typed(GetItemCall.self) { request, call in ["item": try request.itemObject(call.id)] },
            typed(ListItemsCall.self) { try $0.answer($1) },
            typed(UpdateItemCall.self) { request, call in ["item": try request.update(call)] },
            typed(RemoveItemCall.self) { try $0.answer($1) },
            typed(ReplyItemCall.self) { request, call in
                [
                    "item": request.wire(
                        try request.store.recordReply(call.id, reply: call.reply, at: request.now, actor: request.actor)
                    )
                ]
            },
            typed(EditItemCall.self) { try $0.answer($1) },
            typed(CloseItemCall.self) { request, call in ["item": try request.update(call.update)] },
        ] + campaignMethods + otherMethods + deliveryMethods + backupMethods)

    static func typed<Call: LedgerCall>(
        _ type: Call.Type, _ answer: @escaping @Sendable (LedgerRequest, Call) throws -> [String: Any]
    ) -> (String, Answer) {
        (Call.method, { request in try answer(request, Call(reading: request.parameters)) })
    }

    func answer(_ call: AddItemCall) throws -> [String: Any] {
        guard let (deadline, deadlineDate) = manager.parseDeadline(call.deadline, at: now) else {
            throw VarlinkError.invalidArgument(
                "deadline",
                "'\(call.deadline)' is not a date (YYYY-MM-DD), +N days, +Nwd working days or an ISO 8601 instant")
        }
        guard deadline > now else {
            throw VarlinkError.invalidArgument("deadline", "'\(call.deadline)' is not in the future")
        }
        var item = NewItem(
            unit: call.unit, title: call.title, deadline: deadline, source: call.source ?? .selfExamination,
            scope: call.scope, urgency: call.urgency, difficulty: call.difficulty, texts: call.texts,
            first: call.first, main: call.main, direct: call.direct, deadlineDate: deadlineDate)
        item.recurrenceOf = call.recurrenceOf.map(Int64.init)
        item.appraisal = call.appraisal.map(Int64.init)
        item.missedBy = call.missedBy.map(Int64.init)
        // Found by a public appraisal: that is its source, unless another was given.
        if call.appraisal != nil, call.source == nil { item.source = .publicAppraisal }
        item.replyDueAt = manager.replyDue(source: item.source, recordedAt: now, unit: item.unit)
        let id = try store.addItem(item, schedule: manager.itemSchedule, at: now, actor: actor)
        return ["item": try itemObject(id)]
    }

    func answer(_ call: ListItemsCall) throws -> [String: Any] {
        if let unit = call.unit, try store.unit(unit) == nil { throw LedgerError.unknownUnit(unit) }
        let (items, total) = try store.items(
            unit: call.unit, overdueAt: call.overdueOnly ? now : nil, state: call.state, limit: call.limit)
        return ["items": wire(items), "total": total]
    }

    func answer(_ call: EditItemCall) throws -> [String: Any] {
        guard let item = try store.item(call.id) else { throw LedgerError.unknownItem(call.id) }
        let reason = call.reason.trimmingCharacters(in: .whitespaces)
        guard !reason.isEmpty else { throw VarlinkError.invalidArgument("reason", "say why the item is corrected") }
        var row = NewItem(
            unit: item.unit, title: call.title ?? item.title, deadline: item.deadline,
            source: call.source ?? ItemSource(rawValue: item.source) ?? .selfExamination,
            scope: call.scope ?? item.scope.flatMap(ItemScope.init),
            urgency: call.urgency ?? item.urgency.flatMap(ItemPriority.init),
            difficulty: call.difficulty ?? item.difficulty.flatMap(ItemPriority.init),
            texts: ItemTexts { call.texts[$0] ?? item.texts[$0] }, first: call.first ?? item.first,
            main: call.main ?? item.main, direct: call.direct ?? item.direct, deadlineDate: item.deadlineDate)
        row.importKey = item.importKey
        let fields = LedgerStore.differences(item, row)
        try store.edit(
            ItemChange(item: item.id, line: 0, fields: fields, row: row), reason: reason,
            schedule: manager.itemSchedule, at: now, actor: actor)
        return ["item": try itemObject(call.id), "changed": fields.map(\.name)]
    }

    func answer(_ call: RemoveItemCall) throws -> [String: Any] {
        ["item": wire(try store.removeItem(call.id, force: call.force, at: now, actor: actor))]
    }

    func update(_ call: UpdateItemCall) throws -> RawJSON {
        var deadline: (instant: Date, date: String?)?
        if let text = call.deadline {
            guard let parsed = manager.parseDeadline(text, at: now) else {
                throw VarlinkError.invalidArgument("deadline", "'\(text)' is not a date, +N, +Nwd or an instant")
            }
            deadline = parsed
        }
        // The verifier is the caller (authenticated by the socket); "by" only names on whose behalf.
        var details = TransitionDetails(
            note: call.note, by: call.by, deadline: deadline?.instant, plan: call.plan,
            explanation: call.explanation, referredTo: call.referredTo, deadlineDate: deadline?.date,
            verifier: call.action == .verify ? actor.name : nil)
        if call.action == .verify { details.verifierAliases = actor.aliases }
        let item = try store.transition(
            call.id, call.action, details, schedule: manager.itemSchedule, at: now, actor: actor)
        return wire(item)
    }
}
