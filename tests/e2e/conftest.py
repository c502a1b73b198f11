"""Session fixtures: OpenDKIM + a sending Postfix + a receiving Postfix + NSD, all on loopback.

Started once per session from the tests, in a private temp directory, and stopped afterwards
even when a test fails. Set HEADERCHECK_E2E_KEEP=1 to keep the directory (configs, logs, mail).
"""

from __future__ import annotations

import email.utils
import os
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from support import mailstack
from support.e2e_dns import (
    RECEIVER_HOST,
    RECEIVER_IP,
    SENDER_HOST,
    SENDER_IP,
    UNALIGNED_SPF_DOMAIN,
    Dns,
    rename_selector,
)
from support.nsd import NSD, NsdServer

pytestmark = pytest.mark.e2e


def _free_port(address: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((address, 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def e2e_dir() -> Iterator[Path]:
    """A private base directory; skips (non-root) or fails (root) when the stack is missing."""
    missing = mailstack.missing_packages() + ([] if Path(NSD).exists() else ["nsd"])
    if os.geteuid() != 0:
        reason = f"missing Debian packages {', '.join(missing)}; " if missing else ""
        pytest.skip(f"end-to-end tests run Postfix and must run as root ({reason}see docs/e2e.md)")
    if missing:
        pytest.fail(f"end-to-end tests need the Debian packages {', '.join(missing)} "
                    "(scripts/test installs them)")
    base = Path(tempfile.mkdtemp(prefix="hc-e2e-"))
    base.chmod(0o711)
    yield base
    if not os.environ.get("HEADERCHECK_E2E_KEEP"):
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def keys(e2e_dir: Path) -> mailstack.Keys:
    key_file, txt = mailstack.genkey(e2e_dir / "keys", "master", "example.jp")
    _, other = mailstack.genkey(e2e_dir / "keys-regenerated", "master", "example.jp")
    return mailstack.Keys(key_file, txt, other)


@pytest.fixture(scope="session")
def stack(e2e_dir: Path, keys: mailstack.Keys) -> Iterator[mailstack.Stack]:
    """OpenDKIM, then the receiver, then the sender; stopped in reverse order, always."""
    opendkim = mailstack.OpenDkim(e2e_dir / "opendkim", "example.jp", "master", keys.key_file)
    signed_port, app_port = _free_port(SENDER_IP), _free_port(SENDER_IP)
    receiver_port = _free_port(RECEIVER_IP)
    mail_base = mailstack.maildir_for(e2e_dir / "receiver-mail")
    uid, gid = mailstack.delivery_ids()
    receiver = mailstack.Postfix(
        "receiver", e2e_dir / "receiver", RECEIVER_IP, RECEIVER_HOST,
        settings={
            "mynetworks": f"{RECEIVER_IP}/32",
            "virtual_mailbox_domains": "example.net",
            "virtual_mailbox_base": str(mail_base),
            "virtual_mailbox_maps": "static:inbox/",
            "virtual_uid_maps": f"static:{uid}",
            "virtual_gid_maps": f"static:{gid}",
        },
        listeners=[f"{RECEIVER_IP}:{receiver_port} inet n - n - - smtpd"],
    )
    milter = f"unix:{opendkim.socket_path}"
    sender = mailstack.Postfix(
        "sender", e2e_dir / "sender", SENDER_IP, SENDER_HOST,
        settings={
            "relayhost": f"[{RECEIVER_IP}]:{receiver_port}",
            "smtpd_milters": milter,
            "non_smtpd_milters": milter,
            "milter_default_action": "accept",
        },
        listeners=[
            f"{SENDER_IP}:{signed_port} inet n - n - - smtpd",
            # The admin's classic slip: a second listener for an application with -o smtpd_milters=
            f"{SENDER_IP}:{app_port} inet n - n - - smtpd -o smtpd_milters=",
        ],
    )
    started: list[mailstack.OpenDkim | mailstack.Postfix] = []
    try:
        for service in (opendkim, receiver, sender):
            service.start()
            started.append(service)
        yield mailstack.Stack(sender, receiver, opendkim, signed_port, app_port, mail_base / "inbox")
    finally:
        for service in reversed(started):
            service.stop()


@pytest.fixture(scope="session")
def nsd_for(e2e_dir: Path) -> Iterator[Callable[[Dns], NsdServer]]:
    """Serve a Dns variant from its own real NSD on 127.0.0.1 (started once per variant)."""
    servers: dict[Dns, NsdServer] = {}
    (e2e_dir / "zones").mkdir(mode=0o700, exist_ok=True)

    def serve(dns: Dns) -> NsdServer:
        if dns not in servers:
            path = e2e_dir / "zones" / f"variant{len(servers)}.zone"
            path.write_text(dns.zone())
            servers[dns] = NsdServer([path]).start()
        return servers[dns]

    try:
        yield serve
    finally:
        for server in servers.values():
            server.stop()


BODY = (
    "Hello from example.jp.\n"
    "\n"
    "This message went through Postfix and the OpenDKIM milter.\n"
    "-- \n"
    "Taro\n"
)
FOOTER = "\n_______________________________________________\nlist mailing list\nhttps://lists.example.net/\n"


def _message(marker: str, subject: str) -> bytes:
    headers = [
        "From: Taro Yamada <taro@example.jp>",
        "To: <user@example.net>",
        f"Subject: {subject}",
        f"Date: {email.utils.formatdate()}",
        f"Message-ID: <{marker}@example.jp>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=UTF-8",
        "Content-Transfer-Encoding: 7bit",
    ]
    return ("\n".join(headers) + "\n\n" + BODY).encode()


@pytest.fixture(scope="session")
def signed(stack: mailstack.Stack) -> Path:
    """A message from taro@example.jp, signed by the milter, delivered to the Maildir."""
    return stack.send(_message("e2e-signed", "signed by OpenDKIM"), "taro@example.jp",
                      b"e2e-signed@example.jp")


@pytest.fixture(scope="session")
def unaligned(stack: mailstack.Stack) -> Path:
    """From example.jp, envelope sender of a mailing service, via the listener without the milter."""
    return stack.send(_message("e2e-unaligned", "newsletter"), f"bounce@{UNALIGNED_SPF_DOMAIN}",
                      b"e2e-unaligned@example.jp", signed=False)


@pytest.fixture(scope="session")
def clean(keys: mailstack.Keys) -> Dns:
    """example.jp as the guides publish it: SPF (TXT and type 99), MX, A, DKIM, DMARC, PTR."""
    return Dns(dkim_txt=keys.dkim_txt)



@pytest.fixture(scope="session")
def wrong_selector(clean: Dns) -> Dns:
    """KeyFile signs with s=master; the key is published under genkey's default selector."""
    return clean.with_(dkim_txt=rename_selector(clean.dkim_txt, "master", "default"))


@pytest.fixture(scope="session")
def other_key(clean: Dns, keys: mailstack.Keys) -> Dns:
    """opendkim-genkey was run again: DNS has a key that is not the KeyFile's."""
    return clean.with_(dkim_txt=keys.other_dkim_txt)


@pytest.fixture(scope="session")
def with_footer(signed: Path, e2e_dir: Path) -> Path:
    """The signed message as a mailing list passes it on: a footer appended to the body."""
    relayed = e2e_dir / "with-footer.eml"
    relayed.write_bytes(signed.read_bytes() + FOOTER.encode())
    return relayed
