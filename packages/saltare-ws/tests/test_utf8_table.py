import importlib.util
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
UTF8_C = PACKAGE / "src" / "saltare_ws" / "_c" / "utf8.c"


def test_c_transition_table_is_the_generated_one():
    if not UTF8_C.exists():
        return  # an installed wheel without the source tree: nothing to compare
    spec = importlib.util.spec_from_file_location("gen_utf8_table", PACKAGE / "tests" / "c" / "gen_utf8_table.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    assert generator.c_source() in UTF8_C.read_text()
