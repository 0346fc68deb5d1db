"""Refuse URLs we must never connect to: wrong scheme, or a host on a private network.

Report URLs come from listing pages and redirects that strangers control. Without this check
a crafted link or ``Location`` header could make a cron job probe ``127.0.0.1`` or the cloud
metadata service (server-side request forgery). Every hop is checked *before* any connection
is opened, and the connection itself goes only to addresses checked at that moment
(``PinnedBackend``, httpcore's network layer under httpx): were httpx left to resolve the name
again, a DNS answer that changes between the check and the connection (rebinding) could slip a
private address in.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore

from scraper.errors import FetchBlocked

__all__ = ["ALLOWED_SCHEMES", "PinnedBackend", "Resolver", "UrlGuard", "is_public_address", "system_resolver"]

ALLOWED_SCHEMES = frozenset({"http", "https"})

Resolver = Callable[[str, int], Iterable[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """All addresses ``host`` resolves to (blocking getaddrinfo; called from a worker thread)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def is_public_address(address: str) -> bool:
    """True when ``address`` is a globally routable unicast address.

    ``ipaddress`` knows loopback, RFC 1918, link-local (169.254/16, where cloud metadata
    lives), CGNAT, multicast and reserved blocks; IPv4-mapped IPv6 addresses are unwrapped so
    ``::ffff:127.0.0.1`` is not a way around the check.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


@dataclass(frozen=True, slots=True)
class UrlGuard:
    """Scheme and address policy for one run.

    ``allow_private`` lifts the address check (``--allow-private``; tests against 127.0.0.1).
    ``trusted_netlocs`` lists exact ``host:port`` pairs exempt from the address check, so a test
    can serve from loopback while still proving that a redirect to *another* loopback address is
    refused.
    """

    allow_private: bool = False
    trusted_netlocs: frozenset[str] = frozenset()
    resolver: Resolver = system_resolver

    def check_scheme(self, url: str) -> tuple[str, int]:
        """Return (host, port) of an http(s) URL; raise FetchBlocked otherwise."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ALLOWED_SCHEMES:
            raise FetchBlocked(f"scheme {scheme or '(none)'!r} not allowed", url=url, reason="scheme")
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError as exc:
            raise FetchBlocked("invalid port", url=url, reason="bad-url") from exc
        if not parts.hostname:
            raise FetchBlocked("URL has no host", url=url, reason="bad-url")
        return parts.hostname, port

    def check(self, url: str) -> None:
        """Raise FetchBlocked unless ``url`` is http(s) to a public host (or allowed)."""
        host, port = self.check_scheme(url)
        self._checked(url, host, port)

    def connect_addresses(self, host: str, port: int) -> list[str]:
        """The addresses to open a connection to ``host:port`` on, each checked now; ``[host]``
        when the address check is lifted (the system then resolves it as usual)."""
        return self._checked(f"//{host}:{port}", host, port)

    def _checked(self, url: str, host: str, port: int) -> list[str]:
        if self.allow_private or f"{host}:{port}" in self.trusted_netlocs:
            return [host]
        addresses = self._addresses(url, host, port)
        for address in addresses:
            if not is_public_address(address):
                raise FetchBlocked(
                    f"host {host} resolves to non-public address {address} (use --allow-private)",
                    url=url,
                    reason="private-address",
                )
        return addresses

    def _addresses(self, url: str, host: str, port: int) -> list[str]:
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
            return [host]
        except ValueError:
            pass
        try:
            addresses = list(self.resolver(host, port))
        except OSError as exc:
            raise FetchBlocked(f"cannot resolve {host}: {exc}", url=url, reason="dns") from exc
        if not addresses:
            raise FetchBlocked(f"{host} resolves to no address", url=url, reason="dns")
        return addresses


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network layer, connecting only to addresses ``guard`` has just checked.

    httpx hands the host name of the URL to the network backend, which would resolve it again;
    this backend resolves it once through the guard and connects to those addresses, trying
    each in turn as the system does. TLS is unchanged: httpcore starts it with the URL's host as
    the server name, so certificates are checked against the name, not the address."""

    def __init__(self, guard: UrlGuard, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._guard = guard
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await asyncio.to_thread(self._guard.connect_addresses, host, port)
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # (the guard returns at least one address or raises)
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
