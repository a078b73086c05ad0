package io.robustmq.kernel.storage;

import io.robustmq.plugin.api.storage.ShardId;

import java.util.Objects;

/**
 * What a shard is, whatever its directory is called: a topic's shard, or an owner's private one.
 * Recorded in the shard's directory ({@link ShardIdentityFile}) so that a node learns its shards
 * without reading meaning into file names.
 */
sealed interface ShardIdentity permits ShardIdentity.Topic, ShardIdentity.Private
{
    /**
     * @return the directory name the naming rule gives a new shard of this identity.
     */
    String directoryName();

    /**
     * @return a label for people and logs.
     */
    String label();

    /**
     * A topic's shard.
     *
     * @param id the topic, its id and the partition.
     */
    record Topic(ShardId id) implements ShardIdentity
    {
        /**
         * Validates the field.
         */
        public Topic
        {
            Objects.requireNonNull(id, "id");
        }

        @Override
        public String directoryName()
        {
            return ShardNames.topicDirectory(id.topic(), id.topicId(), id.partition());
        }

        @Override
        public String label()
        {
            return "topic shard " + id.label() + " (topic id " + id.topicId() + ")";
        }
    }

    /**
     * An owner's private shard.
     *
     * @param owner a plugin's name, or {@link StorageAdapter#KERNEL_OWNER}.
     * @param name  the shard's name in the owner's namespace.
     */
    record Private(String owner, String name) implements ShardIdentity
    {
        /**
         * Validates the fields.
         */
        public Private
        {
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String directoryName()
        {
            return ShardNames.privateDirectory(owner, name);
        }

        @Override
        public String label()
        {
            return "private shard " + owner + "/" + name;
        }
    }
}
