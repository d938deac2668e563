package io.pipelinelens.harvester;

import io.pipelinelens.testing.LocalRabbit;

/**
 * What a broker-outage test needs: a simulated cluster, a cuttable proxy in front of the machine's
 * RabbitMQ, and a queue bound to a fresh exchange. Closes them together.
 */
public final class OutageRig implements AutoCloseable {

    static {
        // Cutting the broker makes Spring AMQP's own threads throw (and log); Awaitility must not
        // mistake that for a failure of the condition it waits for.
        org.awaitility.Awaitility.doNotCatchUncaughtExceptionsByDefault();
    }

    private final String exchange;
    private final MockCluster cluster = new MockCluster();
    private final BrokerProxy proxy =
            new BrokerProxy(LocalRabbit.broker().host(), LocalRabbit.broker().port());
    private final ObservationQueue queue;

    public OutageRig(String name) {
        this.exchange = LocalRabbit.uniqueName(name);
        this.queue = new ObservationQueue(exchange);
    }

    public String exchange() {
        return exchange;
    }

    public MockCluster cluster() {
        return cluster;
    }

    public BrokerProxy proxy() {
        return proxy;
    }

    public ObservationQueue queue() {
        return queue;
    }

    @Override
    public void close() {
        queue.close();
        proxy.close();
        cluster.close();
    }
}
