from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_example_runs_as_written():
    text = README.read_text()
    example = text.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(example, str(README), "exec"), {})
