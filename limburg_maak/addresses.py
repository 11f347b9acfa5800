"""The client's address, by one rule for the login lockout, the API throttling and the audit log."""

import functools
import ipaddress

from django.conf import settings


def client_ip(request):
    """The client's address: the socket's, or the one a trusted proxy says it saw.

    The one rule for the login lockout (django-axes' `AXES_CLIENT_IP_CALLABLE`), the API
    throttling and the audit log. X-Forwarded-For is read only when the request comes from a
    proxy in `TRUSTED_PROXIES`. Each proxy appends the address it saw, so the header is read
    from the right, past the trusted proxies' own entries: the first address that is not a
    trusted proxy is the client. What a client wrote into the header itself comes before that
    and is never reached. An entry that is no address ends the walk at the socket's address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if not from_trusted_proxy(request):
        return remote
    trusted = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    client = remote
    for entry in reversed(entries):
        try:
            client = str(ipaddress.ip_address(entry.strip()))
        except ValueError:
            return remote
        if not is_trusted(client, trusted):
            break
    return client


def from_trusted_proxy(request):
    """Whether the request's socket is one of the `TRUSTED_PROXIES`."""
    trusted = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    return bool(trusted) and is_trusted(request.META.get("REMOTE_ADDR", ""), trusted)


@functools.lru_cache(maxsize=8)
def trusted_networks(networks):
    return [ipaddress.ip_network(network) for network in networks]


def is_trusted(address, networks):
    try:
        address = ipaddress.ip_address(address)
    except ValueError:
        return False
    address = getattr(address, "ipv4_mapped", None) or address  # ::ffff:10.0.0.1 is 10.0.0.1
    return any(address in network for network in networks)
