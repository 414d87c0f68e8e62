"""A local SMTP server for the benchmarks, in its own process: aiosmtpd accepting every message, counting them.

python bench/smtp_sink.py PORT COUNT_FILE   # runs until killed; writes "<count> <first> <last>" (epoch
                                            # seconds of the first and last message) to COUNT_FILE every 0.2 s
"""

import asyncio
import sys
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class Counting:
    def __init__(self):
        self.count, self.first, self.last = 0, 0.0, 0.0

    async def handle_DATA(self, server, session, envelope):
        now = time.time()
        self.count += 1
        self.first = self.first or now
        self.last = now
        return "250 OK"


def main() -> None:
    port, out = int(sys.argv[1]), Path(sys.argv[2])
    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    try:
        while not stop.wait(0.2):
            out.write_text(f"{handler.count} {handler.first} {handler.last}")
    finally:
        controller.stop()


if __name__ == "__main__":
    asyncio.set_event_loop(asyncio.new_event_loop())
    main()
