package io.robustmq.plugin.api;

/**
 * Whether a TLS listener asks clients for a certificate (mutual TLS), checked against the
 * listener's client CA.
 */
public enum ClientAuth
{
    /** No client certificate is asked for. */
    NONE,
    /** A certificate is asked for; a client without one may still connect, one with a bad one may not. */
    OPTIONAL,
    /** Every client must present a certificate the client CA signed. */
    REQUIRE
}
