"""Every setting and bound of a connection, with its default."""

from typing import NamedTuple


class H2Config(NamedTuple):
    """Our SETTINGS and the flood limits, enforced while parsing.

    The flood limits are time-free (sans-IO has no clock): PINGs, SETTINGS
    and empty frames are counted in a row, and the count starts over at every
    frame that advances a request (a new request, body bytes), so a
    well-behaved client never reaches them. Rapid resets are counted less the
    responses completed. Over a limit: GOAWAY ENHANCE_YOUR_CALM.
    """

    max_concurrent_streams: int = 100
    """SETTINGS_MAX_CONCURRENT_STREAMS; a stream over it is refused (REFUSED_STREAM)."""
    initial_window_size: int = 65535
    """SETTINGS_INITIAL_WINDOW_SIZE: request body bytes a stream may have
    unacknowledged (see `acknowledge_received_data`)."""
    connection_window_size: int = 1 << 20
    """Unacknowledged request body bytes over all streams (raised from the
    protocol's 65535 by a WINDOW_UPDATE at start): the memory bound of
    inbound bodies per connection."""
    max_frame_size: int = 16384
    """SETTINGS_MAX_FRAME_SIZE: the largest frame we accept (16384..16777215)."""
    max_header_list_size: int = 65536
    """SETTINGS_MAX_HEADER_LIST_SIZE, decoded (RFC 7541 sizes: name + value + 32
    per field); a request over it is answered 431 without reaching the app."""
    header_table_size: int = 4096
    """SETTINGS_HEADER_TABLE_SIZE: the peer's HPACK dynamic table bound."""
    max_header_block_bytes: int = 65536
    """Encoded bytes of one HEADERS + CONTINUATION block; over it: GOAWAY
    ENHANCE_YOUR_CALM (the block cannot be skipped without decoding it)."""
    max_continuation_frames: int = 32
    """CONTINUATION frames in one header block (the 2024 CONTINUATION flood)."""
    max_rapid_resets: int = 200
    """Streams the peer reset before their response was complete, less the
    streams that completed (CVE-2023-44487, rapid reset)."""
    max_pings: int = 100
    """PING frames in a row (CVE-2019-9512, ping flood)."""
    max_settings: int = 100
    """SETTINGS frames in a row (CVE-2019-9515, settings flood)."""
    max_empty_frames: int = 100
    """Frames in a row that carry nothing: DATA without payload nor
    END_STREAM, empty CONTINUATION, PRIORITY (CVE-2019-9518)."""
    max_queued_control_frames: int = 1000
    """Control frames we owe the peer (PING and SETTINGS ACKs, RST_STREAM)
    still in our output because `data_to_send()` was not called: a peer that
    floods without reading (CVE-2019-9512/9514/9515). Checked after each
    `receive_data`, so the output may hold one read's worth more."""


DEFAULT_CONFIG = H2Config()
