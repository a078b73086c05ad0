package io.robustmq.meta.state;

/**
 * One change to the plugins' objects, as this member applied it: what watchers are told, in order.
 *
 * @param sequence numbers this member's changes from 1, in the order it applied them, since it
 *                 started (not part of the replicated state: another member, or this one after a
 *                 restart, numbers them otherwise).
 * @param key      the object changed.
 * @param object   the object as it is now, or null once deleted.
 */
public record ObjectChangeRecord(long sequence, ObjectKey key, ObjectRecord object)
{
}
