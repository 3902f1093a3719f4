"""User names as MediaWiki stores them, and the user a link points at.

MediaWiki normalises a title (``Title::newFromText``): underscores become spaces,
the first letter is upper-cased (on wikis with ``$wgCapitalLinks``, which every
Wikimedia wiki but Wiktionary has), direction marks go; ``IPUtils::sanitizeIP``
writes IPv6 addresses upper-case and in full.
"""

from __future__ import annotations

import functools
import html
import ipaddress
import re

from bot import wikifacts

_INVISIBLE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Direction marks that right-to-left names pick up, and MediaWiki strips from titles."""

_IPV4 = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")


def normalise_user(name: str) -> str:
    """A user name as MediaWiki stores it.

    Underscores become spaces, runs of white space one space, the name is
    trimmed and its first letter upper-cased; IP addresses are written the way
    MediaWiki writes them (IPv6 upper-case, in full, without leading zeros).
    """
    name = wikifacts.title_spaces(_INVISIBLE.sub("", html.unescape(name)))
    address = _ip_address(name)
    if address is not None:
        return address
    first = name[:1].upper()
    return first + name[1:] if len(first) == 1 else name


def user_of_link(target: str, facts: wikifacts.LanguageFacts | None = None) -> str | None:
    """The user a link target points at (normalised), or None if it is not a
    user link (see :func:`bot.wikifacts.user_of_link`)."""
    return _user_of_link(target, facts or wikifacts.ENGLISH)


@functools.lru_cache(maxsize=8192)
def _user_of_link(target: str, facts: wikifacts.LanguageFacts) -> str | None:
    name = wikifacts.user_of_link(target, facts)
    return _user_name(name) if name is not None else None


def _user_name(text: str) -> str | None:
    name = normalise_user(text)
    return name or None


def _ip_address(name: str) -> str | None:
    """``name`` written as MediaWiki writes an IP address, or None if it is not one."""
    if _IPV4.fullmatch(name):
        parts = [int(part) for part in name.split(".")]
        return ".".join(map(str, parts)) if max(parts) <= 255 else None
    if ":" not in name:
        return None
    try:
        address = ipaddress.IPv6Address(name)
    except ValueError:
        return None
    return ":".join(f"{int(group, 16):X}" for group in address.exploded.split(":"))

