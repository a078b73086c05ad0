package io.robustmq.plugin.api.metadata;

import java.util.Optional;

/**
 * What a {@link Metadata#watchObjects} listener is told: one object of the watched owner, as it is
 * now.
 *
 * @param kind   the object's kind.
 * @param name   its name.
 * @param object the object as it is now (created, or replaced: a higher version), or empty once it
 *               is deleted.
 */
public record ObjectChange(String kind, String name, Optional<ObjectInfo> object)
{
    /**
     * @return true if the object was deleted.
     */
    public boolean deleted()
    {
        return object.isEmpty();
    }
}
