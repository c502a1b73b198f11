"""DKIM-Signature and key-record rules checked by us, not dkimpy (RFC 6376, RFC 8301, RFC 8463).

Pure functions: tags in, a Verdict (or None when the rule holds) out. dkimpy's own checks of
t= and x= use the wall clock and it ignores the key record's h=, so those live here, judged
against the injected ``now``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import dkim

from headercheck.checks._speedups import parse_tag_value
from headercheck.checks._speedups_text import unfold
from headercheck.checks._speedups_verify import validate_fields
from headercheck.dns import Answer, Status
from headercheck.results import Result

Tags = dict[bytes, bytes]

#: How far t= may lie in the future (RFC 6376 §3.5 lets verifiers ignore such signatures).
#: Sender clocks are often hours off (a facebookmail.com signature in the Stalwart suite is
#: 5.3 h ahead of its receipt), so the slack is dkimpy's own: 10 hours. x= gets none.
CLOCK_SKEW = 36000
REQUIRED = (b"v", b"a", b"b", b"bh", b"d", b"h", b"s")  # RFC 6376 §3.5, §6.1.1
_REQUIRED = frozenset(REQUIRED)
ALGORITHMS = {b"rsa-sha1": (b"rsa", b"sha1"), b"rsa-sha256": (b"rsa", b"sha256"),
              b"ed25519-sha256": (b"ed25519", b"sha256")}  # RFC 6376 §3.3, RFC 8463 §3
MIN_RSA_BITS = 1024  # RFC 8301 §3.2
#: RFC 6376 §3.5 d= / s=: dot-separated sub-domains (RFC 5321 §4.1.2); UTF-8 labels and the
#: underscores some selectors carry in the wild are tolerated.
_LABEL = rb"(?:[\w\x80-\xff](?:[\w\x80-\xff-]{0,61}[\w\x80-\xff])?)"
NAME = re.compile(rb"%s(?:\.%s)*\.?" % (_LABEL, _LABEL))

#: reason_code -> (result, reason text). The texts follow Gmail's comments where Gmail has one.
REASONS: dict[str, tuple[Result, str]] = {
    "pass": (Result.PASS, "good signature"),
    "pass_partial_body": (Result.PASS, "good signature, but l= leaves body bytes unsigned"),
    "body_hash_mismatch": (Result.NEUTRAL, "body hash did not verify"),
    "bad_signature": (Result.FAIL, "signature did not verify"),
    "no_key": (Result.PERMERROR, "no key for signature"),
    "key_revoked": (Result.PERMERROR, "key revoked"),
    "key_unavailable": (Result.TEMPERROR, "key unavailable"),
    "bad_format": (Result.NEUTRAL, "bad format"),
    "auid_mismatch": (Result.NEUTRAL, "bad format"),
    "bad_key_format": (Result.PERMERROR, "bad format"),
    "unsupported_algorithm": (Result.NEUTRAL, "unsupported algorithm"),
    "from_not_signed": (Result.PERMERROR, "From field not signed"),
    "expired": (Result.NEUTRAL, "signature expired"),
    "future_timestamp": (Result.NEUTRAL, "signature timestamp in the future"),
    "key_hash_mismatch": (Result.PERMERROR, "inappropriate hash algorithm"),
    "key_type_mismatch": (Result.PERMERROR, "inappropriate key algorithm"),
    "key_service_mismatch": (Result.PERMERROR, "key not for email"),
    "key_strict_identity": (Result.PERMERROR, "key does not allow a subdomain i="),
    "rsa_sha1": (Result.POLICY, "weak hash algorithm"),
    "weak_key": (Result.POLICY, "weak key"),
    "not_checked": (Result.NONE, "not checked"),
    "message_format": (Result.PERMERROR, "message could not be parsed"),
    "verify_error": (Result.PERMERROR, "verification error"),
}


@dataclass(frozen=True)
class Verdict:
    """An outcome: a stable reason code (see REASONS) and a human detail."""

    code: str
    detail: str = ""

    @property
    def result(self) -> Result:
        """The RFC 8601 result for the code."""
        return REASONS[self.code][0]

    @property
    def reason(self) -> str:
        """The short reason text for the code."""
        return REASONS[self.code][1]


@dataclass(frozen=True)
class KeyInfo:
    """What the key record said: a verdict when unusable, else type and size."""

    verdict: Verdict | None
    key_type: str = ""
    bits: int | None = None
    testing: bool = False


def parse_tags(raw: bytes) -> Tags:
    """Tag=value list of a header or key record, folding removed (RFC 6376 §3.2).

    :raises dkim.util.InvalidTagValueList: the list is not valid tag=value syntax.
    """
    tags: Tags = parse_tag_value(unfold(raw) if b"\n" in raw else raw)
    return tags


def compact(value: bytes) -> str:
    """A base64 or list value with its folding whitespace removed."""
    return b"".join(value.split()).decode("ascii", "replace")  # split(): the bytes \s set


def number(tags: Tags, tag: bytes) -> int | None:
    """A decimal tag value (t=, x=, l=), or None when absent or not a number."""
    value = tags.get(tag, b"").strip()
    return int(value) if value.isdigit() else None


def signed_headers(tags: Tags) -> tuple[str, ...]:
    """The h= list, lower case (RFC 6376 §3.5)."""
    return _signed_headers(tags.get(b"h", b""))


@functools.lru_cache(maxsize=1024)
def _signed_headers(value: bytes) -> tuple[str, ...]:
    return tuple([h.strip().lower() for h in compact(value).split(":") if h.strip()])


@functools.lru_cache(maxsize=4096)
def _is_name(value: bytes) -> bool:
    return NAME.fullmatch(value.strip()) is not None


def check_signature(tags: Tags, now: float, signed: tuple[str, ...] | None = None) -> Verdict | None:
    """RFC 6376 §6.1.1: validate the signature's tags, judging t= and x= against now.

    :param signed: ``signed_headers(tags)``, when the caller has it already.
    :raises dkim.ValidationError: dkimpy's field checks (base64, i= vs d=, l=, q=) failed.
    """
    missing = [] if tags.keys() >= _REQUIRED else [t.decode() for t in REQUIRED if t not in tags]
    if missing:
        return Verdict("bad_format", "missing required tag " + ", ".join(f"{m}=" for m in missing))
    if tags[b"v"].strip() != b"1":
        return Verdict("bad_format", f"incompatible version v={tags[b'v'].decode(errors='replace')}")
    if tags[b"a"].strip().lower() not in ALGORITHMS:
        return Verdict("unsupported_algorithm", f"a={tags[b'a'].decode(errors='replace')}")
    for tag in (b"d", b"s"):
        if not _is_name(tags[tag]):
            return Verdict("bad_format", f"{tag.decode()}= is not a domain name")
    # dkimpy's checks, minus t= and x= which it judges by the wall clock (FIELDNOTES).
    validate_fields(tags, untimed=True)
    if "from" not in (signed_headers(tags) if signed is None else signed):
        return Verdict("from_not_signed", "h= does not list From (RFC 6376 §5.4)")
    return check_times(tags, now)


def check_times(tags: Tags, now: float) -> Verdict | None:
    """RFC 6376 §3.5 t= and x=, as of now."""
    t, x = number(tags, b"t"), number(tags, b"x")
    for tag, value in ((b"t", t), (b"x", x)):
        if value is None and tag in tags:
            return Verdict("bad_format", f"{tag.decode()}= is not a decimal number")
    if t is not None and x is not None and x < t:
        return Verdict("bad_format", f"x={x} is earlier than t={t}")
    if x is not None and x < now:
        return Verdict("expired", f"x={x} is before now ({int(now)})")
    if t is not None and t > now + CLOCK_SKEW:
        return Verdict("future_timestamp", f"t={t} is after now ({int(now)})")
    return None


#: every signature tag the key rules read (a= for h= and k=, d= and i= for t=s)
_KEY_TAGS = (b"a", b"d", b"i")


def check_key(tags: Tags, answer: Answer, index: int = 0) -> KeyInfo:
    """RFC 6376 §6.1.2 steps 2-7 and §3.6.1: is key record ``index`` usable for this signature?

    A pure function of the answer, the index and the signature's a=, d= and i= (the only tags
    read): remembered (bounded), except for DNS failures.
    """
    read = (tags.get(b"a"), tags.get(b"d"), tags.get(b"i"))  # _KEY_TAGS
    if answer.status.is_temporary:
        return _check_key(read, answer, index)
    return _check_key_memo(read, answer, index)


def _check_key(read: tuple[bytes | None, ...], answer: Answer, index: int) -> KeyInfo:
    where = f"{answer.name} TXT"
    if answer.status.is_temporary:
        return KeyInfo(Verdict("key_unavailable", f"{where}: {answer.status.value}"))
    records = answer.txt()
    if answer.status in (Status.NXDOMAIN, Status.NODATA) or not records:
        return KeyInfo(Verdict("no_key", answer.error or f"{where}: {answer.status.value}"))
    if len(records) > 1:
        where = f"{where} record {index + 1} of {len(records)}"
    record = records[index]
    if not record.strip():
        return KeyInfo(Verdict("no_key", f"{where}: empty record"))
    try:
        key = parse_tags(record)
    except dkim.util.InvalidTagValueList as exc:
        return KeyInfo(Verdict("bad_key_format", f"{where}: tag syntax error near {exc}"))
    tags = {tag: value for tag, value in zip(_KEY_TAGS, read, strict=True) if value is not None}
    return _judge_key(tags, key, record, where)


_check_key_memo = functools.lru_cache(maxsize=4096)(_check_key)


def _judge_key(tags: Tags, key: Tags, record: bytes, where: str) -> KeyInfo:
    ktype, hash_name = ALGORITHMS[tags[b"a"].strip().lower()]
    key_k = key.get(b"k", b"rsa").strip().lower()
    if key.get(b"v", b"DKIM1").strip() != b"DKIM1":
        return KeyInfo(Verdict("bad_key_format", f"{where}: v= is not DKIM1"))
    if b"p" not in key:
        return KeyInfo(Verdict("bad_key_format", f"{where}: no p= tag"))
    if not compact(key[b"p"]):
        return KeyInfo(Verdict("key_revoked", f"{where}: empty p= (RFC 6376 §3.6.1)"), key_k.decode())
    hashes = [h.strip().lower() for h in key.get(b"h", b"").split(b":") if h.strip()]
    if hashes and hash_name not in hashes:  # RFC 6376 §3.6.1 h=, §6.1.2 step 6
        return KeyInfo(Verdict("key_hash_mismatch", f"{where}: h={b':'.join(hashes).decode()} "
                               f"does not allow {hash_name.decode()}"), key_k.decode())
    if key_k != ktype:  # RFC 6376 §6.1.2 step 7
        return KeyInfo(Verdict("key_type_mismatch", f"{where}: k={key_k.decode(errors='replace')} "
                               f"cannot verify a={tags[b'a'].decode()}"), key_k.decode(errors="replace"))
    services = [s.strip() for s in key.get(b"s", b"*").split(b":")]
    if b"*" not in services and b"email" not in services:  # RFC 6376 §3.6.1 s=
        return KeyInfo(Verdict("key_service_mismatch", f"{where}: s={key[b's'].decode(errors='replace')}"))
    flags = key_flags(key)
    strict = strict_identity_verdict(tags, flags, where)
    if strict is not None:
        return KeyInfo(strict, key_k.decode())
    try:
        _, bits, _, _ = dkim.evaluate_pk(where, record)
    except (dkim.KeyFormatError, ValueError) as exc:
        return KeyInfo(Verdict("bad_key_format", f"{where}: {exc}"), key_k.decode())
    return KeyInfo(None, key_k.decode(), int(bits), testing=b"y" in flags)


def key_flags(key: Tags) -> set[bytes]:
    """The key record's t= flags, lower-cased (RFC 6376 §3.6.1; unknown flags are ignored)."""
    return {f.strip().lower() for f in key.get(b"t", b"").split(b":") if f.strip()}


def strict_identity_verdict(tags: Tags, flags: set[bytes], where: str) -> Verdict | None:
    """Key t=s: the i= domain must equal d=, not be a subdomain of it (RFC 6376 §3.6.1).

    dkimpy ignores the key's t= flags; this is the one place the rule is enforced.
    """
    if b"s" not in flags or b"i" not in tags:
        return None
    auid = compact(tags[b"i"]).rpartition("@")[2].lower().rstrip(".")
    domain = compact(tags[b"d"]).lower().rstrip(".")
    if auid == domain:
        return None
    return Verdict("key_strict_identity", f"{where}: t=s, but i= is in {auid}, a subdomain of d={domain}")


def policy_verdict(tags: Tags, key: KeyInfo, unsigned: int) -> Verdict:
    """A cryptographically good signature: pass, or policy under RFC 8301."""
    algorithm = tags[b"a"].strip().lower()
    if algorithm == b"rsa-sha1":
        return Verdict("rsa_sha1", "rsa-sha1 MUST NOT be accepted (RFC 8301 §3.1)")
    if key.key_type == "rsa" and key.bits is not None and key.bits < MIN_RSA_BITS:
        return Verdict("weak_key", f"{key.bits}-bit RSA key (RFC 8301 §3.2 needs {MIN_RSA_BITS})")
    if unsigned > 0:
        return Verdict("pass_partial_body", f"l= leaves {unsigned} body bytes unsigned (RFC 6376 §8.2)")
    return Verdict("pass")
