"""The small DER reader against cryptography (the oracle), and SNI name matching."""

import datetime
import ssl

import pytest
import trustme
from cryptography import x509

from saltare_tls import _der, _names


@pytest.mark.parametrize("kwargs", [
    {},
    {"common_name": "plain"},
    {"common_name": "needs, escaping+ \"quotes\" #", "organization_name": "Ünïcode Org"},
    {"organization_unit_name": " leading and trailing "},
])
def test_subject_and_not_after_match_cryptography(kwargs):
    leaf = trustme.CA().issue_cert("example.com", **kwargs)
    oracle = x509.load_pem_x509_certificate(leaf.cert_chain_pems[0].bytes())
    der = ssl.PEM_cert_to_DER_cert(leaf.cert_chain_pems[0].bytes().decode())
    assert _der.subject(der) == oracle.subject.rfc4514_string()
    assert _der.not_after(der) == int(oracle.not_valid_after_utc.timestamp())


def test_generalized_time_after_2049():
    far = datetime.datetime(2051, 3, 4, 5, 6, 7, tzinfo=datetime.timezone.utc)
    leaf = trustme.CA().issue_cert("example.com", not_after=far)
    der = ssl.PEM_cert_to_DER_cert(leaf.cert_chain_pems[0].bytes().decode())
    assert _der.not_after(der) == int(far.timestamp())


@pytest.mark.parametrize(("pattern", "host", "matches"), [
    ("example.com", "EXAMPLE.com", True),
    ("example.com", "example.com.", True),
    ("*.example.com", "a.example.com", True),
    ("*.example.com", "example.com", False),
    ("*.example.com", "a.b.example.com", False),
    ("*.example.com", ".example.com", False),
    ("*", "anything", False),
    ("", "example.com", False),
])
def test_name_matches(pattern, host, matches):
    assert _names.name_matches(pattern, host) is matches


def test_pick_prefers_exact_names_over_wildcards():
    names = [(), ("*.example.com",), ("api.example.com",)]
    assert _names.pick(names, "api.example.com") == 2
    assert _names.pick(names, "www.example.com") == 1
    assert _names.pick(names, "example.org") == -1
