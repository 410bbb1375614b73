"""The students' exercise files, made from the reference solutions (as the scikit-learn MOOC does).

    python tutorials/exercises/make_stubs.py           # write exN_*.py from solutions/exN_*.py
    python tutorials/exercises/make_stubs.py --check   # exit 1 naming each stub out of sync

In a solution, the lines from `# SOLUTION` to `# END SOLUTION` are the answer; the stub has
`raise NotImplementedError("your code here")` there instead, at the same indentation, and is
otherwise the same file (its docstring is the exercise). Edit the solution, then run this.
"""
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOLUTIONS = HERE / "solutions"
BLOCK = re.compile(r"^([ \t]*)# SOLUTION\n.*?^[ \t]*# END SOLUTION\n", re.S | re.M)


def stub_of(text):
    """The stub of a solution's text; ValueError when it has no solution block."""
    stub, n = BLOCK.subn(lambda m: f'{m.group(1)}raise NotImplementedError("your code here")\n', text)
    if not n:
        raise ValueError("no '# SOLUTION' ... '# END SOLUTION' block")
    return stub


def pairs():
    """(solution, stub) paths, in order."""
    return [(s, HERE / s.name) for s in sorted(SOLUTIONS.glob("ex[0-9]*_*.py"))]


def out_of_sync():
    return [stub for sol, stub in pairs() if not stub.is_file() or stub.read_text() != stub_of(sol.read_text())]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    stale = out_of_sync()
    if "--check" in argv:
        for stub in stale:
            print(f"out of sync: {stub.name} (run python tutorials/exercises/make_stubs.py)")
        return int(bool(stale))
    for sol, stub in pairs():
        if stub in stale:
            tmp = stub.with_suffix(".py.partial")
            tmp.write_text(stub_of(sol.read_text()))
            tmp.replace(stub)
            print(f"wrote {stub.relative_to(HERE.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
