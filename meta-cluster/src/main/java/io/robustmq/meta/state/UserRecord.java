package io.robustmq.meta.state;

import io.robustmq.meta.auth.ScramCredential;

import java.util.List;

/**
 * A user: a name and its SCRAM credentials, one per mechanism. The password is never stored.
 *
 * @param name        the user's name.
 * @param credentials at most one per mechanism.
 */
public record UserRecord(String name, List<ScramCredential> credentials)
{
    public UserRecord
    {
        credentials = List.copyOf(credentials);
    }
}
