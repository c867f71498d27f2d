"""The lab's notations (docs/interfaces.md): port lists, counts, durations, source addresses.

One reading for the playbooks (ansible/filter_plugins/c1m.py), the report and, through the shared
vectors in tests/vectors/notation.json, the jars (PortList, Quantities, SourceAddresses). The rules
are the jars', since they are what finally reads a setting:

- counts: `5000`, `15k`, `1m`, case-insensitive, `_` and `,` as digit separators (`1_000`); a
  decimal is allowed when the result is a whole number (`1.5k` = 1500), exactly, in decimal
  arithmetic (`1.1k` = 1100); a fraction of a connection (`1.5`) is an error, never truncated or
  rounded; at most 2^31 - 1.
- durations: `500ms`, `30s`, `10m`, `1h`, a bare number is seconds; kept in whole milliseconds
  (rounded half up, as Java's Math.round).
- ports: `9000-9019`, `9000,9005`, both; 1-65535; a range low-high; duplicates once; sorted.
- source addresses: `10.0.0.2,10.0.0.3` or an IPv4 CIDR from /16 to /32 (its usable hosts: a /31 or
  /32 as it is); empty means the kernel's choice, counted as one address.
"""

import ipaddress
import re
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

MAX_COUNT = 2 ** 31 - 1
# The longest duration any option or setting takes, a year: a limit of the notation (the jars'
# Quantities.DURATION_MAX_MS), not a capacity rule; tests/vectors/notation.json holds both to it.
DURATION_MAX_MS = 365 * 24 * 3600000
SMALLEST_PREFIX = 16  # as the client jar: a typo like /6 should not mean millions of addresses

_COUNT = re.compile(r"^(\d+(?:\.\d+)?)([km]?)$")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h)?$")
_COUNT_SCALE = {"": 1, "k": 1000, "m": 1000000}
_DURATION_MS = {"ms": 1, "s": 1000, "m": 60000, "h": 3600000}
_ADDRESS = re.compile(r"^[0-9a-fA-F:.]+$")


class NotationError(ValueError):
    """A setting that does not read as its notation; the message says what was expected."""


def _decimal(text):
    try:
        return Decimal(text)
    except InvalidOperation:
        raise NotationError("%r is not a number" % text) from None


def count(value):
    """'15k', '1m', '1_000', 333334 -> int (see the module's rules)."""
    if isinstance(value, bool):
        raise NotationError("%r is not a count" % (value,))
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = str(value).strip().lower().replace("_", "").replace(",", "")
        match = _COUNT.match(text)
        if not match:
            raise NotationError("%r is not a count: use a whole number such as 5000, 10k or 1m" % (value,))
        number = _decimal(match.group(1)) * _COUNT_SCALE[match.group(2)]
    if number != number.to_integral_value():
        raise NotationError("%r is not a whole number of connections" % (value,))
    if number < 0:
        raise NotationError("%r is negative" % (value,))
    if number > MAX_COUNT:
        raise NotationError("%r is too large: at most %d" % (value, MAX_COUNT))
    return int(number)


def duration_ms(value):
    """'500ms', '30s', '10m', '1h', '45' (seconds), 45 -> whole milliseconds (int)."""
    if isinstance(value, bool):
        raise NotationError("%r is not a duration" % (value,))
    if isinstance(value, (int, float)):
        if value < 0:
            raise NotationError("%r is negative" % (value,))
        millis = Decimal(repr(value)) * 1000
    else:
        match = _DURATION.match(str(value).strip().lower())
        if not match:
            raise NotationError("%r is not a duration: use e.g. 500ms, 30s, 10m or 1h" % (value,))
        millis = _decimal(match.group(1)) * _DURATION_MS[match.group(2) or "s"]
    # Whole milliseconds and at most a year (DURATION_MAX_MS), as the jars.
    if millis != millis.to_integral_value():
        raise NotationError("%r is not a whole number of milliseconds" % (value,))
    if millis > DURATION_MAX_MS:
        raise NotationError("%r is too long: at most %dh" % (value, DURATION_MAX_MS // 3600000))
    return int(millis)


def seconds(value):
    """A duration in seconds (float), from duration_ms."""
    return duration_ms(value) / 1000.0


def _port(text, whole):
    text = text.strip()
    if not re.match(r"^-?\d+$", text):
        raise NotationError("%r in %r is not a port number" % (text, whole))
    port = int(text)
    if not 1 <= port <= 65535:
        raise NotationError("port %d in %r is outside 1-65535" % (port, whole))
    return port


def ports(spec):
    """'9000-9019', '9000,9001,9005-9010', 9000 or [9000, '9001-9002'] -> sorted list of ports."""
    if isinstance(spec, bool):
        raise NotationError("%r is not a port list" % (spec,))
    if isinstance(spec, int):
        spec = str(spec)
    if isinstance(spec, (list, tuple)):
        spec = ",".join(str(p) for p in spec)
    text = str(spec if spec is not None else "")
    found = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        dash = part.find("-")
        if dash > 0:
            low, high = _port(part[:dash], text), _port(part[dash + 1:], text)
            if high < low:
                raise NotationError("port range %r is empty: write it low-high, e.g. 9000-9019" % part)
            found.update(range(low, high + 1))
        else:
            found.add(_port(part, text))
    if not found:
        raise NotationError("no ports in %r: give a range such as 9000-9019 or a list such as 9000,9001" % text)
    return sorted(found)


def _network_hosts(part):
    base, _, prefix = part.partition("/")
    if not prefix.isdigit():
        raise NotationError("%r has no prefix length after the slash" % part)
    if not _ADDRESS.match(base):
        raise NotationError("%r is not an IP address" % base)
    try:
        network = ipaddress.ip_network("%s/%s" % (base, prefix), strict=False)
    except ValueError:
        raise NotationError("%r is not an IP network" % part) from None
    if network.version != 4 or not SMALLEST_PREFIX <= network.prefixlen <= 32:
        raise NotationError("%r: only IPv4 networks from /%d to /32 are accepted" % (part, SMALLEST_PREFIX))
    hosts = list(network.hosts()) if network.num_addresses > 2 else list(network)
    return [str(address) for address in hosts]


def source_addresses(value):
    """'10.0.0.2,10.0.0.3', '10.0.0.0/30', a list, '' or None -> the addresses, in order ([] = kernel's choice)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        value = ",".join(str(v) for v in value)
    addresses = []
    for part in str(value).split(","):
        part = part.strip()
        if not part:
            continue
        if "/" in part:
            addresses.extend(_network_hosts(part))
        else:
            if not _ADDRESS.match(part):
                raise NotationError("%r is not an IP address" % part)
            try:
                addresses.append(str(ipaddress.ip_address(part)))
            except ValueError:
                raise NotationError("%r is not an IP address" % part) from None
    return addresses


def source_count(value):
    """How many source addresses connect: at least one (none given: the kernel picks one)."""
    return max(1, len(source_addresses(value)))


def port_range_size(value):
    """'1024 65535' (net.ipv4.ip_local_port_range) -> 64512."""
    parts = str(value if value is not None else "").split()
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or int(parts[1]) < int(parts[0]):
        raise NotationError("%r is not an ip_local_port_range 'LOW HIGH'" % (value,))
    return int(parts[1]) - int(parts[0]) + 1


def lenient(parse, value, default=None):
    """parse(value), or default when value is absent or unreadable (a failed run's files must still report)."""
    if value is None or value == "":
        return default
    try:
        return parse(value)
    except NotationError:
        return default


def iso_seconds(text):
    """ISO-8601 UTC as the jars write it ('2026-11-21T18:33:00.123Z') -> POSIX seconds (float), or None."""
    if not text:
        return None
    value = str(text).strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()
