package io.pipelinelens.sensemaker.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipelinelens.testing.LocalPostgres;
import io.pipelinelens.testing.LocalRabbit;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.amqp.core.BatchMessageListener;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;

/**
 * The floor: the same messages, consumed by a bare listener that inserts each one into a
 * {@code jsonb} table and does nothing else — one transaction per message, or one per batch as the
 * sensemaker consumes them.
 */
final class Floor {

    private Floor() {}

    /** @return events per second */
    static double measure(CachingConnectionFactory connections, List<BenchLoad.Run> load, int batch) throws Exception {
        int events = BenchLoad.events(load);
        String queue = LocalRabbit.uniqueName("bench.floor");
        RabbitAdmin admin = new RabbitAdmin(connections);
        admin.declareQueue(new Queue(queue, true, false, false));
        try (LocalPostgres.Database database = LocalPostgres.createDatabase("benchfloor");
                Connection db = database.connect()) {
            try (Statement st = db.createStatement()) {
                st.execute("create table observations (id text primary key, body jsonb not null)");
                // The same compression as the sensemaker's snapshots (migration V4), where there is lz4.
                st.execute("""
                        do $$ begin
                          if exists (select 1 from pg_settings
                                     where name = 'default_toast_compression' and 'lz4' = any (enumvals)) then
                            alter table observations alter column body set compression lz4;
                          end if;
                        end $$""");
            }
            RabbitTemplate template = new RabbitTemplate(connections);
            for (BenchLoad.Run run : load) {
                for (int i = 0; i < run.size(); i++) {
                    template.send("", queue, run.message(i, java.time.OffsetDateTime.now()));
                }
            }
            SensemakerBenchmark.awaitQueued(connections, queue, events);
            CountDownLatch done = new CountDownLatch(events);
            db.setAutoCommit(batch == 1);
            PreparedStatement insert = db.prepareStatement(
                    "insert into observations (id, body) values (?, ?::jsonb) on conflict do nothing");
            SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connections);
            container.setQueueNames(queue);
            container.setPrefetchCount(Math.max(100, 2 * batch));
            if (batch > 1) {
                container.setConsumerBatchEnabled(true);
                container.setBatchSize(batch);
                container.setBatchReceiveTimeout(50L);
            }
            container.setMessageListener(new BatchMessageListener() {
                @Override
                public void onMessage(Message message) {
                    onMessageBatch(List.of(message));
                }

                @Override
                public void onMessageBatch(List<Message> messages) {
                    try {
                        for (Message message : messages) {
                            insert.setString(1, message.getMessageProperties().getMessageId());
                            insert.setString(2, new String(message.getBody(), StandardCharsets.UTF_8));
                            insert.addBatch();
                        }
                        insert.executeBatch();
                        if (batch > 1) {
                            db.commit();
                        }
                        messages.forEach(m -> done.countDown());
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            long start = System.nanoTime();
            container.start();
            assertThat(done.await(10, TimeUnit.MINUTES)).isTrue();
            double seconds = (System.nanoTime() - start) / 1e9;
            container.stop();
            return events / seconds;
        } finally {
            admin.deleteQueue(queue);
        }
    }
}
