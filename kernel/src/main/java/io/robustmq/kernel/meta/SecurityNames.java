package io.robustmq.kernel.meta;

import io.robustmq.meta.codecs.ScramMechanismCode;

import java.util.Locale;

/**
 * The names users and clients give the Meta Service's security codes: SASL's mechanism names
 * ({@code SCRAM-SHA-256}) and the lower-case names of ACL fields in the admin API.
 */
final class SecurityNames
{
    private SecurityNames()
    {
    }

    /**
     * @param mechanism a mechanism code.
     * @return its SASL name, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}.
     */
    static String mechanism(final ScramMechanismCode mechanism)
    {
        return mechanism.name().replace('_', '-');
    }

    /**
     * @param code an enum constant.
     * @return its name in lower case, as the admin API writes it.
     */
    static String lower(final Enum<?> code)
    {
        return code.name().toLowerCase(Locale.ROOT);
    }
}
