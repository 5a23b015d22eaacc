#!/usr/bin/env python3
"""Writes the seed shards of corpus/shard/: two tiny but whole shards in the
format of libs/media/shard/shard_format.h (16x16 JPEG frames, a few PCM
samples), one with scene data, its source's stamp and its timeline version, each prefixed by the target's mode byte
(1: fix checksums up) and once as it is (0).

    python3 make_shard_seeds.py FRAME.jpg [FRAME.jpg ...]

The frames are JPEG files of 16x16 pixels (gst-launch-1.0 videotestsrc
num-buffers=1 ! video/x-raw,width=16,height=16 ! jpegenc ! filesink ...)."""
import struct
import sys
import zlib
from pathlib import Path


def shard(frames, title, show, snippets, scenes, source=None, timeline=None):
    body = b""
    for s in (title, show):
        body += struct.pack("<I", len(s)) + s.encode()
    body += struct.pack("<dIIIIII", 5.0, 2, 16, 16, 8000, 1, 80)
    out = b"AVSHARD1" + struct.pack("<I", len(body)) + body
    header_end = len(out)
    index = []
    for m in range(snippets):
        rec = b""
        for t in range(2):
            jpeg = frames[(m + t) % len(frames)]
            rec += struct.pack("<I", len(jpeg)) + jpeg
        samples = 4
        rec += struct.pack("<I", samples) + struct.pack("<%df" % samples, *[0.25 * m, -0.5, 0.125, 0.0])
        index.append((len(out), len(rec), zlib.crc32(rec)))
        out += rec
    ix = struct.pack("<I", len(index)) + b"".join(struct.pack("<QQI", *e) for e in index)
    if scenes:
        ix += b"SCNE" + struct.pack("<I", len(scenes)) + b"".join(struct.pack("<I", s) for s in scenes)
    if source:
        ix += b"SRCE" + struct.pack("<Qq", *source)
    if timeline is not None:
        ix += b"TIME" + struct.pack("<I", timeline)
    index_offset = len(out)
    out += ix
    out += struct.pack("<QII", index_offset, zlib.crc32(ix), zlib.crc32(out[:header_end])) + b"AVSHEND1"
    return out


def main():
    frames = [Path(p).read_bytes() for p in sys.argv[1:]]
    corpus = Path(__file__).resolve().parent / "corpus" / "shard"
    corpus.mkdir(parents=True, exist_ok=True)
    seeds = {
        "seed-movie": shard(frames, "heat", "", 3, []),
        "seed-episode-scenes": shard(frames, "s01e01", "friends", 4, [2, 3], (1234567, 1796450000123456789), 1),
    }
    for name, data in seeds.items():
        (corpus / (name + "-fixed")).write_bytes(b"\x01" + data)
        (corpus / (name + "-as-is")).write_bytes(b"\x00" + data)


if __name__ == "__main__":
    main()
