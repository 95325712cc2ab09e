"""Command line: ``python -m llmbook_utils doctor`` checks whether this set-up will run the course."""

import sys


def _cli(argv: list[str]) -> int:
    if argv != ["doctor"]:
        print("usage: python -m llmbook_utils doctor   (checks Python, packages, GPU, profile, cache, keys)")
        return 2
    from .doctor import main

    text, status = main()
    print(text)
    return status


if __name__ == "__main__":
    sys.exit(_cli(sys.argv[1:]))
