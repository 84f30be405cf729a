/// What the engine reports about the node (system.local, DESCRIBE CLUSTER) and how much one request may return.
public struct CQLEngineConfiguration: Sendable, Hashable {
    /// system.local `cluster_name`. Default `"userstream"`.
    public var clusterName: String
    /// system.local `data_center`. Default `"datacenter1"`.
    public var dataCenter: String
    /// system.local `rack`. Default `"rack1"`.
    public var rack: String
    /// system.local `release_version`. Default `"4.1.5"`: 4 or later, so the python driver reads system_virtual_schema
    /// and cqlsh uses server-side DESCRIBE.
    public var releaseVersion: String
    /// system.local `cql_version` (cqlsh shows it as "CQL spec"). Default `"3.4.6"`.
    public var cqlVersion: String
    /// system.local `native_protocol_version`. Default `"4"`.
    public var nativeProtocolVersion: String
    /// system.local `listen_address` and `broadcast_address`. Default `"127.0.0.1"`.
    public var listenAddress: String
    /// system.local `rpc_address`: where clients connect. Default `"127.0.0.1"`.
    public var rpcAddress: String
    /// system.local `rpc_port`: the CQL port. Default 9042.
    public var rpcPort: Int32
    /// system.local `listen_port`/`broadcast_port` (gossip; nothing listens there). Default 7000.
    public var listenPort: Int32
    /// The largest page a request gets, whatever page size it asks for. Default 10,000.
    public var maxPageSize: Int
    /// The most rows an unpaged SELECT may return; beyond it the request fails with Invalid (use paging or LIMIT).
    /// Default 100,000.
    public var maxResultRows: Int
    /// Prepared statements kept; the oldest are evicted beyond it (clients re-prepare on Unprepared). Default 10,000.
    public var maxPreparedStatements: Int

    public init(
        clusterName: String = "userstream",
        dataCenter: String = "datacenter1",
        rack: String = "rack1",
        releaseVersion: String = "4.1.5",
        cqlVersion: String = "3.4.6",
        nativeProtocolVersion: String = "4",
        listenAddress: String = "127.0.0.1",
        rpcAddress: String = "127.0.0.1",
        rpcPort: Int32 = 9042,
        listenPort: Int32 = 7000,
        maxPageSize: Int = 10_000,
        maxResultRows: Int = 100_000,
        maxPreparedStatements: Int = 10_000
    ) {
        self.clusterName = clusterName
        self.dataCenter = dataCenter
        self.rack = rack
        self.releaseVersion = releaseVersion
        self.cqlVersion = cqlVersion
        self.nativeProtocolVersion = nativeProtocolVersion
        self.listenAddress = listenAddress
        self.rpcAddress = rpcAddress
        self.rpcPort = rpcPort
        self.listenPort = listenPort
        self.maxPageSize = maxPageSize
        self.maxResultRows = maxResultRows
        self.maxPreparedStatements = maxPreparedStatements
    }

    /// system.local `partitioner`.
    public static let partitioner = "org.apache.cassandra.dht.Murmur3Partitioner"
}
