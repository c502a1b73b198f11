"""Bounded memos across messages, one set per resolver whose answers cannot change.

An audit asks the same questions again and again (the same sender domains, ESPs, forwarders);
results that depend only on DNS answers and their inputs are remembered per resolver. A memo is
only kept for a resolver that declares one answer per question for its whole life
(``headercheck.dns.stable_answers``: the offline back ends, any ``CachingResolver``, the audit's
shared cache and its worker side, and wrappers of those). Any other resolver (a caller's own
class) gets no memo: every check asks it again.

``pipeline.run`` wraps the caller's resolver in a fresh ``SizeLimitedResolver`` per message, so
memos are scoped to the inner resolver plus the size cap. Memos die with their resolver (weak
references); a resolver with a ``memo_scope`` (the audit worker's, made afresh per batch) shares
the memos of that scope, its run. Callers
never store a result that saw a temporary DNS failure (a retry could differ). Every memo is
bounded: when full, the oldest entries go.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from headercheck.dns import Resolver, SizeLimitedResolver, stable_answers

V = TypeVar("V")
DEFAULT_SIZE = 4096
_SCOPES = 8  # memo scopes (audit runs) kept at once
_lock = threading.Lock()
_by_object: weakref.WeakKeyDictionary[Any, dict[Hashable, Memo[Any]]] = weakref.WeakKeyDictionary()
_by_scope: OrderedDict[Hashable, dict[Hashable, Memo[Any]]] = OrderedDict()
_enabled = True
_last: tuple[Callable[[], object], dict[Hashable, Memo[Any]] | None, int | None] = (
    lambda: None, None, None)


class Memo(dict[Hashable, V]):
    """A dict of at most ``size`` entries (``put``); the oldest go first when it is full.

    Reads are plain ``dict.get`` (thread-safe in CPython); writes hold a lock.
    """

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        super().__init__()
        self.size = size
        self._lock = threading.Lock()

    def put(self, key: Hashable, value: V) -> None:
        """Remember value under key, dropping the oldest entries beyond the bound."""
        with self._lock:
            self[key] = value
            while len(self) > self.size:
                del self[next(iter(self))]


def use_memos(enabled: bool) -> None:
    """Switch the cross-message memos on or off (tests compare both; off means main's path)."""
    global _enabled
    _enabled = enabled


def memo_for(resolver: Resolver, name: str, size: int = DEFAULT_SIZE) -> Memo[Any] | None:
    """The memo called name for resolver's answers (created empty), or None: do not memoise."""
    global _last
    last = _last  # the stages of one message ask with the same resolver: one check, not many
    if last[0]() is resolver and _enabled:
        owner, cap = last[1], last[2]
    else:
        if not _enabled:
            return None
        inner, cap = resolver, None
        if isinstance(resolver, SizeLimitedResolver) and type(resolver) is SizeLimitedResolver:
            inner, cap = resolver.inner, resolver.max_bytes
        owner = _owner(inner)
        try:
            _last = (weakref.ref(resolver), owner, cap)
        except TypeError:  # not weakly referenceable: no shortcut
            pass
    if owner is None:
        return None
    memo = owner.get((name, cap))
    if memo is None:
        with _lock:
            memo = owner.setdefault((name, cap), Memo(size))
    return memo


def _is_known(value: object) -> bool:
    return value is not None


def remembered(resolver: Resolver, name: str, key: Hashable, compute: Callable[[], V],
               keep: Callable[[V], bool] = _is_known) -> V:
    """compute(), remembered under key in resolver's memo name when keep(result) holds.

    keep rejects what a DNS failure produced (by default None): such a result is never stored.
    """
    memo = memo_for(resolver, name)
    found: V | None = memo.get(key) if memo is not None else None
    if found is None:
        found = compute()
        if memo is not None and keep(found):
            memo.put(key, found)
    return found


def _owner(resolver: Resolver) -> dict[Hashable, Memo[Any]] | None:
    """The memos of resolver (created empty), or None for a resolver that is not stable."""
    scope = getattr(resolver, "memo_scope", None)
    if scope is not None and stable_answers(resolver):
        with _lock:
            found = _by_scope.get(scope)
            if found is None:
                found = _by_scope[scope] = {}
                while len(_by_scope) > _SCOPES:
                    _by_scope.popitem(last=False)
            return found
    try:
        found = _by_object.get(resolver)
    except TypeError:  # not weakly referenceable: no memo
        return None
    if found is not None:
        return found
    if not stable_answers(resolver):
        return None
    with _lock:
        return _by_object.setdefault(resolver, {})
