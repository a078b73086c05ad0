package io.robustmq.plugin.mqtt;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttMessage;

import java.util.function.Consumer;

/**
 * A Paho v3 callback that hands every arriving message on and ignores the rest: set it before
 * connecting, to see the messages a persistent session gets as soon as it is resumed.
 */
final class ArrivalCallback implements MqttCallback
{
    private final Consumer<MqttMessage> arrived;

    ArrivalCallback(final Consumer<MqttMessage> arrived)
    {
        this.arrived = arrived;
    }

    @Override
    public void connectionLost(final Throwable cause)
    {
    }

    @Override
    public void messageArrived(final String topic, final MqttMessage message)
    {
        arrived.accept(message);
    }

    @Override
    public void deliveryComplete(final IMqttDeliveryToken token)
    {
    }
}
