"""A real SMTP server (aiosmtpd) for the delivery tests: stores each message it accepts.

Usage: smtp-sink.py DIRECTORY PORT-FILE [--auth USER:PASSWORD] [--starttls|--tls CERT KEY]

--starttls offers STARTTLS (and requires it before MAIL); --tls speaks TLS from the first byte.

Listens on 127.0.0.1 at a free port, written to PORT-FILE once it accepts connections. Each
accepted message becomes DIRECTORY/N.eml (the bytes received) and DIRECTORY/N.json (the envelope,
the session's connection number and whether it logged in). Faults by recipient, for the tests:
  refuse-…@   RCPT answered 550 (a permanent refusal)
  later-…@    RCPT answered 451 the first time, accepted after (a passing one)
  slow-…@     stored, then DATA answered only after 3 s (marker file receiving-slow)
Invented addresses only; loopback only.
"""
import asyncio
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

directory, port_file = sys.argv[1], sys.argv[2]
credentials = None
if "--auth" in sys.argv:
    user, password = sys.argv[sys.argv.index("--auth") + 1].split(":", 1)
    credentials = (user.encode(), password.encode())
tls_mode, tls_context = None, None
for mode in ("--starttls", "--tls"):
    if mode in sys.argv:
        at = sys.argv.index(mode)
        tls_mode = mode[2:]
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(sys.argv[at + 1], sys.argv[at + 2])
os.makedirs(directory, exist_ok=True)
state = {"count": 0, "connections": 0, "later": set()}


class Handler:
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        state["connections"] += 1
        session.connection_number = state["connections"]
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("refuse"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if local.startswith("later") and address not in state["later"]:
            state["later"].add(address)
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        state["count"] += 1
        n = state["count"]
        with open(os.path.join(directory, "%d.eml" % n), "wb") as f:
            f.write(envelope.original_content)
        with open(os.path.join(directory, "%d.json.tmp" % n), "w") as f:
            json.dump(
                {
                    "from": envelope.mail_from,
                    "to": envelope.rcpt_tos,
                    "connection": getattr(session, "connection_number", 0),
                    "authenticated": bool(session.authenticated),
                    "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
                    "login": session.login_data.login.decode() if session.login_data else None,
                },
                f,
            )
        os.rename(os.path.join(directory, "%d.json.tmp" % n), os.path.join(directory, "%d.json" % n))
        # A relay that has the message but whose answer is late (or lost, if the client dies).
        if any(a.split("@")[0].startswith("slow") for a in envelope.rcpt_tos):
            open(os.path.join(directory, "receiving-slow"), "w").close()
            await asyncio.sleep(3)
        return "250 2.0.0 accepted as %d" % n


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == credentials
    return AuthResult(success=ok)


kwargs = {}
if credentials:
    kwargs = dict(authenticator=authenticator, auth_require_tls=tls_mode == "starttls", auth_required=True)
if tls_mode == "starttls":
    kwargs.update(tls_context=tls_context, require_starttls=True)


async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(Handler(), hostname="sink.test", decode_data=False, **kwargs), "127.0.0.1", 0,
        ssl=tls_context if tls_mode == "tls" else None,
    )
    port = server.sockets[0].getsockname()[1]
    with open(port_file + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(port_file + ".tmp", port_file)
    async with server:
        await server.serve_forever()


asyncio.run(main())
