"""The numbers the jars, the filters and the report share, read from the one table the jars also carry:
java/capacity/src/main/resources/lab/c1m/capacity/rules.properties (the Java reader is
lab.c1m.capacity.Rules). A missing or malformed key is an error here, never a silent default."""
import os

TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "java", "capacity", "src", "main",
                     "resources", "lab", "c1m", "capacity", "rules.properties")


class RulesError(ValueError):
    pass


def read_table(path=TABLE):
    """key -> text, from a Java .properties file of plain key=value lines (no continuations are used)."""
    values = {}
    with open(path, encoding="utf-8") as table:
        for number, line in enumerate(table, 1):
            line = line.strip()
            if not line or line.startswith(("#", "!")):
                continue
            key, sep, value = line.partition("=")
            if not sep:
                raise RulesError("%s:%d: %r is not key=value" % (path, number, line))
            values[key.strip()] = value.strip()
    return values


class Rules:
    def __init__(self, values, source=TABLE):
        self._values = values
        self._source = source

    def _text(self, key):
        if key not in self._values:
            raise RulesError("%s has no %s" % (self._source, key))
        return self._values[key]

    def integer(self, key):
        text = self._text(key)
        try:
            return int(text)
        except ValueError:
            raise RulesError("%s: %s=%r is not a whole number" % (self._source, key, text)) from None

    def fraction(self, key):
        text = self._text(key)
        try:
            value = float(text)
        except ValueError:
            raise RulesError("%s: %s=%r is not a number" % (self._source, key, text)) from None
        if value < 0:
            raise RulesError("%s: %s=%r is negative" % (self._source, key, text))
        return value

    def keys(self):
        return sorted(self._values)


def load(path=TABLE):
    return Rules(read_table(path), path)


RULES = load()
