package lab.c1m.capacity;

import java.time.Duration;
import lab.c1m.common.cli.DurationConverter;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A heartbeat interval: 0 (off) or at least the rules' {@code heartbeat.min_ms}, for every command that
 * takes {@code --heartbeat} (client, server, doctor, plan), so none accepts what the client refuses.
 * It lives here, not in common's cli, because its floor is a rule: the notation (a duration) is common's,
 * the limit on it is capacity's.
 */
public final class HeartbeatConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        Duration heartbeat = new DurationConverter().convert(value);
        if (!heartbeat.isZero() && heartbeat.toMillis() < Rules.HEARTBEAT_MIN_MS) {
            throw new TypeConversionException("'" + value + "' is shorter than " + Rules.HEARTBEAT_MIN_MS
                + "ms: give 0 (off) or at least " + Rules.HEARTBEAT_MIN_MS + "ms, e.g. 30s");
        }
        return heartbeat;
    }
}
