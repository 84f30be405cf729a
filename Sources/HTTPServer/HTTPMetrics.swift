import Metrics
import Prometheus

/// The process's Prometheus registry, installed as swift-metrics' backend the first time it is used (once per
/// process: `MetricsSystem.bootstrap` may only run once).
public enum HTTPMetrics {
    /// The registry `/metrics` emits. Reading it bootstraps swift-metrics with it.
    public static var registry: PrometheusCollectorRegistry { bootstrapped }

    private static let bootstrapped: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Batch commits take milliseconds to seconds.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
            .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Installs the Prometheus backend if not yet done; call before the pipeline records anything.
    public static func bootstrap() {
        _ = bootstrapped
    }
}
