import CSSL
import CadenceCore
public import Foundation

/// A group robot's webhook and signing secret: the systemd credential `robot-NAME`, the webhook's
/// address on its first line, the signing secret (DingTalk's `SEC…`, Feishu's) on the second when
/// the robot signs. Never logged: reasons name the host only.
public struct RobotCredential: Equatable, Sendable {
    public var webhook: URL
    public var secret: String?

    public init(webhook: URL, secret: String? = nil) {
        self.webhook = webhook
        self.secret = secret
    }

    /// The credential's text, or why it is not one (without repeating it).
    public static func parse(_ text: String) -> Result<RobotCredential, RobotCredentialError> {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard let first = lines.first, let url = URL(string: first), let scheme = url.scheme?.lowercased(),
            scheme == "https" || scheme == "http", url.host != nil
        else { return .failure(RobotCredentialError(reason: "its first line is not the webhook's https:// address")) }
        guard lines.count <= 2 else {
            return .failure(RobotCredentialError(reason: "it has more than two lines (the webhook, then the secret)"))
        }
        return .success(RobotCredential(webhook: url, secret: lines.count == 2 ? lines[1] : nil))
    }
}

public struct RobotCredentialError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

/// A message of the outbox as a robot posts it (names already masked by cadenced).
struct RobotItem: Equatable {
    var id: Int64
    var subject: String
    var body: String
    var mentions: [String]
}

/// What DingTalk, WeCom and Feishu robots are sent, as their public documentation specifies:
/// DingTalk a markdown message with `at.atMobiles` and a signed URL (`timestamp` in ms and `sign`
/// = URL-encoded base64 of HMAC-SHA256 keyed by the secret over "timestamp\nsecret"); WeCom a
/// text message with `mentioned_mobile_list`; Feishu a text message with `timestamp` (seconds)
/// and `sign` (base64 of HMAC-SHA256 keyed by "timestamp\nsecret" over nothing) in the body.
enum RobotPost {
    /// The most messages gathered into one post: a robot may post about 20 times a minute, and a
    /// month-end burst is hundreds of warnings.
    static let maximumMessages = 10

    /// The most bytes of text in one post (WeCom's text message takes 2,048).
    static func byteLimit(_ channel: DeliveryChannel) -> Int { channel == .wecom ? 2000 : 4000 }

    /// The messages in posts, in order, each post within the channel's limits. A message too long
    /// for a post alone is cut, saying so.
    static func group(_ items: [RobotItem], channel: DeliveryChannel) -> [[RobotItem]] {
        let limit = byteLimit(channel)
        var posts: [[RobotItem]] = []
        var current: [RobotItem] = []
        for var item in items {
            if section(item, channel).utf8.count > limit {
                item.body = cut(item.body, to: max(limit - section(item, channel, body: "").utf8.count - 8, 0))
            }
            let candidate = current + [item]
            if !current.isEmpty && (candidate.count > maximumMessages || text(candidate, channel).utf8.count > limit) {
                posts.append(current)
                current = [item]
            } else {
                current = candidate
            }
        }
        if !current.isEmpty { posts.append(current) }
        return posts
    }

    private static func cut(_ text: String, to bytes: Int) -> String {
        var result = ""
        for character in text {
            if result.utf8.count + character.utf8.count > bytes { break }
            result.append(character)
        }
        return result + "…"
    }

    private static func section(_ item: RobotItem, _ channel: DeliveryChannel, body: String? = nil) -> String {
        let body = body ?? item.body
        switch channel {
        case .dingtalk:
            // Markdown: a line break needs an empty line.
            let lines = body.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n\n")
            return "#### \(item.subject)\n\n\(lines)"
        case .wecom, .feishu, .email, .exec:
            return body.isEmpty ? "【\(item.subject)】" : "【\(item.subject)】\n\(body)"
        }
    }

    /// The text of one post: each message in turn, then the mentions.
    static func text(_ items: [RobotItem], _ channel: DeliveryChannel) -> String {
        var text = items.map { section($0, channel) }.joined(separator: channel == .dingtalk ? "\n\n---\n\n" : "\n\n")
        let mentions = self.mentions(items)
        if !mentions.isEmpty {
            switch channel {
            // DingTalk shows an @ only where the text has it.
            case .dingtalk: text += "\n\n" + mentions.map { "@\($0)" }.joined(separator: " ")
            case .feishu: text += "\n" + mentions.map { "<at user_id=\"\($0)\"></at>" }.joined(separator: " ")
            case .wecom, .email, .exec: break
            }
        }
        return text
    }

    static func mentions(_ items: [RobotItem]) -> [String] {
        var seen: Set<String> = []
        return items.flatMap(\.mentions).filter { seen.insert($0).inserted }
    }

    /// The request for one post at `now`: the address (signed, for DingTalk) and the JSON body.
    static func request(
        _ items: [RobotItem], channel: DeliveryChannel, credential: RobotCredential, now: Date
    ) -> (url: URL, body: [UInt8]) {
        let text = self.text(items, channel)
        var url = credential.webhook
        var payload: [String: Any]
        switch channel {
        case .dingtalk:
            let title = items.count == 1 ? items[0].subject : "\(items[0].subject) (+\(items.count - 1))"
            payload = [
                "msgtype": "markdown", "markdown": ["title": title, "text": text],
                "at": ["atMobiles": mentions(items), "isAtAll": false],
            ]
            if let secret = credential.secret {
                let timestamp = String(Int64((now.timeIntervalSince1970 * 1000).rounded(.down)))
                let sign = base64(hmacSHA256(key: Array(secret.utf8), message: Array("\(timestamp)\n\(secret)".utf8)))
                var components = URLComponents(url: url, resolvingAgainstBaseURL: false)!
                let encoded = sign.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? sign
                components.percentEncodedQuery =
                    (components.percentEncodedQuery.map { $0 + "&" } ?? "") + "timestamp=\(timestamp)&sign=\(encoded)"
                url = components.url ?? url
            }
        case .wecom:
            payload = ["msgtype": "text", "text": ["content": text, "mentioned_mobile_list": mentions(items)]]
        case .feishu, .email, .exec:
            payload = ["msg_type": "text", "content": ["text": text]]
            if let secret = credential.secret {
                let timestamp = String(Int64(now.timeIntervalSince1970.rounded(.down)))
                payload["timestamp"] = timestamp
                payload["sign"] = base64(hmacSHA256(key: Array("\(timestamp)\n\(secret)".utf8), message: []))
            }
        }
        let body = (try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])) ?? Data()
        return (url, Array(body))
    }

    /// The robots' own codes for "too many posts": tried again later. Any other code is a refusal
    /// (a wrong token or signature, a keyword missing) that will not pass by itself.
    static let rateLimitCodes: [DeliveryChannel: Set<Int>] = [
        .dingtalk: [130101], .wecom: [45009], .feishu: [11232],
    ]

    /// "System busy" (系统繁忙), which DingTalk and WeCom document as "try again later".
    static let busyCodes: [DeliveryChannel: Set<Int>] = [.dingtalk: [-1], .wecom: [-1]]

    /// What the robot's answer means for the messages of the post.
    static func outcome(_ response: WebhookPost.Response, channel: DeliveryChannel) -> (DeliveryOutcome, String?) {
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        let code = (object?["errcode"] ?? object?["code"] ?? object?["StatusCode"]) as? NSNumber
        let message = (object?["errmsg"] ?? object?["msg"] ?? object?["StatusMessage"]) as? String
        let said = code.map { " errcode \($0)" + (message.map { ": \($0)" } ?? "") } ?? ""
        if let code, rateLimitCodes[channel]?.contains(code.intValue) == true {
            return (.temporary, "the \(channel.rawValue) robot asks to post less often:\(said)")
        }
        if let code, busyCodes[channel]?.contains(code.intValue) == true {
            return (.temporary, "the \(channel.rawValue) robot is busy:\(said)")
        }
        switch response.status {
        case 200..<300:
            guard let code else {
                return object == nil
                    ? (.temporary, "the \(channel.rawValue) robot's answer is not JSON (HTTP \(response.status))")
                    : (.sent, nil)
            }
            if code.intValue == 0 { return (.sent, nil) }
            return (.permanent, "the \(channel.rawValue) robot refused it:\(said)")
        case 429, 500...:
            return (.temporary, "the \(channel.rawValue) webhook answered HTTP \(response.status)\(said)")
        default:
            return (.permanent, "the \(channel.rawValue) webhook answered HTTP \(response.status)\(said)")
        }
    }

    static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = key.withUnsafeBufferPointer { k in
            message.withUnsafeBufferPointer { m in
                HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), m.baseAddress, m.count, &out, &length)
            }
        }
        return Array(out.prefix(Int(length)))
    }

    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}
