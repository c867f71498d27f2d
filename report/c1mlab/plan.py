"""How a run's target is split over its clients (the playbook's plan and the report's shares)."""

from .notation import NotationError, count


def share(total, hosts, host):
    """host's share of total over hosts (in inventory order): shares differ by at most one."""
    total = count(total)
    hosts = list(hosts)
    if host not in hosts:
        raise NotationError("%s is not in %s" % (host, hosts))
    base, extra = divmod(total, len(hosts))
    return base + (1 if hosts.index(host) < extra else 0)
