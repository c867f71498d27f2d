package lab.c1m.common.cli;

import java.time.Duration;
import lab.c1m.common.notation.Quantities;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Accepts {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h}, {@code 0}. */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Quantities.parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
