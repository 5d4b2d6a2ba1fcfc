#!/usr/bin/env python
"""Django's command-line utility; `kechuang` does the same."""

from kechuang.__main__ import main

if __name__ == "__main__":
    main()
