package io.robustmq.plugin.amqp.codec;

/**
 * The reply codes of AMQP 0-9-1 (the specification's constants), with the names RabbitMQ prefixes to
 * its reply texts. Codes 3xx and 5xx close the connection; 4xx close the channel.
 */
public enum ReplyCode
{
    /** The close was asked for, not caused by an error. */
    REPLY_SUCCESS(200, false),
    /** Content too large for the server. */
    CONTENT_TOO_LARGE(311, false),
    /** A mandatory message had no queue to go to. */
    NO_ROUTE(312, false),
    /** An immediate message had no consumer to go to. */
    NO_CONSUMERS(313, false),
    /** The server closed the connection (an operator, or a shutdown). */
    CONNECTION_FORCED(320, true),
    /** The virtual host does not exist. */
    INVALID_PATH(402, true),
    /** The client may not do that. */
    ACCESS_REFUSED(403, false),
    /** What the method names does not exist. */
    NOT_FOUND(404, false),
    /** Another connection holds the queue exclusively. */
    RESOURCE_LOCKED(405, false),
    /** A precondition the method sets (or the entity's arguments) does not hold. */
    PRECONDITION_FAILED(406, false),
    /** A frame was malformed. */
    FRAME_ERROR(501, true),
    /** A method's arguments were malformed. */
    SYNTAX_ERROR(502, true),
    /** The method is not valid here (out of sequence, or one only a server sends). */
    COMMAND_INVALID(503, true),
    /** The channel was used wrongly (not open, opened twice). */
    CHANNEL_ERROR(504, true),
    /** A frame of a kind not expected now. */
    UNEXPECTED_FRAME(505, true),
    /** The server ran out of a resource. */
    RESOURCE_ERROR(506, true),
    /** The client may not do that on this connection. */
    NOT_ALLOWED(530, true),
    /** The server does not implement the method or the feature. */
    NOT_IMPLEMENTED(540, true),
    /** The server failed. */
    INTERNAL_ERROR(541, true);

    private final int code;
    private final boolean connectionLevel;

    ReplyCode(final int code, final boolean connectionLevel)
    {
        this.code = code;
        this.connectionLevel = connectionLevel;
    }

    /**
     * @return the code on the wire.
     */
    public int code()
    {
        return code;
    }

    /**
     * @return true if the error closes the whole connection, false if only the channel.
     */
    public boolean closesConnection()
    {
        return connectionLevel;
    }

    /**
     * @param text what went wrong.
     * @return the reply text as RabbitMQ words it: the code's name, a dash, the text.
     */
    public String text(final String text)
    {
        return name() + " - " + text;
    }
}
