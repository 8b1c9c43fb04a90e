"""Reads stored messages with Python's own e-mail parser (not ours) and prints them as JSON lines.

Usage: read-mail.py DIRECTORY
One line per N.eml, in order: the envelope (N.json) and the decoded headers and body, and whether
the message parses without defects under the strict SMTP policy.
"""
import email
import email.policy
import json
import os
import sys

directory = sys.argv[1]
names = sorted((n for n in os.listdir(directory) if n.endswith(".eml")), key=lambda n: int(n.split(".")[0]))
for name in names:
    with open(os.path.join(directory, name), "rb") as f:
        raw = f.read()
    message = email.message_from_bytes(raw, policy=email.policy.SMTP)
    with open(os.path.join(directory, name[:-4] + ".json")) as f:
        envelope = json.load(f)
    print(
        json.dumps(
            {
                "envelope": envelope,
                "from": str(message["From"]),
                "to": str(message["To"]),
                "subject": str(message["Subject"]),
                "messageID": str(message["Message-ID"]),
                "date": str(message["Date"]),
                "dateParsed": message["Date"].datetime is not None,
                "contentType": message.get_content_type(),
                "charset": message.get_content_charset(),
                "transferEncoding": str(message["Content-Transfer-Encoding"]),
                "notice": str(message["X-Cadenced-Notice"]),
                "body": message.get_content(),
                "defects": [type(d).__name__ for d in message.defects],
                "crlfOnly": b"\n" not in raw.replace(b"\r\n", b""),
            },
            ensure_ascii=False,
        )
    )
