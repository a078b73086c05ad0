package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.ScramCredentialInfo;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.ScramCredentialCallback;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramSaslServer;

import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * SaslAuthenticate: the exchange of the mechanism chosen at SaslHandshake. PLAIN checks the user's
 * password (a key derivation: on the plugin's bounded {@code robustmq-kafka-auth} thread, never on
 * an event loop); SCRAM runs Kafka's own SCRAM server over the user's stored SCRAM credential (no
 * password involved, so on the event loop). A failure is answered SASL_AUTHENTICATION_FAILED, and
 * the connection accepts nothing else until a new handshake succeeds.
 */
public final class SaslAuthenticateApi implements KafkaApi
{
    private static final String FAILED = "Authentication failed: invalid username or password";

    private final Metadata metadata;
    private final Executor passwordChecks;

    /**
     * @param passwordChecks where PLAIN passwords are checked (bounded: a full queue refuses).
     */
    public SaslAuthenticateApi(final Metadata metadata, final Executor passwordChecks)
    {
        this.metadata = metadata;
        this.passwordChecks = passwordChecks;
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        return authenticate(((SaslAuthenticateRequestData)request.body()).authBytes(), connection);
    }

    /**
     * One step of the exchange, from a SaslAuthenticate request or a bare token (after a
     * SaslHandshake version 0).
     *
     * @param bytes      the client's token.
     * @param connection the client's connection.
     * @return the answer: a {@link SaslAuthenticateResponseData}.
     */
    public CompletionStage<ApiMessage> authenticate(final byte[] bytes, final ClientConnection connection)
    {
        final String mechanism = connection.saslMechanism();
        if (!connection.saslRequired() || connection.mayProceed() || mechanism == null)
        {
            return done(Errors.ILLEGAL_SASL_STATE, "SaslAuthenticate without a SaslHandshake first", new byte[0]);
        }
        if ("PLAIN".equals(mechanism))
        {
            return plain(bytes, connection);
        }
        return scram(mechanism, bytes, connection);
    }

    private CompletionStage<ApiMessage> plain(final byte[] bytes, final ClientConnection connection)
    {
        // authzid NUL authcid NUL password (RFC 4616).
        final String message = new String(bytes, StandardCharsets.UTF_8);
        final int first = message.indexOf('\0');
        final int second = first < 0 ? -1 : message.indexOf('\0', first + 1);
        if (second < 0)
        {
            return done(Errors.SASL_AUTHENTICATION_FAILED, "Authentication failed: malformed PLAIN message",
                new byte[0]);
        }
        final String authzid = message.substring(0, first);
        final String user = message.substring(first + 1, second);
        final char[] password = message.substring(second + 1).toCharArray();
        if (!authzid.isEmpty() && !authzid.equals(user))
        {
            return done(Errors.SASL_AUTHENTICATION_FAILED, "Authentication failed: authorization id must be the user",
                new byte[0]);
        }
        final CompletableFuture<Boolean> checked;
        try
        {
            checked = CompletableFuture.supplyAsync(() -> metadata.checkPassword(user, password), passwordChecks);
        }
        catch (final RejectedExecutionException busy)
        {
            return done(Errors.SASL_AUTHENTICATION_FAILED, "Authentication failed: the server is busy checking " +
                "passwords; try again", new byte[0]);
        }
        return checked.handleAsync((ok, failure) ->
        {
            if (failure == null && ok)
            {
                connection.authenticated(user);
                return response(Errors.NONE, null, new byte[0]);
            }
            return response(Errors.SASL_AUTHENTICATION_FAILED, FAILED, new byte[0]);
        }, connection.eventLoop());
    }

    private CompletionStage<ApiMessage> scram(final String mechanism, final byte[] bytes,
        final ClientConnection connection)
    {
        try
        {
            SaslServer server = connection.saslServer();
            if (server == null)
            {
                server = new ScramSaslServer(ScramMechanism.forMechanismName(mechanism), Map.of(), callbacks ->
                {
                    String name = null;
                    for (final Callback callback : callbacks)
                    {
                        if (callback instanceof NameCallback nameCallback)
                        {
                            name = nameCallback.getDefaultName();
                        }
                        else if (callback instanceof ScramCredentialCallback credentialCallback)
                        {
                            final Optional<ScramCredentialInfo> info = name == null ? Optional.empty() :
                                metadata.scramCredential(name, mechanism);
                            info.ifPresent(found -> credentialCallback.scramCredential(new ScramCredential(found.salt(),
                                found.storedKey(), found.serverKey(), found.iterations())));
                        }
                    }
                });
                connection.saslServer(server);
            }
            final byte[] challenge = server.evaluateResponse(bytes);
            if (server.isComplete())
            {
                connection.authenticated(server.getAuthorizationID());
            }
            return done(Errors.NONE, null, challenge == null ? new byte[0] : challenge);
        }
        catch (final SaslException | SaslAuthenticationException | java.security.NoSuchAlgorithmException ex)
        {
            connection.saslServer(null);
            connection.saslMechanism(null);
            return done(Errors.SASL_AUTHENTICATION_FAILED, FAILED, new byte[0]);
        }
    }

    private static CompletionStage<ApiMessage> done(final Errors error, final String message, final byte[] bytes)
    {
        return CompletableFuture.completedFuture(response(error, message, bytes));
    }

    private static ApiMessage response(final Errors error, final String message, final byte[] bytes)
    {
        return new SaslAuthenticateResponseData().setErrorCode(error.code()).setErrorMessage(message)
            .setAuthBytes(bytes).setSessionLifetimeMs(0);
    }
}
