#!/usr/bin/env python3
"""Regenerates the compression fixtures of KafkaCompressionTests with implementations other than ours.

Made once with Python 3 and, from PyPI: lz4 4.4.5, zstandard 0.25.0, python-snappy, cramjam 2.14.0,
kafka-python 3.0.12:

    python3 -m venv /tmp/venv-c
    /tmp/venv-c/bin/pip install lz4 zstandard python-snappy cramjam kafka-python
    /tmp/venv-c/bin/python generate.py   # in this directory

Every *.bin here but the batch-*.bin ones decompresses to text.txt. The batch-*.bin files are whole Kafka v2
record batches built by kafka-python's DefaultRecordBatchBuilder (its own gzip/xerial-snappy/lz4/zstd encoders and
CRC-32C), holding the records listed at the end of this file.
"""
import gzip
import struct

import cramjam
import lz4.frame
import zstandard

TEXT = "".join(
    f"user {i:03d}: {{\"id\": {i}, \"name\": \"User {i}\", \"email\": \"user{i}@example.com\"}}\n"
    for i in range(40)
).encode()


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


write("text.txt", TEXT)
# gzip: Python's gzip module (zlib), fixed mtime so the bytes are reproducible.
write("gzip.bin", gzip.compress(TEXT, compresslevel=9, mtime=0))
# snappy, raw: one raw snappy block from cramjam (the Rust snap crate, not libsnappy).
write("snappy-raw.bin", bytes(cramjam.snappy.compress_raw(TEXT)))
# snappy, xerial framing as snappy-java writes it: magic, version 1, compatible 1, then [int32 BE length][raw block].
# Blocks of 1000 bytes of input (snappy-java uses 32 KiB) so that the fixture has several.
xerial = b"\x82SNAPPY\x00" + struct.pack(">ii", 1, 1)
for start in range(0, len(TEXT), 1000):
    block = bytes(cramjam.snappy.compress_raw(TEXT[start:start + 1000]))
    xerial += struct.pack(">i", len(block)) + block
write("snappy-xerial.bin", xerial)
# lz4 frame: linked 64 KiB blocks, content size and content checksum (python-lz4, liblz4).
write("lz4-frame.bin", lz4.frame.compress(
    TEXT, block_size=lz4.frame.BLOCKSIZE_MAX64KB, block_linked=True, content_checksum=True, store_size=True))
# lz4 frame with block checksums, no content size.
write("lz4-frame-blockchecksum.bin", lz4.frame.compress(
    TEXT, block_linked=False, block_checksum=True, store_size=False))
# zstd, streamed: no content size in the frame header, with a checksum (python-zstandard).
compressor = zstandard.ZstdCompressor(level=5, write_content_size=False, write_checksum=True)
stream = compressor.compressobj()
write("zstd-streamed.bin", stream.compress(TEXT) + stream.flush())

# Whole record batches from kafka-python.
from kafka.record.default_records import DefaultRecordBatchBuilder

for name, codec in [("gzip", 1), ("snappy", 2), ("lz4", 3), ("zstd", 4)]:
    builder = DefaultRecordBatchBuilder(
        magic=2, compression_type=codec, is_transactional=False,
        producer_id=-1, producer_epoch=-1, base_sequence=-1, batch_size=1 << 20)
    for i in range(5):
        builder.append(
            offset=i, timestamp=1_700_000_000_000 + i,
            key=f"key-{i}".encode(),
            value=(f"value {i} " * 20).encode(),
            headers=[("source", b"kafka-python"), ("n", str(i).encode())])
    write(f"batch-{name}.bin", bytes(builder.build()))
