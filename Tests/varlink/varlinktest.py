"""Shared helpers of the Varlink conformance and abuse scripts: a tiny test recorder, the raw
Varlink connection (varlinkwire.py, shared with the reliability campaigns), and a strict check
of values against types parsed from the service's own IDL."""

import sys
import time
import traceback

import varlink
from varlink import scanner
from varlinkwire import Connection


class Recorder:
    """Counts checks; a failing check records why and the run goes on."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0
        self.failures = []
        self.known = []
        # --strict: a known server bug (see `bug=`) fails like any other check.
        self.strict = "--strict" in sys.argv
        if self.strict:
            sys.argv.remove("--strict")

    def check(self, condition, what, detail="", bug=None):
        """Records one check. `bug` names a known, reported server bug that makes it fail: it is
        listed but tolerated (unless --strict); once the check passes, it says so."""
        if condition:
            self.passed += 1
            print(f"ok   {what}" + (f" (known bug fixed? remove the marker: {bug})" if bug else ""), flush=True)
        elif bug and not self.strict:
            self.known.append(bug)
            print(f"BUG  {what}: known server bug: {bug}" + (f"; {detail}" if detail else ""), flush=True)
        else:
            self.failed += 1
            self.failures.append(what)
            print(f"FAIL {what}" + (f": {detail}" if detail else ""), flush=True)
        return condition

    def run(self, what, function, *args):
        """Runs one test function; an exception counts as a failure of `what`."""
        try:
            function(*args)
        except Exception as error:  # noqa: BLE001 - any exception is a failed test
            self.failed += 1
            self.failures.append(what)
            print(f"FAIL {what}: {type(error).__name__}: {error}", flush=True)
            traceback.print_exc(file=sys.stdout)

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed", flush=True)
        if self.known:
            print(f"{len(self.known)} checks hit known server bugs (tolerated; --strict fails them): "
                  + "; ".join(sorted(set(self.known))), flush=True)
        if self.failures:
            print("failed: " + "; ".join(self.failures), flush=True)
        sys.exit(1 if self.failed else 0)


# The raw connection: one for every Python test (varlinkwire.py).
Raw = Connection


def wait_for_socket(path, seconds=20.0):
    deadline = time.monotonic() + seconds
    while True:
        try:
            raw = Raw(path, timeout=2)
            reply = raw.call("org.varlink.service.GetInfo")
            raw.close()
            if "parameters" in reply:
                return
        except (OSError, EOFError, ValueError):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} does not answer")
        time.sleep(0.05)


def type_problems(interface, vtype, value, path="", optional_ok=False):
    """Differences between `value` (decoded JSON) and `vtype` (from varlink.Interface); [] if it fits.
    Stricter than the varlink package, which drops unknown fields and ignores missing ones."""
    if isinstance(vtype, scanner._Maybe):
        if value is None:
            return []
        return type_problems(interface, vtype.element_type, value, path)
    if value is None:
        return [f"{path or 'value'} is null or missing but its type is not optional"]
    if isinstance(vtype, scanner._CustomType):
        return type_problems(interface, interface.members[vtype.name], value, path)
    if isinstance(vtype, scanner._Alias):
        return type_problems(interface, vtype.type, value, path)
    if isinstance(vtype, scanner._Array):
        if not isinstance(value, list):
            return [f"{path} is {type(value).__name__}, not an array"]
        out = []
        for i, element in enumerate(value):
            out += type_problems(interface, vtype.element_type, element, f"{path}[{i}]")
        return out
    if isinstance(vtype, scanner._Dict):
        if not isinstance(value, dict):
            return [f"{path} is {type(value).__name__}, not a map"]
        out = []
        for key, element in value.items():
            out += type_problems(interface, vtype.element_type, element, f"{path}[{key}]")
        return out
    if isinstance(vtype, scanner._Enum):
        return [] if value in vtype.fields else [f"{path} = {value!r} is not one of {list(vtype.fields)}"]
    if isinstance(vtype, scanner._Object):
        return []
    if isinstance(vtype, scanner._Struct):
        if not isinstance(value, dict):
            return [f"{path} is {type(value).__name__}, not an object"]
        out = []
        for name, field_type in vtype.fields.items():
            out += type_problems(interface, field_type, value.get(name), f"{path}.{name}")
        for name in value:
            if name not in vtype.fields:
                out.append(f"{path}.{name} is not in the interface")
        return out
    # Basic types are represented by instances: bool(), int(), float(), str().
    if isinstance(vtype, bool):
        return [] if isinstance(value, bool) else [f"{path} = {value!r} is not a bool"]
    if isinstance(vtype, int):
        return [] if isinstance(value, int) and not isinstance(value, bool) else [f"{path} = {value!r} is not an int"]
    if isinstance(vtype, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return [] if ok else [f"{path} = {value!r} is not a float"]
    if isinstance(vtype, str):
        return [] if isinstance(value, str) else [f"{path} = {value!r} is not a string"]
    return [f"{path}: unknown type {vtype!r}"]


def reply_problems(interface, method_name, parameters):
    """Problems of a method's reply parameters against its out-type in `interface`."""
    method = interface.get_method(method_name)
    return type_problems(interface, method.out_type, parameters, method_name)


def error_problems(interface, reply):
    """Problems of an error reply: the error is declared by its interface and its parameters fit."""
    name = reply.get("error", "")
    iface, _, member = name.rpartition(".")
    if iface != interface.name:
        return [f"{name} is not an error of {interface.name}"]
    error = interface.members.get(member)
    if not isinstance(error, scanner._Error):
        return [f"{name} is not declared in {interface.name}"]
    return type_problems(interface, error.type, reply.get("parameters", {}), name)


__all__ = ["Recorder", "Raw", "wait_for_socket", "type_problems", "reply_problems", "error_problems", "varlink"]
