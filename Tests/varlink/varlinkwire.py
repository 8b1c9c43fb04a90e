"""The tests' one Varlink connection in Python: NUL-terminated JSON on a Unix stream socket.

Written here on purpose instead of the `varlink` package: the conformance and abuse scripts must
send what a client library refuses to send, and the reliability campaigns (Tests/reliability)
run inside namespaces with nothing installed. `Connection` is the raw wire; `Client` is how the
campaigns call the ledger, with one error for "no whole reply".
"""

import json
import socket
import time

LEDGER = "io.cadenced.Ledger"


class Unreachable(EOFError):
    """The daemon did not answer: not listening, or the connection broke before the reply (the
    call may or may not have been carried out)."""


class Connection:
    """One raw connection to the service."""

    def __init__(self, path, timeout=10.0, wait_for_backlog=False):
        """`wait_for_backlog`: a full listen backlog makes a connect with a timeout fail at once
        with EAGAIN, where a blocking client (cadencectl) waits; wait likewise, up to `timeout`."""
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock.connect(path)
                break
            except BlockingIOError:
                if wait_for_backlog and time.monotonic() < deadline:
                    time.sleep(0.01)
                    continue
                self.sock.close()
                raise
            except OSError:
                self.sock.close()
                raise
        self.buffer = b""

    def send_bytes(self, data):
        self.sock.sendall(data)

    def send(self, obj):
        self.sock.sendall(json.dumps(obj).encode("utf-8") + b"\0")

    def receive_frame(self):
        """The next message as sent (bytes, without its NUL); EOFError when the server closed."""
        while b"\0" not in self.buffer:
            data = self.sock.recv(1 << 20)
            if not data:
                raise EOFError(f"connection closed before a whole reply (pending {self.buffer[:80]!r})")
            self.buffer += data
        message, _, self.buffer = self.buffer.partition(b"\0")
        return message

    def receive(self):
        """The next message as a dict; raises EOFError when the server closed the connection."""
        return json.loads(self.receive_frame().decode("utf-8"))

    def call(self, method, parameters=None, **flags):
        message = {"method": method}
        if parameters is not None:
            message["parameters"] = parameters
        message.update(flags)
        self.send(message)
        return self.receive()

    def closed_by_server(self, seconds):
        """True when the server closes the connection (EOF or reset) within `seconds`; any bytes
        still arriving first (e.g. an error reply) are collected in self.buffer."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                return False
            except (ConnectionResetError, BrokenPipeError):
                return True
            if not data:
                return True
            self.buffer += data
        return False

    def pending_messages(self):
        """Complete messages received so far (by closed_by_server), decoded."""
        parts = self.buffer.split(b"\0")
        return [json.loads(p.decode("utf-8")) for p in parts[:-1]]

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class Client(Connection):
    """The ledger's client: a method without an interface is the ledger's; any failure to get a
    whole reply (refused connect, reset, early end) is `Unreachable`."""

    def __init__(self, path, timeout=10.0):
        try:
            super().__init__(path, timeout, wait_for_backlog=True)
        except OSError as error:
            raise Unreachable(str(error)) from error

    def call(self, method, parameters=None, **flags):
        """The reply as a dict (with "parameters" or "error")."""
        try:
            return super().call(method if "." in method else f"{LEDGER}.{method}", parameters, **flags)
        except EOFError as error:
            raise Unreachable(str(error)) from error
        except OSError as error:
            raise Unreachable(str(error)) from error


def call(path, method, parameters=None, timeout=10.0):
    """One call on a connection of its own."""
    client = Client(path, timeout)
    try:
        return client.call(method, parameters)
    finally:
        client.close()
