"""Print the TRANSITIONS table of src/saltare_ws/_c/utf8.c from the UTF-8 rules
(RFC 3629 §4); tests/test_utf8_table.py checks that the two agree."""

STATES = ["ACCEPT", "REJECT", "C1", "C2", "C3", "E0", "ED", "F0", "F4"]
OFFSET = {name: 6 * i for i, name in enumerate(STATES)}
NARROW = {"E0": (0xA0, 0xBF), "ED": (0x80, 0x9F), "F0": (0x90, 0xBF), "F4": (0x80, 0x8F)}
AFTER_CONTINUATION = {"C1": "ACCEPT", "C2": "C1", "C3": "C2", "E0": "C1", "ED": "C1", "F0": "C2", "F4": "C2"}


def next_state(state: str, byte: int) -> str:
    if state == "REJECT":
        return "REJECT"
    if state == "ACCEPT":
        if byte < 0x80:
            return "ACCEPT"
        if 0xC2 <= byte <= 0xDF:
            return "C1"
        if byte in (0xE0, 0xED, 0xF0, 0xF4):
            return f"{byte:02X}"
        if 0xE1 <= byte <= 0xEF:
            return "C2"
        if 0xF1 <= byte <= 0xF3:
            return "C3"
        return "REJECT"
    low, high = NARROW.get(state, (0x80, 0xBF))
    return AFTER_CONTINUATION[state] if low <= byte <= high else "REJECT"


def rows() -> list[int]:
    return [sum(OFFSET[next_state(state, byte)] << OFFSET[state] for state in STATES) for byte in range(256)]


def c_source() -> str:
    values = rows()
    return "\n".join("    " + ", ".join(f"0x{v:014x}ull" for v in values[i : i + 4]) + ","
                     for i in range(0, 256, 4))


if __name__ == "__main__":
    print(c_source())
