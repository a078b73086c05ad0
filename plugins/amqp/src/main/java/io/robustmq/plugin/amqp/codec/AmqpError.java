package io.robustmq.plugin.amqp.codec;

/**
 * An error a client's frames caused, as AMQP reports it: a reply code (which says whether the channel
 * or the whole connection closes), a text, and the method that caused it (0, 0 for none). Carries no
 * stack trace: it is the client's mistake, answered on the wire and logged in one line.
 */
public final class AmqpError extends Exception
{
    private static final long serialVersionUID = 1L;

    private final transient ReplyCode code;
    private final int classId;
    private final int methodId;

    /**
     * @param code     the reply code.
     * @param text     what went wrong, without the code's name.
     * @param classId  the class of the method that caused it, or 0.
     * @param methodId the method that caused it, or 0.
     */
    public AmqpError(final ReplyCode code, final String text, final int classId, final int methodId)
    {
        super(text, null, false, false);
        this.code = code;
        this.classId = classId;
        this.methodId = methodId;
    }

    /**
     * @param code the reply code.
     * @param text what went wrong, without the code's name.
     */
    public AmqpError(final ReplyCode code, final String text)
    {
        this(code, text, 0, 0);
    }

    /**
     * @return the reply code.
     */
    public ReplyCode code()
    {
        return code;
    }

    /**
     * @return the reply text as sent: the code's name, a dash, what went wrong.
     */
    public String replyText()
    {
        return code.text(getMessage());
    }

    /**
     * @return the class of the method that caused it, or 0.
     */
    public int classId()
    {
        return classId;
    }

    /**
     * @return the method that caused it, or 0.
     */
    public int methodId()
    {
        return methodId;
    }
}
