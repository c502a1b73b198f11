"""A deliberately misbehaving DNS server on 127.0.0.1 (UDP and TCP on one port), for fault tests.

Each query name picks a behaviour by its labels: the first label (from the left) that names a
fault decides, so ``sel._domainkey.servfail.test`` and ``_dmarc.servfail.test`` both get SERVFAIL.
Names with no fault label are answered from ``records`` (NXDOMAIN when absent, NODATA when the
name has records of another type). Built on dnspython's message API; no zone files.

Faults:
    timeout      no answer at all (UDP dropped; TCP connection held open, silent)
    servfail     rcode SERVFAIL
    refused      rcode REFUSED
    nxdomain     rcode NXDOMAIN
    nodata       NOERROR, empty answer, SOA in authority (RFC 2308 §2.2)
    truncated    UDP answer with TC set; TCP accepted and closed at once (no TCP service)
    tcpgarbage   UDP answer with TC set; TCP answers random bytes
    oversize     a TXT answer of about 40 KB (TC over UDP, whole over TCP)
    cnameloop    CNAME to a second name whose CNAME points back (answer section holds both)
    wrongtype    a TXT question answered with an A record
    malformed    a reply that is not a DNS message (a few random bytes)
    wrongid      a well-formed reply whose query id does not match, then nothing
    multispf     two TXT records that both start with v=spf1 (RFC 7208 §4.5: permerror)
"""

from __future__ import annotations

import os
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Mapping

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

FAULTS = frozenset({
    "timeout", "servfail", "refused", "nxdomain", "nodata", "truncated", "tcpgarbage", "oversize",
    "cnameloop", "wrongtype", "malformed", "wrongid", "multispf",
})
OVERSIZE_BYTES = 40_000
Records = Mapping[tuple[str, str], list[str]]


def fault_of(qname: str) -> str:
    """The fault a name asks for, or "" for a well-behaved answer."""
    for label in qname.lower().rstrip(".").split("."):
        if label in FAULTS:
            return label
    return ""


def _txt_chunks(text: str) -> str:
    """A TXT rdata in master-file syntax, split into <=255-byte strings."""
    return " ".join('"' + text[i:i + 200] + '"' for i in range(0, len(text), 200)) or '""'


class BadDnsServer:
    """Start with ``start()``, stop with ``stop()``; ``queries`` lists (transport, name, type)."""

    def __init__(self, records: Records | None = None) -> None:
        self.records = {(n.lower().rstrip("."), t.upper()): v for (n, t), v in (records or {}).items()}
        self.queries: list[tuple[str, str, str]] = []
        self._udp: socketserver.ThreadingUDPServer | None = None
        self._tcp: socketserver.ThreadingTCPServer | None = None
        self._stop = threading.Event()
        self.port = 0

    # -- the answers ---------------------------------------------------------------------------
    def respond(self, wire: bytes, transport: str) -> bytes | None:
        """The reply to one query (None: send nothing)."""
        try:
            query = dns.message.from_wire(wire)
        except Exception:  # noqa: BLE001 - a bad query gets no answer
            return None
        q = query.question[0]
        qname, qtype = q.name.to_text().rstrip(".").lower(), dns.rdatatype.to_text(q.rdtype)
        self.queries.append((transport, qname, qtype))
        fault = fault_of(qname)
        if fault == "timeout":
            return None
        if fault == "malformed":
            return os.urandom(7)
        reply = dns.message.make_response(query)
        reply.flags |= dns.flags.AA
        if fault == "wrongid":
            reply.id = (query.id + 1) & 0xFFFF
        self._fill(reply, q.name, qname, qtype, fault, transport)
        return reply.to_wire(max_size=65535)

    def _fill(self, reply: dns.message.Message, name: dns.name.Name, qname: str, qtype: str,
              fault: str, transport: str) -> None:
        codes = {"servfail": dns.rcode.SERVFAIL, "refused": dns.rcode.REFUSED,
                 "nxdomain": dns.rcode.NXDOMAIN}
        if fault in codes:
            reply.set_rcode(codes[fault])
        elif fault in ("truncated", "tcpgarbage") or (fault == "oversize" and transport == "udp"):
            reply.flags |= dns.flags.TC
        elif fault == "oversize":
            self._add(reply, name, "TXT", [_txt_chunks("v=spf1 " + "x" * OVERSIZE_BYTES)])
        elif fault == "cnameloop":
            other = dns.name.from_text("loop2." + qname + ".")
            self._add(reply, name, "CNAME", [other.to_text()])
            self._add(reply, other, "CNAME", [name.to_text()])
        elif fault == "wrongtype":
            self._add(reply, name, "A", ["192.0.2.66"])
        elif fault == "multispf":
            self._add(reply, name, "TXT", ['"v=spf1 -all"', '"v=spf1 +all"'])
        elif fault == "nodata":
            self._soa(reply)
        elif not fault:
            self._answer(reply, name, qname, qtype)

    def _answer(self, reply: dns.message.Message, name: dns.name.Name, qname: str, qtype: str) -> None:
        found = self.records.get((qname, qtype))
        if found:
            self._add(reply, name, qtype, found)
        elif any(n == qname for n, _ in self.records):
            self._soa(reply)
        else:
            reply.set_rcode(dns.rcode.NXDOMAIN)
            self._soa(reply)

    @staticmethod
    def _add(reply: dns.message.Message, name: dns.name.Name, rdtype: str, values: list[str]) -> None:
        rrset = dns.rrset.from_text_list(name, 300, "IN", rdtype, values)
        reply.answer.append(rrset)

    @staticmethod
    def _soa(reply: dns.message.Message) -> None:
        reply.authority.append(dns.rrset.from_text(
            "test.", 300, "IN", "SOA", "ns.test. admin.test. 1 3600 600 86400 300"))

    # -- the transports ------------------------------------------------------------------------
    def start(self) -> BadDnsServer:
        """Bind UDP and TCP on one free port of 127.0.0.1 and serve in daemon threads."""
        server = self

        class Udp(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                data, sock = self.request
                reply = server.respond(data, "udp")
                if reply is not None:
                    sock.sendto(reply, self.client_address)

        class Tcp(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                server._tcp_handle(self.request)

        for _ in range(20):
            udp = socketserver.ThreadingUDPServer(("127.0.0.1", 0), Udp)
            port = udp.server_address[1]
            try:
                tcp = socketserver.ThreadingTCPServer(("127.0.0.1", port), Tcp)
            except OSError:
                udp.server_close()
                continue
            break
        else:
            raise RuntimeError("no free port for the bad DNS server")
        udp.daemon_threads = tcp.daemon_threads = True
        self._udp, self._tcp, self.port = udp, tcp, int(port)
        for srv in (udp, tcp):
            threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05},
                             daemon=True).start()
        return self

    def _tcp_handle(self, sock: socket.socket) -> None:
        sock.settimeout(5)
        try:
            head = _recv_exact(sock, 2)
            wire = _recv_exact(sock, struct.unpack("!H", head)[0])
        except (OSError, ValueError):
            return
        fault = fault_of(_qname(wire))
        if fault == "truncated":
            return  # accepted and closed: no TCP service
        if fault == "tcpgarbage":
            sock.sendall(struct.pack("!H", 40) + os.urandom(40))
            return
        reply = self.respond(wire, "tcp")
        if reply is None:
            self._stop.wait(10)  # hold the connection open, silent, until the test ends
            return
        sock.sendall(struct.pack("!H", len(reply)) + reply)

    def stop(self) -> None:
        """Stop both listeners."""
        self._stop.set()
        for srv in (self._udp, self._tcp):
            if srv is not None:
                srv.shutdown()
                srv.server_close()
        time.sleep(0)


def _qname(wire: bytes) -> str:
    try:
        return str(dns.message.from_wire(wire).question[0].name)
    except Exception:  # noqa: BLE001 - unparseable query: no fault
        return ""


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ValueError("connection closed")
        data += chunk
    return data
