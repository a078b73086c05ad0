package io.robustmq.plugin.amqp.codec;

import com.rabbitmq.client.impl.ValueReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A user name and password, from connection.start-ok's mechanism and response: {@code PLAIN}
 * (RFC 4616: an optional authorisation identity, the user, the password, separated by NUL) or
 * RabbitMQ's {@code AMQPLAIN} (a field table, without its length, holding {@code LOGIN} and
 * {@code PASSWORD}).
 *
 * @param user     the user's name.
 * @param password the password offered.
 */
public record Login(String user, char[] password)
{
    /** The mechanisms this server offers in connection.start, as it offers them. */
    public static final String MECHANISMS = "PLAIN AMQPLAIN";

    /**
     * @param mechanism the mechanism the client chose.
     * @param response  its response.
     * @return the login.
     * @throws AmqpError {@link ReplyCode#ACCESS_REFUSED} for a mechanism not offered or a response that
     *                   does not parse.
     */
    public static Login parse(final String mechanism, final byte[] response) throws AmqpError
    {
        return switch (mechanism)
        {
            case "PLAIN" -> plain(response);
            case "AMQPLAIN" -> amqplain(response);
            default -> throw new AmqpError(ReplyCode.ACCESS_REFUSED, "unsupported authentication mechanism '" +
                mechanism + "' (offered: " + MECHANISMS + ")", 10, 11);
        };
    }

    private static Login plain(final byte[] response) throws AmqpError
    {
        final int first = indexOf(response, 0);
        final int second = first < 0 ? -1 : indexOf(response, first + 1);
        if (second < 0)
        {
            throw new AmqpError(ReplyCode.ACCESS_REFUSED, "a PLAIN response is [authzid] NUL user NUL password", 10, 11);
        }
        final String user = new String(response, first + 1, second - first - 1, StandardCharsets.UTF_8);
        final String password = new String(response, second + 1, response.length - second - 1, StandardCharsets.UTF_8);
        return new Login(user, password.toCharArray());
    }

    private static Login amqplain(final byte[] response) throws AmqpError
    {
        final ByteBuf table = Unpooled.buffer(response.length + 4).writeInt(response.length).writeBytes(response);
        final Map<String, Object> fields;
        try
        {
            if (ArgumentBounds.check(table, 0, table.writerIndex(), "F") != null)
            {
                throw new IOException("the table runs past its end");
            }
            fields = new ValueReader(new DataInputStream(new ByteArrayInputStream(table.array(), 0,
                table.writerIndex()))).readTable();
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new AmqpError(ReplyCode.ACCESS_REFUSED, "an AMQPLAIN response that is not a field table: " +
                ex.getMessage(), 10, 11);
        }
        final Object login = fields.get("LOGIN");
        final Object password = fields.get("PASSWORD");
        if (login == null || password == null)
        {
            throw new AmqpError(ReplyCode.ACCESS_REFUSED, "an AMQPLAIN response needs LOGIN and PASSWORD", 10, 11);
        }
        return new Login(login.toString(), password.toString().toCharArray());
    }

    private static int indexOf(final byte[] bytes, final int from)
    {
        for (int i = from; i < bytes.length; i++)
        {
            if (bytes[i] == 0)
            {
                return i;
            }
        }
        return -1;
    }
}
