"""A minimal reader of D. J. Bernstein's cdb format, so the tests can
check files written by mailsuite's tools independently of libowfat."""
import struct


def _hash(key):
    h = 5381
    for b in key:
        h = ((h << 5) + h) & 0xFFFFFFFF
        h ^= b
    return h


def lookup(path, key):
    """All data stored for key (bytes), in insertion order."""
    with open(path, "rb") as f:
        data = f.read()
    h = _hash(key)
    pos, slots = struct.unpack_from("<II", data, (h & 255) * 8)
    found = []
    if slots == 0:
        return found
    slot = (h >> 8) % slots
    for _ in range(slots):
        hh, rec = struct.unpack_from("<II", data, pos + slot * 8)
        if rec == 0:
            break
        if hh == h:
            klen, dlen = struct.unpack_from("<II", data, rec)
            if data[rec + 8:rec + 8 + klen] == key:
                found.append(data[rec + 8 + klen:rec + 8 + klen + dlen])
        slot = (slot + 1) % slots
    return found


def keys(path):
    """Every key, in file order."""
    with open(path, "rb") as f:
        data = f.read()
    end = min(struct.unpack_from("<I", data, i * 8)[0] for i in range(256))
    out, pos = [], 2048
    while pos < end:
        klen, dlen = struct.unpack_from("<II", data, pos)
        out.append(data[pos + 8:pos + 8 + klen])
        pos += 8 + klen + dlen
    return out
