"""HPACK header-block decoding (RFC 7541) with the decompression-bomb bound.

The `hpack` package keeps the tables; this decoder walks the block itself so
that Huffman strings go through the selected backend (C or `hpack`'s) and the
decoded size is checked as it grows, before anything is kept.
"""

from hpack.exceptions import InvalidTableIndex
from hpack.table import HeaderTable

from .errors import HPACKError

_ENTRY_OVERHEAD = 32  # RFC 7541 §4.1: per-field overhead of a header list size


class Decoder:
    """One per connection (the dynamic table is connection state)."""

    __slots__ = ("_table", "_huffman_decode", "max_allowed_table_size")

    def __init__(self, huffman_decode, max_allowed_table_size: int = 4096) -> None:
        self._table = HeaderTable()
        self._huffman_decode = huffman_decode
        self.max_allowed_table_size = max_allowed_table_size
        """Our SETTINGS_HEADER_TABLE_SIZE once acknowledged."""

    def decode(self, block: bytes, max_list_size: int) -> tuple[list[tuple[bytes, bytes]], bool]:
        """(fields, too_large). Once the decoded list outgrows max_list_size,
        fields stop being kept but the block is still walked to the end, since
        the dynamic table must stay in step with the peer's encoder; too_large
        then is True. Raises HPACKError (a COMPRESSION_ERROR)."""
        table = self._table
        fields: list[tuple[bytes, bytes]] = []
        size = 0
        too_large = False
        pos = 0
        end = len(block)
        any_field = False
        try:
            while pos < end:
                first = block[pos]
                if first & 0x80:  # indexed field (§6.1)
                    index, pos = _integer(block, pos, 7)
                    if index == 0:
                        raise HPACKError("index 0")
                    name, value = table.get_by_index(index)
                elif first & 0x40:  # literal with incremental indexing (§6.2.1)
                    name, value, pos = self._literal(block, pos, 6)
                    table.add(name, value)
                elif first & 0x20:  # dynamic table size update (§6.3)
                    if any_field:
                        raise HPACKError("table size update after a field")
                    new_size, pos = _integer(block, pos, 5)
                    if new_size > self.max_allowed_table_size:
                        raise HPACKError("table size update over the allowed size")
                    table.maxsize = new_size
                    continue
                else:  # literal without indexing / never indexed (§6.2.2, §6.2.3)
                    name, value, pos = self._literal(block, pos, 4)
                any_field = True
                size += len(name) + len(value) + _ENTRY_OVERHEAD
                if size > max_list_size:
                    too_large = True
                if not too_large:
                    fields.append((name, value))
        except InvalidTableIndex:
            raise HPACKError("index out of the table") from None
        if table.maxsize > self.max_allowed_table_size:
            raise HPACKError("dynamic table larger than allowed")
        return fields, too_large

    def _literal(self, block: bytes, pos: int, prefix_bits: int) -> tuple[bytes, bytes, int]:
        index, pos = _integer(block, pos, prefix_bits)
        if index:
            name = self._table.get_by_index(index)[0]
        else:
            name, pos = self._string(block, pos)
        value, pos = self._string(block, pos)
        return name, value, pos

    def _string(self, block: bytes, pos: int) -> tuple[bytes, int]:
        if pos >= len(block):
            raise HPACKError("truncated string")
        huffman = block[pos] & 0x80
        length, pos = _integer(block, pos, 7)
        end = pos + length
        if end > len(block):
            raise HPACKError("string past the end of the block")
        raw = block[pos:end]
        return (self._huffman_decode(raw) if huffman else raw), end


def _integer(block: bytes, pos: int, prefix_bits: int) -> tuple[int, int]:
    """RFC 7541 §5.1. Values are bounded to 2^28 (no real length or index is
    larger), so a run of continuation bytes cannot build a huge int."""
    mask = (1 << prefix_bits) - 1
    value = block[pos] & mask
    pos += 1
    if value < mask:
        return value, pos
    shift = 0
    while True:
        if pos >= len(block):
            raise HPACKError("truncated integer")
        byte = block[pos]
        pos += 1
        value += (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
        if shift > 21:
            raise HPACKError("integer too large")
