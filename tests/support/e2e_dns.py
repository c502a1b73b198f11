"""The DNS an admin of example.jp publishes, and the mistakes admins make in it."""

from __future__ import annotations

from dataclasses import dataclass, replace

SENDER_IP = "127.0.0.10"
RECEIVER_IP = "127.0.0.20"
SENDER_HOST = "mail.example.jp"
RECEIVER_HOST = "mx.example.net"
SPF = "v=spf1 mx -all"
DMARC = "v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.jp"
UNALIGNED_SPF_DOMAIN = "mailer.example.org"

_SOA = "@ IN SOA ns.example.jp. hostmaster.example.jp. 2024010101 3600 600 86400 300"


@dataclass(frozen=True)
class Dns:
    """What example.jp publishes: each field one record an admin writes.

    :param dkim_txt: the DKIM record exactly as opendkim-genkey wrote it (its ``.txt`` file).
    """

    dkim_txt: str
    spf: str = SPF
    dmarc: str = DMARC
    ptr: bool = True

    def zone(self) -> str:
        """One master file with the zones example.jp, 0.0.127.in-addr.arpa and example.org."""
        ptr = f"10 IN PTR {SENDER_HOST}." if self.ptr else "; no PTR for 127.0.0.10"
        return "\n".join([
            "$TTL 300",
            "$ORIGIN example.jp.",
            _SOA,
            "@ IN NS ns.example.jp.",
            "ns IN A 127.0.0.1",
            f"@ IN MX 10 {SENDER_HOST}.",
            f"mail IN A {SENDER_IP}",
            f'@ IN TXT "{self.spf}"',
            f'@ IN SPF "{self.spf}"',
            'mail IN TXT "v=spf1 a -all"',
            f'_dmarc IN TXT "{self.dmarc}"',
            self.dkim_txt.strip(),
            "$ORIGIN 0.0.127.in-addr.arpa.",
            _SOA,
            "@ IN NS ns.example.jp.",
            ptr,
            "$ORIGIN example.org.",
            _SOA,
            "@ IN NS ns.example.jp.",
            f'{UNALIGNED_SPF_DOMAIN}. IN TXT "v=spf1 ip4:{SENDER_IP} -all"',
            "",
        ])

    def with_(self, **changes: object) -> Dns:
        """A copy with some records changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


def rename_selector(dkim_txt: str, old: str, new: str) -> str:
    """The same key record published under another selector."""
    assert dkim_txt.startswith(f"{old}._domainkey"), dkim_txt[:40]
    return new + dkim_txt[len(old):]
