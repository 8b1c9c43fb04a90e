"""Local HTTPS stand-ins for the group robots of DingTalk, WeCom and Feishu, for the delivery tests.

Usage: robot-sink.py DIRECTORY PORT-FILE CERT KEY --secret SECRET [--limit N]

Listens on 127.0.0.1 at a free port (written to PORT-FILE once it accepts connections) with TLS
(CERT, KEY: a certificate of a test CA for localhost). Checks each post as the public
documentation of each robot specifies and answers with the robot's own codes:

  DingTalk  POST /robot/send?access_token=TOKEN&timestamp=MS&sign=SIGN
            sign = urlencode(base64(HMAC-SHA256(key=SECRET, msg=f"{MS}\\n{SECRET}"))), MS within an
            hour; body {"msgtype": "markdown", "markdown": {"title", "text"}, "at": {"atMobiles"}};
            each @-mentioned mobile must appear as "@MOBILE" in the text.
            errcode 0 ok, 310000 sign not match, 300001 token is not exist (TOKEN "expired"),
            130101 send too fast (more than --limit posts a minute for one token).
  WeCom     POST /cgi-bin/webhook/send?key=KEY
            body {"msgtype": "text", "text": {"content" (at most 2048 bytes), "mentioned_mobile_list"}}
            errcode 0 ok, 93000 invalid webhook url (KEY "expired"), 45009 api freq out of limit.
  Feishu    POST /open-apis/bot/v2/hook/TOKEN
            body {"timestamp": S, "sign": base64(HMAC-SHA256(key=f"{S}\\n{SECRET}", msg=b"")),
            "msg_type": "text", "content": {"text"}}; code 0 ok, 19021 sign match fail (HTTP 400),
            11232 frequency limited.

A TOKEN or KEY starting with "busy" is answered HTTP 503 for its first two posts (a passing fault).
Each post that passes the checks is appended to DIRECTORY/posts.jsonl as
{"robot", "token", "payload", "at"}; each refused one to DIRECTORY/refused.jsonl with the reason.
Invented tokens only; loopback only.
"""
import base64
import hashlib
import hmac
import http.server
import json
import os
import ssl
import sys
import threading
import time
import urllib.parse

directory, port_file, cert, key = sys.argv[1:5]
secret = sys.argv[sys.argv.index("--secret") + 1]
limit = int(sys.argv[sys.argv.index("--limit") + 1]) if "--limit" in sys.argv else 20
os.makedirs(directory, exist_ok=True)
lock = threading.Lock()
recent = {}
busy = {}


def log(name, record):
    with lock, open(os.path.join(directory, name), "a", encoding="utf-8") as out:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def too_fast(token):
    now = time.time()
    with lock:
        times = [t for t in recent.get(token, []) if now - t < 60]
        if len(times) >= limit:
            recent[token] = times
            return True
        recent[token] = times + [now]
        return False


def still_busy(token):
    if not token.startswith("busy"):
        return False
    with lock:
        busy[token] = busy.get(token, 0) + 1
        return busy[token] <= 2


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *arguments):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def refuse(self, robot, token, status, body, reason):
        log("refused.jsonl", {"robot": robot, "token": token, "reason": reason, "code": body})
        self.answer(status, body)

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            payload = json.loads(raw.decode("utf-8"))
        except ValueError:
            return self.answer(400, {"errcode": 40001, "errmsg": "body is not JSON"})
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            return self.answer(400, {"errcode": 40002, "errmsg": "Content-Type is not application/json"})
        if url.path == "/robot/send":
            return self.dingtalk(query, payload)
        if url.path == "/cgi-bin/webhook/send":
            return self.wecom(query, payload)
        if url.path.startswith("/open-apis/bot/v2/hook/"):
            return self.feishu(url.path.rsplit("/", 1)[1], payload)
        self.answer(404, {"errcode": 404, "errmsg": "no such robot"})

    def dingtalk(self, query, payload):
        token = query.get("access_token", [""])[0]
        if still_busy(token):
            return self.answer(503, {"errcode": -1, "errmsg": "system busy"})
        if token == "expired":
            return self.refuse("dingtalk", token, 200, {"errcode": 300001, "errmsg": "token is not exist"}, "token")
        stamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
        expected = base64.b64encode(
            hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()).decode()
        fresh = stamp.isdigit() and abs(time.time() * 1000 - int(stamp)) < 3600 * 1000
        # parse_qs has undone the URL encoding: what remains must be the base64 itself.
        if not fresh or sign != expected:
            return self.refuse("dingtalk", token, 200, {"errcode": 310000, "errmsg": "sign not match"}, "sign")
        markdown = payload.get("markdown", {})
        mobiles = payload.get("at", {}).get("atMobiles", [])
        if payload.get("msgtype") != "markdown" or not markdown.get("title") or not markdown.get("text") \
                or any("@" + m not in markdown["text"] for m in mobiles):
            return self.refuse("dingtalk", token, 200, {"errcode": 40035, "errmsg": "param error"}, "payload")
        if too_fast(token):
            return self.refuse("dingtalk", token, 200,
                               {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}, "rate")
        log("posts.jsonl", {"robot": "dingtalk", "token": token, "payload": payload, "at": time.time()})
        self.answer(200, {"errcode": 0, "errmsg": "ok"})

    def wecom(self, query, payload):
        token = query.get("key", [""])[0]
        if still_busy(token):
            return self.answer(503, {"errcode": -1, "errmsg": "system busy"})
        if token == "expired":
            return self.refuse("wecom", token, 200, {"errcode": 93000, "errmsg": "invalid webhook url"}, "token")
        text = payload.get("text", {})
        if payload.get("msgtype") != "text" or not text.get("content") \
                or len(text["content"].encode()) > 2048 or not isinstance(text.get("mentioned_mobile_list", []), list):
            return self.refuse("wecom", token, 200, {"errcode": 40008, "errmsg": "invalid message type"}, "payload")
        if too_fast(token):
            return self.refuse("wecom", token, 200, {"errcode": 45009, "errmsg": "api freq out of limit"}, "rate")
        log("posts.jsonl", {"robot": "wecom", "token": token, "payload": payload, "at": time.time()})
        self.answer(200, {"errcode": 0, "errmsg": "ok"})

    def feishu(self, token, payload):
        if still_busy(token):
            return self.answer(503, {"code": -1, "msg": "system busy"})
        stamp, sign = str(payload.get("timestamp", "")), payload.get("sign", "")
        expected = base64.b64encode(
            hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()
        fresh = stamp.isdigit() and abs(time.time() - int(stamp)) < 3600
        if not fresh or sign != expected:
            return self.refuse("feishu", token, 400, {
                "code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"}, "sign")
        if payload.get("msg_type") != "text" or not payload.get("content", {}).get("text"):
            return self.refuse("feishu", token, 400, {"code": 9499, "msg": "Bad Request"}, "payload")
        if too_fast(token):
            return self.refuse("feishu", token, 200, {"code": 11232, "msg": "frequency limited"}, "rate")
        log("posts.jsonl", {"robot": "feishu", "token": token, "payload": payload, "at": time.time()})
        self.answer(200, {"code": 0, "msg": "success", "data": {}})


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(port_file + ".tmp", "w") as out:
    out.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
