"""Accept-Encoding negotiation (RFC 9110 §12.5.3): parse the field, pick the coding.

Weights are kept as integers in thousandths (q=0.5 -> 500): the grammar allows
at most three decimals, so the comparison is exact and needs no float.
"""

# The server's order of preference among the codings it can produce; the
# client's q-values decide first, this order breaks ties.
PREFERENCE = ("br", "zstd", "gzip")
IDENTITY = "identity"

# RFC 9110 §8.4.1.3: a recipient SHOULD treat x-gzip as gzip.
_ALIASES = {"x-gzip": "gzip"}
_OWS = " \t"
# tchar (RFC 9110 §5.6.2), lowercase only: names are lowered before the test.
_TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz"
_DIGITS = "0123456789"
_Q_ONE = 1000
# Values longer than this are negotiated but not cached: real clients send
# under 64 bytes, and a peer must not be able to park kilobytes in the cache.
MAX_CACHED_LENGTH = 128
_UNSEEN = object()


def parse_accept_encoding(value: bytes | str) -> dict[str, int]:
    """Map each listed coding (lowercased, `x-gzip` read as `gzip`) to its
    weight in thousandths (0..1000); `*` and `identity` are kept as listed.

    An element that does not match `codings [ weight ]` (not a token, a
    malformed q-value, another parameter) is ignored and the rest of the field
    still counts. A coding listed twice keeps its lowest weight, so a refusal
    (q=0) is never overridden by a repeat.
    """
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    weights: dict[str, int] = {}
    for element in value.lower().split(","):
        coding, has_weight, weight_text = element.partition(";")
        coding = coding.strip(_OWS)
        if not coding or coding.strip(_TCHARS):
            continue
        if has_weight:
            weight = _parse_weight(weight_text)
            if weight < 0:
                continue
        else:
            weight = _Q_ONE
        coding = _ALIASES.get(coding, coding)
        listed = weights.get(coding)
        if listed is None or weight < listed:
            weights[coding] = weight
    return weights


def _parse_weight(text: str) -> int:
    """`OWS "q=" qvalue OWS` (the `;` already consumed) -> thousandths, or -1
    when it does not match: qvalue = "0" ["." 0*3DIGIT] / "1" ["." 0*3"0"]."""
    text = text.strip(_OWS)
    if not text.startswith("q="):
        return -1
    whole, dot, fraction = text[2:].partition(".")
    if len(fraction) > 3 or fraction.strip(_DIGITS):
        return -1
    if whole == "0":
        return int(fraction.ljust(3, "0"))
    if whole == "1" and not fraction.strip("0"):
        return _Q_ONE
    return -1


class Negotiator:
    """Picks the response content coding for an Accept-Encoding value.

    `codings` are the ones this server can produce; they are ranked by the
    fixed preference br > zstd > gzip whatever order they are given in.
    `select()` answers from a small dict keyed by the raw field value; when it
    holds `cache_size` entries it is emptied (a miss costs one parse, and
    clearing keeps the code free of eviction bookkeeping). `cache_size=0`
    turns the cache off.
    """

    __slots__ = ("codings", "_cache", "_cache_size")

    def __init__(self, codings=PREFERENCE, cache_size: int = 256) -> None:
        unknown = set(codings) - set(PREFERENCE)
        if unknown:
            raise ValueError(f"unknown content codings {sorted(unknown)}; known: {', '.join(PREFERENCE)}")
        if cache_size < 0:
            raise ValueError("cache_size must be >= 0")
        self.codings = tuple(coding for coding in PREFERENCE if coding in codings)
        self._cache: dict = {}
        self._cache_size = cache_size

    def select(self, accept_encoding: bytes | str | None) -> str | None:
        """The coding to use: one of `codings`, `"identity"` (send as is), or
        None when the client refused every coding and identity too (the
        server may answer 406, or ignore the field and send identity).

        No Accept-Encoding field (None) gives identity: RFC 9110 allows any
        coding then, but a client that did not ask may not decode one.
        """
        if accept_encoding is None:
            return IDENTITY
        cache = self._cache
        choice = cache.get(accept_encoding, _UNSEEN)
        if choice is _UNSEEN:
            choice = self.choose(parse_accept_encoding(accept_encoding))
            if self._cache_size and len(accept_encoding) <= MAX_CACHED_LENGTH:
                if len(cache) >= self._cache_size:
                    cache.clear()
                cache[accept_encoding] = choice
        return choice

    def choose(self, weights: dict[str, int]) -> str | None:
        """`select()` on an already parsed field (see `parse_accept_encoding`)."""
        star = weights.get("*")
        best = None
        best_weight = 0
        for coding in self.codings:
            # `*` covers every coding not listed by name (RFC 9110 §12.5.3).
            weight = weights.get(coding, star)
            # Strictly greater: on equal weights the earlier (preferred) coding stays.
            if weight is not None and weight > best_weight:
                best = coding
                best_weight = weight
        identity_weight = weights.get(IDENTITY, star)
        if identity_weight is None:
            # identity not excluded: acceptable, but after any acceptable coding.
            return best or IDENTITY
        if best is not None and best_weight >= identity_weight:
            return best
        return IDENTITY if identity_weight > 0 else None
