package io.robustmq.plugin.mqtt.connection;

/**
 * Checks that bytes, fed one at a time as they arrive, are well-formed UTF-8 as MQTT requires of
 * its strings (section 1.5.4): no byte sequence outside Unicode's well-formed table (so no
 * overlong forms, no UTF-16 surrogates, nothing above U+10FFFF) and no U+0000. Netty's decoder
 * would replace a bad sequence with U+FFFD and go on; this sees the bytes before it does.
 */
final class Utf8Stream
{
    private int continuationLeft;
    private int low = 0x80;
    private int high = 0xBF;

    /**
     * Start a new string.
     */
    void reset()
    {
        continuationLeft = 0;
        low = 0x80;
        high = 0xBF;
    }

    /**
     * @param value the next byte, 0 to 255.
     * @return false if the string is not well-formed UTF-8 (or holds U+0000).
     */
    boolean accept(final int value)
    {
        if (continuationLeft > 0)
        {
            if (value < low || value > high)
            {
                return false;
            }
            continuationLeft--;
            low = 0x80;
            high = 0xBF;
            return true;
        }
        if (value < 0x80)
        {
            return value != 0;
        }
        if (value >= 0xC2 && value <= 0xDF)
        {
            return expect(1, 0x80, 0xBF);
        }
        if (value == 0xE0)
        {
            return expect(2, 0xA0, 0xBF);
        }
        if (value == 0xED)
        {
            return expect(2, 0x80, 0x9F);
        }
        if (value >= 0xE1 && value <= 0xEF)
        {
            return expect(2, 0x80, 0xBF);
        }
        if (value == 0xF0)
        {
            return expect(3, 0x90, 0xBF);
        }
        if (value >= 0xF1 && value <= 0xF3)
        {
            return expect(3, 0x80, 0xBF);
        }
        if (value == 0xF4)
        {
            return expect(3, 0x80, 0x8F);
        }
        return false;
    }

    /**
     * @return true if the string ended on a character boundary.
     */
    boolean complete()
    {
        return continuationLeft == 0;
    }

    private boolean expect(final int continuations, final int nextLow, final int nextHigh)
    {
        continuationLeft = continuations;
        low = nextLow;
        high = nextHigh;
        return true;
    }
}
