"""Real Postfix instances and an OpenDKIM milter on loopback, configured as an admin would.

Each service gets its own directory under one private base directory (mode 0711: the postfix
user must traverse it; OpenDKIM refuses configs whose path is writable by others). Postfix runs
with `postfix -c DIR start`, its own queue and data directories, logs to `maillog_file`, never
looks anything up in DNS (IP-literal relay host, `smtp_dns_support_level = disabled`,
`smtpd_peername_lookup = no`) and binds only to its own 127.0.0.0/8 address.
"""

from __future__ import annotations

import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from support.e2e_dns import SENDER_IP
from support.nsd import stop_process

POSTFIX = shutil.which("postfix") or "/usr/sbin/postfix"
OPENDKIM = shutil.which("opendkim") or "/usr/sbin/opendkim"
GENKEY = shutil.which("opendkim-genkey") or "/usr/sbin/opendkim-genkey"
SWAKS = shutil.which("swaks") or "/usr/bin/swaks"
SCRIPT = shutil.which("script") or "/usr/bin/script"
PACKAGES = {"postfix": POSTFIX, "opendkim": OPENDKIM, "opendkim-tools": GENKEY, "swaks": SWAKS}
DELIVERY_USER = "nobody"

# The services every Postfix instance needs; chroot off so paths are the real ones.
_MASTER_CF = """\
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


def missing_packages() -> list[str]:
    """The Debian packages whose programs are not installed."""
    return sorted(pkg for pkg, path in PACKAGES.items() if not Path(path).exists())


def wait_for_port(host: str, port: int, what: str, timeout: float = 20.0) -> None:
    """Wait until host:port accepts TCP connections."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} is not listening on {host}:{port}")


def genkey(directory: Path, selector: str, domain: str) -> tuple[Path, str]:
    """Run opendkim-genkey as the guides say; return the private key path and the .txt record."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    subprocess.run([GENKEY, "-b", "2048", "-d", domain, "-s", selector, "-D", str(directory)],
                   check=True, capture_output=True)
    return directory / f"{selector}.private", (directory / f"{selector}.txt").read_text()


@dataclass
class OpenDkim:
    """The OpenDKIM milter in signing mode on a unix socket, in the foreground."""

    directory: Path
    domain: str
    selector: str
    key_file: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def socket_path(self) -> Path:
        return self.directory / "opendkim.sock"

    def config(self) -> str:
        """opendkim.conf as the Postfix + OpenDKIM guides write it."""
        return (
            "Mode s\n"
            f"Domain {self.domain}\n"
            f"Selector {self.selector}\n"
            f"KeyFile {self.key_file}\n"
            "Canonicalization relaxed/simple\n"
            f"Socket local:{self.socket_path}\n"
            "UMask 000\n"
            "InternalHosts 127.0.0.0/8\n"
            "RequireSafeKeys false\n"
            "Background false\n"
            "Syslog false\n"
            "Nameservers 127.0.0.1\n"
        )

    def start(self) -> OpenDkim:
        """Start opendkim and wait for its socket."""
        self.directory.mkdir(mode=0o711, parents=True, exist_ok=True)
        conf = self.directory / "opendkim.conf"
        conf.write_text(self.config())
        self.proc = subprocess.Popen([OPENDKIM, "-f", "-x", str(conf)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise RuntimeError(f"opendkim exited: {err}")
            if self.socket_path.exists():
                return self
            time.sleep(0.05)
        raise RuntimeError("opendkim did not create its socket within 10 s")

    def stop(self) -> None:
        """Stop opendkim by its PID."""
        stop_process(self.proc)


@dataclass
class Postfix:
    """One Postfix instance: own config dir, queue, data dir, log file, loopback address.

    :param settings: main.cf lines beyond the common ones (later keys win).
    :param listeners: master.cf lines for the smtpd listeners.
    """

    name: str
    directory: Path
    address: str
    myhostname: str
    settings: dict[str, str] = field(default_factory=dict)
    listeners: list[str] = field(default_factory=list)

    @property
    def conf(self) -> Path:
        return self.directory / "conf"

    @property
    def maillog(self) -> Path:
        return self.directory / "maillog"

    def main_cf(self) -> str:
        """main.cf: the common safe settings, then this instance's own."""
        common = {
            "compatibility_level": "3.6",
            "queue_directory": str(self.directory / "queue"),
            "data_directory": str(self.directory / "data"),
            "mail_owner": "postfix",
            "setgid_group": "postdrop",
            "syslog_name": f"postfix-{self.name}",
            "maillog_file": str(self.maillog),
            "maillog_file_prefixes": str(self.directory),
            "inet_protocols": "ipv4",
            # Only 127.0.0.1 is an interface address; the listeners name their own address.
            "inet_interfaces": "127.0.0.1",
            "myhostname": self.myhostname,
            "mydomain": self.myhostname.split(".", 1)[1],
            "myorigin": "$mydomain",
            "mydestination": "",
            "mynetworks": "127.0.0.0/8",
            "alias_maps": "",
            "alias_database": "",
            "local_transport": "error:local delivery is disabled",
            "smtp_bind_address": self.address,
            "smtp_dns_support_level": "disabled",
            "smtpd_peername_lookup": "no",
            "smtp_tls_security_level": "none",
            "smtpd_tls_security_level": "none",
            "biff": "no",
            "delay_warning_time": "0",
        }
        common.update(self.settings)
        return "".join(f"{k} = {v}\n" for k, v in common.items())

    def postfix(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run the postfix command on this instance (it logs to stderr only on a terminal)."""
        command = " ".join(shlex.quote(a) for a in (POSTFIX, "-c", str(self.conf), *args))
        return subprocess.run([SCRIPT, "-qec", command, "/dev/null"], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL)

    def start(self) -> Postfix:
        """Write the configuration, create the queue, start master, wait for the listeners."""
        self.conf.mkdir(parents=True, exist_ok=True)
        for sub in ("queue", "data"):
            (self.directory / sub).mkdir(mode=0o755, exist_ok=True)
        postfix_user = pwd.getpwnam("postfix")
        os.chown(self.directory / "data", postfix_user.pw_uid, postfix_user.pw_gid)
        (self.conf / "main.cf").write_text(self.main_cf())
        (self.conf / "master.cf").write_text("\n".join(self.listeners) + "\n" + _MASTER_CF)
        for step in (("set-permissions",), ("start",)):
            done = self.postfix(*step)
            if done.returncode != 0:
                raise RuntimeError(f"postfix {step[0]} ({self.name}) failed: {done.stdout}\n"
                                   f"{self.log()}")
        for line in self.listeners:
            host, port = line.split()[0].rsplit(":", 1)
            wait_for_port(host, int(port), f"postfix {self.name}")
        return self

    def flush(self) -> None:
        """Ask the queue manager to retry deferred mail now."""
        self.postfix("flush")

    def stop(self) -> None:
        """Stop this instance (abort if a clean stop fails)."""
        if (self.directory / "queue" / "pid" / "master.pid").exists():
            if self.postfix("stop").returncode != 0:
                self.postfix("abort")

    def log(self) -> str:
        """The instance's log so far (for failure messages)."""
        return self.maillog.read_text(errors="replace") if self.maillog.exists() else "(no log)"


def maildir_for(base: Path) -> Path:
    """Create a virtual_mailbox_base owned by the delivery user; return it."""
    base.mkdir(mode=0o700, exist_ok=True)
    nobody = pwd.getpwnam(DELIVERY_USER)
    os.chown(base, nobody.pw_uid, nobody.pw_gid)
    return base


def delivery_ids() -> tuple[int, int]:
    """uid and gid the receiver's virtual(8) delivers as."""
    nobody = pwd.getpwnam(DELIVERY_USER)
    return nobody.pw_uid, nobody.pw_gid


def swaks(server: str, port: int, mail_from: str, rcpt: str, data: bytes, helo: str) -> str:
    """Submit one message over SMTP with swaks; return its transcript."""
    done = subprocess.run(
        [SWAKS, "--server", server, "--port", str(port), "--from", mail_from, "--to", rcpt,
         "--helo", helo, "--data", "-", "--timeout", "30"],
        input=data, capture_output=True,
    )
    out = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
    if done.returncode != 0:
        raise RuntimeError(f"swaks failed ({done.returncode}):\n{out}")
    return out


def wait_for_delivery(maildir: Path, marker: bytes, flush: list[Postfix], timeout: float = 60.0) -> Path:
    """Wait for the message containing marker to land in maildir/new; return its path."""
    deadline = time.monotonic() + timeout
    next_flush = time.monotonic() + 5
    while time.monotonic() < deadline:
        new = maildir / "new"
        if new.is_dir():
            for path in sorted(new.iterdir()):
                if marker in path.read_bytes():
                    return path
        if time.monotonic() > next_flush:
            for instance in flush:
                instance.flush()
            next_flush = time.monotonic() + 5
        time.sleep(0.1)
    logs = "\n".join(f"--- {p.name} ---\n{p.log()}" for p in flush)
    raise RuntimeError(f"message {marker!r} was not delivered to {maildir}\n{logs}")


@dataclass(frozen=True)
class Keys:
    """The signing key (KeyFile) and its DNS record, plus an unrelated key of the same selector."""

    key_file: Path
    dkim_txt: str
    other_dkim_txt: str


@dataclass
class Stack:
    """The running services and how to reach them."""

    sender: Postfix
    receiver: Postfix
    opendkim: OpenDkim
    signed_port: int
    app_port: int
    maildir: Path

    def send(self, message: bytes, mail_from: str, marker: bytes, *, signed: bool = True) -> Path:
        """Submit through the sender (signing listener or the app listener); return the delivered file."""
        port = self.signed_port if signed else self.app_port
        swaks(SENDER_IP, port, mail_from, "user@example.net", message, helo="app.example.jp")
        return wait_for_delivery(self.maildir, marker, [self.sender, self.receiver])


def opendkim_verify(message: Path, dns_port: int, workdir: Path) -> list[tuple[str, str]]:
    """OpenDKIM's own verdicts, (dkim= token, reason) per signature, its DNS through NSD only.

    `opendkim -t` in verify mode; libunbound (OpenDKIM's resolver on Debian) forwards every
    question to NSD on 127.0.0.1, so nothing leaves loopback.
    """
    workdir.mkdir(mode=0o700, parents=True, exist_ok=True)
    unbound = workdir / f"unbound-{dns_port}.conf"
    unbound.write_text(
        "server:\n  do-not-query-localhost: no\n  module-config: \"iterator\"\n"
        "  outgoing-interface: 127.0.0.1\n"
        f"forward-zone:\n  name: \".\"\n  forward-addr: 127.0.0.1@{dns_port}\n"
    )
    conf = workdir / f"opendkim-verify-{dns_port}.conf"
    conf.write_text(f"Mode v\nResolverConfiguration {unbound}\nSyslog false\n")
    done = subprocess.run([OPENDKIM, "-vvv", "-x", str(conf), "-t", str(message)],
                          capture_output=True, text=True, timeout=60)
    out = done.stdout + done.stderr
    headers = re.findall(r"hname='Authentication-Results' hvalue='(.*?)'", out, re.S)
    if not headers:
        raise RuntimeError(f"opendkim -t wrote no Authentication-Results:\n{out}")
    return re.findall(r'\bdkim=(\w+)(?: reason="([^"]*)")?', headers[0])
