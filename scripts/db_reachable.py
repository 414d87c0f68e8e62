"""Exit 0 when the PostgreSQL server of the given URL accepts a connection."""

import sys

import psycopg


def main(url: str) -> int:
    base = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(base, connect_timeout=3):
            return 0
    except psycopg.Error:
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
