"""What kind of host a play runs on, from Ansible's facts: the one list of container types the kernel
role (which sysctls it may set) and the scenario check (which scenarios need a kernel of their own) read.
The jars tell containers apart by /run/systemd/container instead (HostLimits.container)."""

# ansible_virtualization_type values of a guest that shares its host's kernel.
CONTAINER_TYPES = ("lxc", "docker", "podman", "container", "containerd", "systemd-nspawn", "openvz")


def in_container(setting, virtualization_role="", virtualization_type=""):
    """setting is the user's c1m_kernel_container: 'auto' (read the facts), or true/false to say so."""
    text = str(setting).strip().lower()
    if text != "auto":
        if text in ("true", "yes", "1", "on"):
            return True
        if text in ("false", "no", "0", "off", ""):
            return False
        raise ValueError("c1m_kernel_container is %r: give auto, true or false" % (setting,))
    return (virtualization_role or "") == "guest" and (virtualization_type or "") in CONTAINER_TYPES
