package lab.c1m.common.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Accepts {@code raw}, {@code websocket}. */
public final class WireProtocolConverter implements ITypeConverter<WireProtocol> {
    @Override
    public WireProtocol convert(String value) {
        try {
            return WireProtocol.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
