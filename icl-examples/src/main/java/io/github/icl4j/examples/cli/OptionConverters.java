package io.github.icl4j.examples.cli;

import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import io.github.icl4j.HeadId;
import picocli.CommandLine;

/** Picocli converters that check a value at parse time. */
final class OptionConverters {
    private OptionConverters() {
    }

    /** Checks a device name at parse time. */
    static final class DeviceConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return DeviceSpec.parse(value).toString();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Checks a dtype name at parse time. */
    static final class DTypeConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return DType.parse(value).toString();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Parses {@code L14H3}. */
    static final class HeadConverter implements CommandLine.ITypeConverter<HeadId> {
        @Override
        public HeadId convert(String value) {
            try {
                return HeadId.parse(value.trim());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
