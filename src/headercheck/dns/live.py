"""Live back end: dnspython with a private Resolver (never the global default)."""

from __future__ import annotations

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.resolver

from headercheck.dns._zonelines import record_of
from headercheck.dns.answer import Answer, Record, Status, failure, normalize_name
from headercheck.dns.caching import CachingResolver


class _Upstream:
    """One uncached dnspython resolver; dnspython retries over TCP when UDP is truncated."""

    def __init__(self, nameservers: list[str] | None, port: int, timeout: float, edns: bool):
        configure = not nameservers
        self._resolver = dns.resolver.Resolver(configure=configure)
        if nameservers:
            self._resolver.nameservers = list(nameservers)
        self._resolver.port = port
        self._resolver.timeout = timeout
        self._resolver.lifetime = timeout
        self._resolver.cache = None
        if edns:
            self._resolver.use_edns(0, 0, 1232)
        else:
            self._resolver.use_edns(-1)
        self.timeout = timeout

    def query(self, name: str, rdtype: str) -> Answer:
        qname, rdtype = normalize_name(name), rdtype.upper()
        try:
            dname = dns.name.from_text(qname + ".")
        except (dns.exception.DNSException, UnicodeError) as exc:
            # A name no server can hold (label > 63, name > 255 octets, empty label) does not
            # exist, as the offline back ends say; not a transient failure (RFC 1035 §2.3.4).
            return failure(qname, rdtype, Status.NXDOMAIN, f"not a valid DNS name: {exc}")
        try:
            ans = self._resolver.resolve(dname, rdtype, search=False)
        except dns.resolver.NXDOMAIN:
            return failure(qname, rdtype, Status.NXDOMAIN)
        except dns.resolver.NoAnswer:
            return failure(qname, rdtype, Status.NODATA)
        except dns.resolver.LifetimeTimeout as exc:
            return failure(qname, rdtype, Status.TIMEOUT, str(exc))
        except dns.exception.DNSException as exc:
            return failure(qname, rdtype, Status.SERVFAIL, str(exc) or type(exc).__name__)
        records: tuple[Record, ...] = tuple(record_of(r) for r in ans)
        canonical = normalize_name(ans.canonical_name.to_text())
        return Answer(qname, rdtype, Status.NOERROR, records, canonical_name=canonical)


class LiveResolver(CachingResolver):
    """Query real DNS servers, with a per-run cache that counts the questions asked.

    :param nameservers: server addresses; None reads the system configuration.
    :param port: server port (NSD in tests listens on a high port).
    :param timeout: seconds for one whole question, retries included.
    :param edns: advertise a 1232-byte EDNS buffer; without it large answers arrive over TCP.
    """

    def __init__(
        self,
        nameservers: list[str] | None = None,
        port: int = 53,
        timeout: float = 5.0,
        edns: bool = True,
    ) -> None:
        super().__init__(_Upstream(nameservers, port, timeout, edns))
