package io.pipelinelens.standalone.infrastructure;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Utils;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.io.ClassPathResource;

/**
 * A Kubernetes API in this JVM: fabric8's mock server in CRUD mode over plain HTTP, with the
 * CustomResourceDefinitions of the Jenkins X / Tekton kinds the harvester watches registered, so
 * that lists, watches and label selectors work for them as on a real cluster.
 */
public final class SimulatedCluster implements AutoCloseable {

    /** The CRD manifests kept under {@code crds/} on the classpath. */
    public static final List<String> CRDS = List.of(
            "crds/pipelinerun.yaml", "crds/taskrun.yaml", "crds/lighthousejob.yaml", "crds/pipelineactivity.yaml");

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private SimulatedCluster(KubernetesMockServer server, KubernetesClient client) {
        this.server = server;
        this.client = client;
    }

    public static SimulatedCluster start() {
        seedUids();
        // resourceVersions continue from the wall clock, so that a restarted standalone never reuses a
        // (uid, resourceVersion) pair that consumers with a persistent database already saw.
        long firstVersion = System.currentTimeMillis() * 1000;
        KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher(List.of()) {
            private final AtomicLong version = new AtomicLong(firstVersion);

            @Override
            public long requestResourceVersion() {
                return version.incrementAndGet();
            }
        };
        KubernetesMockServer server =
                new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        try {
            server.init(InetAddress.getLoopbackAddress(), 0);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot start the simulated Kubernetes API", e);
        }
        KubernetesClient client = server.createClient();
        for (String crd : CRDS) {
            try (InputStream in = new ClassPathResource(crd).getInputStream()) {
                CustomResourceDefinition definition = client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .load(in)
                        .item();
                client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .resource(definition)
                        .create();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + crd, e);
            }
        }
        return new SimulatedCluster(server, client);
    }

    /**
     * The mock assigns uids from fabric8's process-wide counter ({@code Utils.generateId()}:
     * 00000000-0000-0000-0000-00000000001d, …), which starts at zero in every JVM. Start it at a random
     * point so that uids differ between runs of the standalone; if fabric8 changes, uids stay
     * sequential, which only matters with a persistent external database.
     */
    private static void seedUids() {
        try {
            Field counter = Utils.class.getDeclaredField("leastSigBits");
            counter.setAccessible(true);
            AtomicLong bits = (AtomicLong) counter.get(null);
            bits.compareAndSet(bits.get(), Math.max(bits.get(), new SecureRandom().nextLong() >>> 1));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Sequential uids still work within one run.
        }
    }

    /** The API server URL, as a kubeconfig's {@code server} or the harvester's master-url takes it. */
    public String masterUrl() {
        return "http://" + server.getHostName() + ":" + server.getPort();
    }

    /** A client for the simulator (it plays the controllers that write to the cluster). */
    public KubernetesClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
