from saltare_ws import Keepalive


def test_ping_is_due_after_interval_of_silence_and_peer_dead_after_timeout():
    keepalive = Keepalive(interval=10, timeout=5, now=100)
    assert not keepalive.ping_due(109.9)
    assert keepalive.next_check() == 110
    assert keepalive.ping_due(110)
    keepalive.ping_sent(110)
    assert not keepalive.ping_due(111)
    assert keepalive.next_check() == 115
    assert not keepalive.peer_dead(114.9)
    assert keepalive.peer_dead(115)


def test_any_received_data_clears_the_outstanding_ping():
    keepalive = Keepalive(interval=10, timeout=5, now=0)
    keepalive.ping_sent(10)
    keepalive.received(12)
    assert not keepalive.peer_dead(20)
    assert keepalive.next_check() == 22
    assert keepalive.ping_due(22)
