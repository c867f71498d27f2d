package lab.c1m.common.cli;

import lab.c1m.common.notation.PortList;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Accepts {@code 9000-9019}, {@code 9000,9001} or a mix. */
public final class PortListConverter implements ITypeConverter<PortList> {
    @Override
    public PortList convert(String value) {
        try {
            return PortList.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
