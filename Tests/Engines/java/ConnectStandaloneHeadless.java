import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.connector.policy.ConnectorClientConfigOverridePolicy;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.runtime.isolation.Plugins;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;

/**
 * A Kafka Connect standalone worker without its REST server: the plugins, a Worker with the file offset store and a
 * StandaloneHerder, as ConnectStandalone builds them, then every connector of the given files. Runs until SIGTERM,
 * then stops the herder (which commits the source offsets) and exits 0.
 *
 * Usage: java ConnectStandaloneHeadless worker.properties connector.properties...
 */
public final class ConnectStandaloneHeadless {
    /** ConnectStandalone's own herder construction (plugins, a Worker with the file offset store, the herder). */
    private static final class Herders extends ConnectStandalone {
        StandaloneHerder make(StandaloneConfig config, Plugins plugins, ConnectorClientConfigOverridePolicy policy) {
            // It uses neither the REST server nor its client.
            return createHerder(config, "headless:0", plugins, policy, null, null);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ConnectStandaloneHeadless worker.properties connector.properties...");
            System.exit(2);
        }
        Map<String, String> workerProps = Utils.propsToStringMap(Utils.loadProps(args[0]));
        Plugins plugins = new Plugins(workerProps);
        plugins.compareAndSwapWithDelegatingLoader();
        StandaloneConfig config = new StandaloneConfig(workerProps);
        ConnectorClientConfigOverridePolicy policy = plugins.newPlugin(
            config.getString(WorkerConfig.CONNECTOR_CLIENT_POLICY_CLASS_CONFIG), config,
            ConnectorClientConfigOverridePolicy.class);
        StandaloneHerder herder = new Herders().make(config, plugins, policy);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            herder.stop();
            stopped.countDown();
        }));
        herder.start();
        for (int i = 1; i < args.length; i++) {
            Map<String, String> connector = Utils.propsToStringMap(Utils.loadProps(args[i]));
            String name = connector.get("name");
            FutureCallback<Herder.Created<ConnectorInfo>> created = new FutureCallback<>();
            herder.putConnectorConfig(name, connector, true, created);
            created.get(60, TimeUnit.SECONDS);
            System.out.println("connector started: " + name);
        }
        System.out.println("worker started");
        stopped.await();
    }
}
