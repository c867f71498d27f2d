"""Number formatting shared by the HTML, Markdown and text outputs."""


def count(value):
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return "{:,.1f}".format(value)
    return "{:,}".format(int(value))


def grouped(number):
    """Whole numbers with thousands separators (1,234), anything else as written: for sentences."""
    return "{:,}".format(number) if isinstance(number, int) else str(number)


def bytes_(value):
    if value is None:
        return "–"
    value = float(value)
    for unit, size in (("GiB", 2 ** 30), ("MiB", 2 ** 20), ("KiB", 2 ** 10)):
        if abs(value) >= size:
            return "%.1f %s" % (value / size, unit)
    return "%d B" % value


def per_connection(value):
    return "–" if value is None else "{:,} B".format(int(value))


def seconds(value):
    if value is None:
        return "–"
    value = float(value)
    if abs(value) < 60:
        return "%.1f s" % value
    minutes, rest = divmod(value, 60)
    if minutes < 60:
        return "%dm %04.1fs" % (minutes, rest)
    hours, minutes = divmod(minutes, 60)
    return "%dh %02dm" % (hours, minutes)


def ms(value):
    if value is None:
        return "–"
    value = float(value)
    if value >= 100:
        return "%.0f ms" % value
    if value >= 10:
        return "%.1f ms" % value
    return "%.2f ms" % value


def percent(fraction):
    """0.99972 -> '99.97%' (a fraction 0..1); three decimals only where two would round a shortfall to 100%."""
    if fraction is None:
        return "–"
    value = float(fraction) * 100
    if value < 100 and round(value, 2) >= 100:
        return "%.3f%%" % value
    return "%.2f%%" % value


def change(old, new):
    """'+12.5%' style change from old to new, or '' when either is missing or both are zero."""
    if not isinstance(old, (int, float)) or not isinstance(new, (int, float)) or isinstance(old, bool):
        return ""
    if old == new:
        return "="
    if old == 0:
        return "new"
    return "%+.1f%%" % ((new - old) * 100.0 / abs(old))
