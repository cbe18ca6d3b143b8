"""SNI host name matching: the Python twin of _c/names.c."""


def name_matches(pattern: str, host: str) -> bool:
    """Exact (case-insensitive) or "*.suffix" matching exactly one more label."""
    pattern, host = pattern.lower(), host.lower().removesuffix(".")
    if not pattern or not host:
        return False
    if pattern.startswith("*."):
        suffix = pattern[1:]
        label = host[: -len(suffix)] if len(host) > len(suffix) else ""
        return bool(label) and host.endswith(suffix) and "." not in label
    return pattern == host


def pick(names: list[tuple[str, ...]], host: str) -> int:
    """Index of the certificate for host: exact names win over wildcards; -1 if none."""
    for wildcards in (False, True):
        for index, patterns in enumerate(names):
            for pattern in patterns:
                if pattern.startswith("*") == wildcards and name_matches(pattern, host):
                    return index
    return -1
