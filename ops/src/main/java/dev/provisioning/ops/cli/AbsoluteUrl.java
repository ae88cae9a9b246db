package dev.provisioning.ops.cli;

import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** An endpoint option's value: an absolute URL with a scheme and a host, the same check for every command. */
public final class AbsoluteUrl implements ITypeConverter<URI> {

    @Override
    public URI convert(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** Parses {@code value}, or says why it is not an absolute URL. */
    public static URI parse(String value) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("must be an absolute URL (scheme://host...), got " + value);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + value, e);
        }
    }
}
