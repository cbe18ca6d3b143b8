"""Just enough DER to read a certificate's notAfter and subject (no ssl import).

Both backends report the peer certificate as (subject, DER) with the subject
as an RFC 4514 string (what the ASGI `tls` extension's client_cert_name holds),
so both compute it here from the same bytes.
"""

_SEQUENCE, _SET, _EXPLICIT_0 = 0x30, 0x31, 0xA0
_UTC_TIME, _GENERALIZED_TIME = 0x17, 0x18

# RFC 4514 section 3 names, keyed by the OID's DER content bytes.
_ATTRIBUTE_NAMES = {
    bytes.fromhex("550403"): "CN",
    bytes.fromhex("550406"): "C",
    bytes.fromhex("550407"): "L",
    bytes.fromhex("550408"): "ST",
    bytes.fromhex("550409"): "STREET",
    bytes.fromhex("55040a"): "O",
    bytes.fromhex("55040b"): "OU",
    bytes.fromhex("0992268993f22c640119"): "DC",
    bytes.fromhex("0992268993f22c640101"): "UID",
}
_STRING_CODECS = {0x0C: "utf-8", 0x13: "ascii", 0x16: "ascii", 0x14: "latin-1",
                  0x1E: "utf-16-be", 0x1C: "utf-32-be"}


def _tlv(der: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, content start, content end) of the element at pos."""
    tag, length = der[pos], der[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4:
            raise ValueError("unsupported DER length")
        length = int.from_bytes(der[pos : pos + count], "big")
        pos += count
    if pos + length > len(der):
        raise ValueError("truncated DER")
    return tag, pos, pos + length


def _children(der: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    out = []
    while start < end:
        element = _tlv(der, start)
        out.append(element)
        start = element[2]
    return out


def _tbs_fields(der: bytes) -> list[tuple[int, int, int]]:
    """serial, signature, issuer, validity, subject, ... of the TBSCertificate."""
    _, start, end = _tlv(der, 0)
    _, start, end = _tlv(der, start)
    fields = _children(der, start, end)
    return fields[1:] if fields[0][0] == _EXPLICIT_0 else fields


def not_after(der: bytes) -> int:
    """The certificate's notAfter as a Unix timestamp."""
    import calendar  # only when certificates are checked: off the import path
    _, start, end = _tbs_fields(der)[3]
    tag, start, end = _children(der, start, end)[1]
    text = der[start:end].decode("ascii").rstrip("Z")
    if tag == _UTC_TIME:  # YYMMDDHHMMSS, years 1950-2049 (RFC 5280 4.1.2.5.1)
        year = int(text[:2])
        text = str(1900 + year if year >= 50 else 2000 + year) + text[2:]
    elif tag != _GENERALIZED_TIME:
        raise ValueError("bad validity time")
    parts = [int(text[i : i + 2]) for i in range(4, 14, 2)]
    return calendar.timegm((int(text[:4]), *parts, 0, 0, 0))


def _oid_text(raw: bytes) -> str:
    first, numbers, value = raw[0], [], 0
    numbers += [min(first // 40, 2), first - 40 * min(first // 40, 2)]
    for byte in raw[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            numbers.append(value)
            value = 0
    return ".".join(map(str, numbers))


def _escape(value: str) -> str:
    out = "".join("\\" + ch if ch in ',+"\\<>;=' else ch for ch in value)
    if out.startswith(("#", " ")):
        out = "\\" + out
    return out[:-1] + "\\ " if out.endswith(" ") else out


def _attribute(der: bytes, start: int, end: int) -> str:
    (_, oid_start, oid_end), (tag, v_start, v_end) = _children(der, start, end)[:2]
    oid = der[oid_start:oid_end]
    name = _ATTRIBUTE_NAMES.get(oid)
    if name is None or tag not in _STRING_CODECS:
        element_start = v_start - (2 if v_end - v_start < 0x80 else 3)
        return f"{_oid_text(oid)}=#{der[element_start:v_end].hex()}"
    return f"{name}={_escape(der[v_start:v_end].decode(_STRING_CODECS[tag]))}"


def subject(der: bytes) -> str:
    """The subject as an RFC 4514 string (last RDN first)."""
    _, start, end = _tbs_fields(der)[4]
    rdns = []
    for _, set_start, set_end in _children(der, start, end):
        rdns.append("+".join(_attribute(der, s, e) for _, s, e in _children(der, set_start, set_end)))
    return ",".join(reversed(rdns))
