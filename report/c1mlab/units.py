"""Writing the services' systemd units: a command line as systemd reads it (systemd.service(5), "Command
lines"), so a value with a space, a quote, '%' or '$' reaches the jar as it was given."""

import re

# Words systemd takes as they are: no whitespace, quote, backslash or ';' (a lone ';' ends a command).
_PLAIN = re.compile(r"[^\s\"'\\;]+")


def word(value):
    """One argument of ExecStart: '%' and '$' doubled (systemd would expand them), quoted when needed."""
    text = str(value).replace("%", "%%").replace("$", "$$")
    if _PLAIN.fullmatch(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def path(value):
    """A path setting's value (WorkingDirectory=): the whole rest of the line, so no quotes, but '%' doubled:
    systemd expands specifiers there ('%d' would become the credentials folder, '%z' fail the unit)."""
    return str(value).replace("%", "%%")


def path_word(value):
    """One path of a list (ReadWritePaths=): quoted when needed and '%' doubled; '$' stays, nothing expands it."""
    text = str(value).replace("%", "%%")
    if _PLAIN.fullmatch(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def option(item):
    """'--summary /var/lib/c1m/s.json' (an option and its value, or an option alone) -> its words."""
    name, _, value = str(item).strip().partition(" ")
    words = [name] + ([value.strip()] if value.strip() else [])
    return " ".join(word(w) for w in words)
