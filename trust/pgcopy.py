"""Binary COPY between Postgres and numpy arrays, without a Python object per row.

The recompute moves millions of fixed-width rows each way. Parsing or building COPY BINARY
frames with numpy structured dtypes keeps that at memory-bandwidth speed and bounded memory
(rows are converted to compact native arrays block by block as they stream in).

Only fixed-width, NOT NULL columns are supported: cast and COALESCE in the SQL.
"""

from __future__ import annotations

import struct

import numpy as np

SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_HEADER = SIGNATURE + struct.pack(">ii", 0, 0)
_TRAILER = struct.pack(">h", -1)

# Postgres type name → (big-endian wire dtype, native dtype)
WIRE_TYPES = {
    "int8": (">i8", np.int64),
    "int4": (">i4", np.int32),
    "int2": (">i2", np.int16),
    "float8": (">f8", np.float64),
    "bool": ("u1", np.bool_),
    "date": (">i4", np.int32),  # days since 2000-01-01
}


def _row_dtype(fields):
    spec = [("_n", ">i2")]
    for name, pgtype in fields:
        spec.append((f"_l_{name}", ">i4"))
        spec.append((name, WIRE_TYPES[pgtype][0]))
    return np.dtype(spec)


def copy_out(cursor, sql, fields, params=None, block_bytes=32 << 20):
    """Run `COPY (sql) TO STDOUT (FORMAT BINARY)` and return {name: native numpy array}.

    `fields` is [(name, pgtype)] in the SELECT's column order; the SQL must cast each column to
    exactly that type and must not return NULLs.
    """
    dtype = _row_dtype(fields)
    width = dtype.itemsize
    parts = {name: [] for name, _ in fields}
    pending = []
    pending_len = 0
    header_done = False
    buf = b""

    def drain(final=False):
        nonlocal buf, header_done, pending, pending_len
        if pending:
            buf = buf + b"".join(pending)
            pending, pending_len = [], 0
        if not header_done:
            if len(buf) < 19:
                return
            if buf[:11] != SIGNATURE:
                raise ValueError("not a COPY BINARY stream")
            ext = struct.unpack(">i", buf[15:19])[0]
            buf = buf[19 + ext:]
            header_done = True
        n = len(buf) // width
        if n:
            rows = np.frombuffer(buf, dtype=dtype, count=n)
            if (rows["_n"] != len(fields)).any():
                raise ValueError("unexpected field count or NULL in COPY stream (cast and COALESCE in SQL)")
            for name, pgtype in fields:
                parts[name].append(rows[name].astype(WIRE_TYPES[pgtype][1]))
            buf = buf[n * width:]

    with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT BINARY)", params) as copy:
        for data in copy:
            pending.append(bytes(data))
            pending_len += len(data)
            if pending_len >= block_bytes:
                drain()
    drain(final=True)
    if buf not in (b"", _TRAILER):
        raise ValueError(f"trailing {len(buf)} bytes in COPY stream")
    out = {}
    for name, pgtype in fields:
        chunks = parts[name]
        out[name] = np.concatenate(chunks) if chunks else np.empty(0, dtype=WIRE_TYPES[pgtype][1])
    return out


def copy_in(cursor, table, fields, arrays, rows_per_block=500_000):
    """COPY numpy arrays into `table` (columns named as in `fields`) in BINARY format."""
    dtype = _row_dtype(fields)
    n = len(arrays[fields[0][0]])
    cols = ", ".join(name for name, _ in fields)
    with cursor.copy(f"COPY {table} ({cols}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(_HEADER)
        for lo in range(0, n, rows_per_block):
            hi = min(n, lo + rows_per_block)
            rows = np.empty(hi - lo, dtype=dtype)
            rows["_n"] = len(fields)
            for name, pgtype in fields:
                rows[f"_l_{name}"] = np.dtype(WIRE_TYPES[pgtype][0]).itemsize
                rows[name] = np.asarray(arrays[name][lo:hi])
            copy.write(rows.tobytes())
        copy.write(_TRAILER)
