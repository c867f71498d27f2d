package lab.c1m.common.cli;

import lab.c1m.common.notation.Quantities;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Accepts {@code 5000}, {@code 10k}, {@code 1m}. */
public final class CountConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        try {
            return Quantities.parseCount(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
