"""The connection's state machine and what it sends."""

import pytest
from ws_helpers import client_frame, close_payload

from saltare_ws import CloseConnection, InvalidState, State, TextMessage
from saltare_ws._connection import TRANSITIONS


def test_send_frames_text_and_binary_in_every_length_form(backend):
    conn = backend.ServerConnection()
    assert conn.send("hé") == b"\x81\x03h\xc3\xa9"
    assert conn.send(b"\x00" * 126) == b"\x82\x7e\x00\x7e" + b"\x00" * 126
    assert conn.send(bytearray(65536))[:10] == b"\x82\x7f" + (65536).to_bytes(8, "big")
    assert conn.ping(b"x") == b"\x89\x01x"
    assert conn.pong() == b"\x8a\x00"


def test_server_initiated_close_waits_for_the_peer(backend):
    conn = backend.ServerConnection()
    assert conn.close(1001, "bye") == b"\x88\x05\x03\xe9bye"
    assert conn.state is State.CLOSING
    with pytest.raises(InvalidState):
        conn.send("late")
    with pytest.raises(InvalidState):
        conn.close()
    # Messages still in flight are delivered; the peer's close gets no echo.
    events = conn.receive_data(client_frame(1, b"in flight") + client_frame(9) + client_frame(8, close_payload(1001)))
    assert events[0] == TextMessage("in flight") and events[-1] == CloseConnection(1001, "")
    assert conn.data_to_send() == b""
    assert conn.state is State.CLOSED


def test_peer_close_is_echoed_and_sending_is_refused(backend):
    conn = backend.ServerConnection()
    conn.receive_data(client_frame(8, close_payload(4000, b"done")))
    assert conn.data_to_send() == b"\x88\x02\x0f\xa0"
    for send in (lambda: conn.send(b"x"), conn.ping, conn.pong, conn.close):
        with pytest.raises(InvalidState):
            send()


def test_end_of_stream_without_close_is_1006(backend):
    conn = backend.ServerConnection()
    assert conn.receive_data(client_frame(1, b"half", fin=False)) == []
    assert conn.receive_data(None) == [CloseConnection(1006, "")]
    assert conn.state is State.CLOSED
    assert conn.receive_data(None) == []


@pytest.mark.parametrize("code, reason", [(1005, ""), (1006, ""), (1015, ""), (999, ""), (5000, ""),
                                          (None, "reason without code"), (1000, "x" * 124)])
def test_close_refuses_what_may_not_be_sent(backend, code, reason):
    with pytest.raises(ValueError):
        backend.ServerConnection().close(code, reason)


def test_close_without_code_and_at_the_size_limit(backend):
    assert backend.ServerConnection().close(None) == b"\x88\x00"
    assert len(backend.ServerConnection().close(3000, "é" * 61 + "x")) == 2 + 125


def test_control_payloads_over_125_are_refused(backend):
    with pytest.raises(ValueError):
        backend.ServerConnection().ping(b"x" * 126)
    with pytest.raises(ValueError):
        backend.ServerConnection().pong(b"x" * 126)


def test_every_transition_ends_in_a_known_state():
    assert {state for state, _ in TRANSITIONS} | set(TRANSITIONS.values()) == set(State)
    assert not [key for key in TRANSITIONS if key[0] is State.CLOSED]  # closed is final
