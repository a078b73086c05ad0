package io.robustmq.plugin.kafka;

import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One connection that sends requests built with kafka-clients' message classes exactly as written
 * (any version, any field), and reads each response: for tests that need what a client library
 * would not send on its own.
 */
final class RawKafka implements AutoCloseable
{
    private final Socket socket;
    private volatile int correlationId;
    private int received;

    RawKafka(final int port) throws IOException
    {
        this.socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
    }

    /**
     * @return the response, read whole (the test fails if bytes are left over).
     */
    ApiMessage exchange(final ApiKeys api, final short version, final ApiMessage body) throws IOException
    {
        send(api, version, body);
        return receive(api, version);
    }

    /**
     * Send a request without waiting for its answer (read it with {@link #receive}).
     */
    void send(final ApiKeys api, final short version, final ApiMessage body) throws IOException
    {
        final int id = ++correlationId;
        final short headerVersion = api.requestHeaderVersion(version);
        final RequestHeaderData header = new RequestHeaderData().setRequestApiKey(api.id).setRequestApiVersion(version)
            .setCorrelationId(id).setClientId("raw-kafka");
        final ObjectSerializationCache cache = new ObjectSerializationCache();
        final int size = header.size(cache, headerVersion) + body.size(cache, version);
        final ByteBuffer frame = ByteBuffer.allocate(4 + size);
        frame.putInt(size);
        final ByteBufferAccessor out = new ByteBufferAccessor(frame);
        header.write(out, cache, headerVersion);
        body.write(out, cache, version);
        final DataOutputStream output = new DataOutputStream(socket.getOutputStream());
        output.write(frame.array());
        output.flush();
    }

    /**
     * @return the answer to the last request sent, read whole (the test fails if bytes are left over,
     * or if none comes within the socket's 10 s timeout).
     */
    ApiMessage receive(final ApiKeys api, final short version) throws IOException
    {
        final DataInputStream input = new DataInputStream(socket.getInputStream());
        final byte[] response = new byte[input.readInt()];
        input.readFully(response);
        final ByteBufferAccessor in = new ByteBufferAccessor(ByteBuffer.wrap(response));
        final ResponseHeaderData responseHeader = new ResponseHeaderData(in, api.responseHeaderVersion(version));
        assertEquals(correlationId, responseHeader.correlationId(), api + " v" + version);
        final ApiMessage answer = api.messageType.newResponse();
        answer.read(in, version);
        assertEquals(0, in.remaining(), api + " v" + version + ": the whole response was read");
        return answer;
    }

    /**
     * @return the next answer, in order, when requests were sent ahead with {@link #send}: its
     * correlation id is the next one sent.
     */
    ApiMessage receiveNext(final ApiKeys api, final short version) throws IOException
    {
        final DataInputStream input = new DataInputStream(socket.getInputStream());
        final byte[] response = new byte[input.readInt()];
        input.readFully(response);
        final ByteBufferAccessor in = new ByteBufferAccessor(ByteBuffer.wrap(response));
        final ResponseHeaderData responseHeader = new ResponseHeaderData(in, api.responseHeaderVersion(version));
        assertEquals(++received, responseHeader.correlationId(), api + " v" + version + ": answers in order");
        final ApiMessage answer = api.messageType.newResponse();
        answer.read(in, version);
        return answer;
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
