"""The opening handshake: validation, rejections, subprotocols, extension offers."""

import pytest
from ws_helpers import upgrade_headers

from saltare_ws import Config, DeflateConfig, Rejection, UpgradeRequest, accept, accept_key, read_upgrade


def test_accept_key_matches_rfc_6455_example():
    assert accept_key(b"dGhlIHNhbXBsZSBub25jZQ==") == b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_valid_request_gives_the_101_head():
    request = read_upgrade(b"GET", upgrade_headers(origin=b"https://example.com"))
    assert request == UpgradeRequest(b"dGhlIHNhbXBsZSBub25jZQ==", [], [], b"https://example.com")
    acceptance = accept(request, extra_headers=[(b"x-app", b"1")])
    assert acceptance.head == (
        b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n"
        b"sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nx-app: 1\r\n\r\n"
    )
    assert acceptance.deflate is None


@pytest.mark.parametrize("connection, upgrade", [
    (b"keep-alive, Upgrade", b"websocket"),
    (b"UPGRADE", b"WebSocket"),
    (b"upgrade,keep-alive", b"h2c, websocket"),
])
def test_connection_and_upgrade_tokens_are_case_insensitive_lists(connection, upgrade):
    request = read_upgrade(b"GET", upgrade_headers(connection=connection, upgrade=upgrade))
    assert isinstance(request, UpgradeRequest)


def test_repeated_connection_headers_are_one_list():
    headers = upgrade_headers(connection=b"keep-alive") + [(b"connection", b"upgrade")]
    assert isinstance(read_upgrade(b"GET", headers), UpgradeRequest)


REJECTED = {
    "POST": (b"POST", {}, 400),
    "no Connection": (b"GET", {"connection": None}, 400),
    "Connection without upgrade": (b"GET", {"connection": b"keep-alive"}, 400),
    "no Upgrade": (b"GET", {"upgrade": None}, 400),
    "Upgrade h2c": (b"GET", {"upgrade": b"h2c"}, 400),
    "no version": (b"GET", {"sec_websocket_version": None}, 400),
    "version 8": (b"GET", {"sec_websocket_version": b"8"}, 426),
    "version 13, 8": (b"GET", {"sec_websocket_version": b"13, 8"}, 426),
    "no key": (b"GET", {"sec_websocket_key": None}, 400),
    "short key": (b"GET", {"sec_websocket_key": b"dGhlIHNhbXBsZQ=="}, 400),
    "key not base64": (b"GET", {"sec_websocket_key": b"dGhlIHNhbXBsZSBub25jZQ!="}, 400),
    "bad extension": (b"GET", {"sec_websocket_extensions": b"permessage-deflate; x=\"a b\""}, 400),
    "extension without name": (b"GET", {"sec_websocket_extensions": b"; server_no_context_takeover"}, 400),
}


@pytest.mark.parametrize("case", list(REJECTED), ids=list(REJECTED))
def test_invalid_request_is_rejected_with_a_precise_status(case):
    method, overrides, status = REJECTED[case]
    rejection = read_upgrade(method, upgrade_headers(**overrides))
    assert isinstance(rejection, Rejection)
    assert rejection.status == status
    if status == 426:
        assert rejection.headers == [(b"sec-websocket-version", b"13")]
        assert b"\r\nsec-websocket-version: 13\r\n" in rejection.response()
    assert rejection.response().startswith(b"HTTP/1.1 %d " % status)
    assert rejection.response().endswith(b"\r\n\r\n" + rejection.reason.encode())


def test_two_keys_are_rejected():
    headers = upgrade_headers() + [(b"sec-websocket-key", b"dGhlIHNhbXBsZSBub25jZQ==")]
    assert read_upgrade(b"GET", headers).status == 400


def test_the_application_chooses_a_subprotocol_from_the_clients_list():
    headers = upgrade_headers(sec_websocket_protocol=b"chat, superchat") + [(b"sec-websocket-protocol", b"v3")]
    request = read_upgrade(b"GET", headers)
    assert request.subprotocols == ["chat", "superchat", "v3"]
    acceptance = accept(request, subprotocol="superchat")
    assert b"\r\nsec-websocket-protocol: superchat\r\n" in acceptance.head
    assert acceptance.subprotocol == "superchat"
    with pytest.raises(ValueError):
        accept(request, subprotocol="other")


def test_extension_offers_are_parsed_with_quoted_values():
    value = b'permessage-deflate; client_max_window_bits; server_max_window_bits="10", x-foo, permessage-deflate'
    request = read_upgrade(b"GET", upgrade_headers(sec_websocket_extensions=value))
    assert request.extensions == [
        ("permessage-deflate", [("client_max_window_bits", None), ("server_max_window_bits", "10")]),
        ("x-foo", []),
        ("permessage-deflate", []),
    ]


def test_extra_headers_must_be_safe():
    request = read_upgrade(b"GET", upgrade_headers())
    with pytest.raises(ValueError):
        accept(request, extra_headers=[(b"x-a", b"1\r\nset-cookie: x")])
    with pytest.raises(ValueError):
        accept(request, extra_headers=[(b"bad name", b"1")])


def negotiated(offer: bytes, deflate: DeflateConfig = DeflateConfig()):
    request = read_upgrade(b"GET", upgrade_headers(sec_websocket_extensions=offer))
    acceptance = accept(request, config=Config(deflate=deflate))
    line = [line for line in acceptance.head.split(b"\r\n") if line.startswith(b"sec-websocket-extensions")]
    return (line[0].split(b": ", 1)[1] if line else None), acceptance.deflate


def test_deflate_is_declined_when_not_configured():
    request = read_upgrade(b"GET", upgrade_headers(sec_websocket_extensions=b"permessage-deflate"))
    assert accept(request).deflate is None
    assert b"extensions" not in accept(request).head


DEFLATE_CASES = {
    # offer -> (response, server_nct, client_nct, server bits, client bits)
    "bare": (b"permessage-deflate", b"permessage-deflate; server_max_window_bits=12", False, False, 12, 15),
    "server_no_context_takeover": (b"permessage-deflate; server_no_context_takeover",
                                   b"permessage-deflate; server_no_context_takeover; server_max_window_bits=12",
                                   True, False, 12, 15),
    "client_no_context_takeover": (b"permessage-deflate; client_no_context_takeover",
                                   b"permessage-deflate; client_no_context_takeover; server_max_window_bits=12",
                                   False, True, 12, 15),
    "server_max_window_bits=10": (b"permessage-deflate; server_max_window_bits=10",
                                  b"permessage-deflate; server_max_window_bits=10", False, False, 10, 15),
    "server_max_window_bits=15": (b"permessage-deflate; server_max_window_bits=15",
                                  b"permessage-deflate; server_max_window_bits=12", False, False, 12, 15),
    "client_max_window_bits": (b"permessage-deflate; client_max_window_bits",
                               b"permessage-deflate; server_max_window_bits=12", False, False, 12, 15),
    "client_max_window_bits=9": (b"permessage-deflate; client_max_window_bits=9",
                                 b"permessage-deflate; server_max_window_bits=12", False, False, 12, 9),
    "first offer invalid": (b"permessage-deflate; server_max_window_bits=16, permessage-deflate; "
                            b"client_no_context_takeover",
                            b"permessage-deflate; client_no_context_takeover; server_max_window_bits=12",
                            False, True, 12, 15),
    "server bits 8 declined": (b"permessage-deflate; server_max_window_bits=8", None),
    "unknown parameter": (b"permessage-deflate; foo=1", None),
    "duplicate parameter": (b"permessage-deflate; server_no_context_takeover; server_no_context_takeover", None),
    "value on a flag": (b"permessage-deflate; client_no_context_takeover=1", None),
    "server bits without value": (b"permessage-deflate; server_max_window_bits", None),
    "client bits 16": (b"permessage-deflate; client_max_window_bits=16", None),
    "other extension": (b"x-webkit-deflate-frame", None),
}


@pytest.mark.parametrize("case", list(DEFLATE_CASES), ids=list(DEFLATE_CASES))
def test_deflate_negotiation(case):
    offer, response, *agreed = DEFLATE_CASES[case]
    value, params = negotiated(offer)
    assert value == response
    if response is None:
        assert params is None
    else:
        assert (params.server_no_context_takeover, params.client_no_context_takeover,
                params.server_max_window_bits, params.client_max_window_bits) == tuple(agreed)


def test_server_side_deflate_settings_are_asked_for():
    config = DeflateConfig(server_max_window_bits=15, client_max_window_bits=10, client_no_context_takeover=True,
                           server_no_context_takeover=True)
    value, params = negotiated(b"permessage-deflate; client_max_window_bits", config)
    assert value == (b"permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                     b"client_max_window_bits=10")
    assert params.client_max_window_bits == 10
    # Without client_max_window_bits in the offer, the client cannot be asked to use less.
    value, params = negotiated(b"permessage-deflate", config)
    assert b"client_max_window_bits" not in value
    assert params.client_max_window_bits == 15
