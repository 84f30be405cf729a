import NIOCore

extension ByteBuffer {
    /// The total size (`batchLength` + 12) of the record batch at the reader index, once its first 12 bytes are
    /// readable; `nil` before. Nothing is validated beyond the length being plausible.
    ///
    /// - Throws: ``KafkaWireError/Code-swift.struct/invalidRecord`` when `batchLength` is smaller than a batch header,
    ///   ``KafkaWireError/Code-swift.struct/tooLarge`` when the batch exceeds `maximumBatchSize`.
    public func peekKafkaRecordBatchSize(
        maximumBatchSize: Int = KafkaRecordBatch.defaultMaximumSize
    ) throws(KafkaWireError) -> Int? {
        let start = self.readerIndex
        guard self.readableBytes >= KafkaRecordBatch.Layout.logOverhead,
            let batchLength = self.getInteger(at: start + KafkaRecordBatch.Layout.batchLength, as: Int32.self)
        else { return nil }
        let minimum = KafkaRecordBatch.Layout.headerSize - KafkaRecordBatch.Layout.logOverhead
        guard batchLength >= minimum else {
            throw KafkaWireError(
                .invalidRecord,
                "batchLength \(batchLength) is smaller than a batch header (\(minimum))",
                bytes: self
            )
        }
        let total = Int(batchLength) + KafkaRecordBatch.Layout.logOverhead
        guard total <= maximumBatchSize else {
            throw KafkaWireError(
                .tooLarge,
                "record batch of \(total) bytes exceeds the maximum of \(maximumBatchSize)",
                bytes: self
            )
        }
        return total
    }

    /// Reads one whole record batch (magic v2) and verifies its CRC-32C (unless `verifyingCRC` is false, for data
    /// verified before, e.g. when walking a log segment written by this process). Records are not parsed; call
    /// ``KafkaRecordBatch/records()``.
    ///
    /// Returns `nil` without consuming anything while the batch is incomplete. The size is checked against
    /// `maximumBatchSize` as soon as the 12-byte prefix is readable, before waiting for or allocating anything.
    ///
    /// - Throws: ``KafkaWireError`` `.tooLarge`, `.invalidRecord` (impossible header), `.unsupportedMagic` (magic
    ///   other than 2), `.corruptMessage` (CRC mismatch). Nothing is consumed when it throws.
    public mutating func readKafkaRecordBatch(
        maximumBatchSize: Int = KafkaRecordBatch.defaultMaximumSize,
        verifyingCRC: Bool = true
    ) throws(KafkaWireError) -> KafkaRecordBatch? {
        typealias Layout = KafkaRecordBatch.Layout
        guard let total = try self.peekKafkaRecordBatchSize(maximumBatchSize: maximumBatchSize) else { return nil }
        let start = self.readerIndex
        guard let magic = self.getInteger(at: start + Layout.magic, as: Int8.self) else { return nil }
        guard magic == KafkaRecordBatch.currentMagic else {
            throw KafkaWireError(.unsupportedMagic, "record batch magic \(magic), expected 2", bytes: self)
        }
        guard self.readableBytes >= total else { return nil }

        let storedCRC = self.getInteger(at: start + Layout.crc, as: UInt32.self)!
        if verifyingCRC {
            try self.verifyKafkaRecordBatchCRC(storedCRC, total: total)
        }
        let recordsCount = self.getInteger(at: start + Layout.recordsCount, as: Int32.self)!
        guard recordsCount >= 0 else {
            throw KafkaWireError(.invalidRecord, "recordsCount \(recordsCount) is negative", bytes: self)
        }
        let batch = KafkaRecordBatch(
            baseOffset: self.getInteger(at: start + Layout.baseOffset, as: Int64.self)!,
            batchLength: Int32(total - Layout.logOverhead),
            partitionLeaderEpoch: self.getInteger(at: start + Layout.partitionLeaderEpoch, as: Int32.self)!,
            magic: magic,
            crc: storedCRC,
            attributes: .init(rawValue: self.getInteger(at: start + Layout.attributes, as: Int16.self)!),
            lastOffsetDelta: self.getInteger(at: start + Layout.lastOffsetDelta, as: Int32.self)!,
            baseTimestamp: self.getInteger(at: start + Layout.baseTimestamp, as: Int64.self)!,
            maxTimestamp: self.getInteger(at: start + Layout.maxTimestamp, as: Int64.self)!,
            producerId: self.getInteger(at: start + Layout.producerId, as: Int64.self)!,
            producerEpoch: self.getInteger(at: start + Layout.producerEpoch, as: Int16.self)!,
            baseSequence: self.getInteger(at: start + Layout.baseSequence, as: Int32.self)!,
            recordsCount: recordsCount,
            recordsData: self.getSlice(at: start + Layout.records, length: total - Layout.records)!
        )
        self.moveReaderIndex(forwardBy: total)
        return batch
    }

    private func verifyKafkaRecordBatchCRC(_ storedCRC: UInt32, total: Int) throws(KafkaWireError) {
        let computedCRC = self.withUnsafeReadableBytes { pointer in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: pointer[KafkaRecordBatch.Layout.attributes..<total]))
        }
        guard storedCRC == computedCRC else {
            let baseOffset = self.getInteger(at: self.readerIndex, as: Int64.self)!
            throw KafkaWireError(
                .corruptMessage,
                "record batch at offset \(baseOffset): CRC-32C is 0x\(String(computedCRC, radix: 16)), "
                    + "stored 0x\(String(storedCRC, radix: 16))",
                bytes: self
            )
        }
    }

    /// Rewrites the `baseOffset` of the batch starting at `index`. The CRC does not cover `baseOffset`, so the batch
    /// stays valid: this is how a broker assigns offsets to batches as sent by a producer.
    public mutating func setKafkaRecordBatchBaseOffset(_ baseOffset: Int64, at index: Int) {
        self.setInteger(baseOffset, at: index + KafkaRecordBatch.Layout.baseOffset)
    }
}
