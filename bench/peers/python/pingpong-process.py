"""pingpong-process (pynng): N round trips of a small integer (8 bytes) between a
Pair0 socket and a child Python process (this script with --echo URL) holding
the other Pair0 socket, over ipc://.  The child's start-up is included, as with
etai's spawn.  A 1-byte message stops the child.  Args: N.  Prints the sum."""
import os
import subprocess
import sys
import tempfile

import pynng


def echo(url):
    with pynng.Pair0(dial=url) as sock:
        while True:
            m = sock.recv()
            if len(m) != 8:  # the stop marker
                return
            sock.send(m)


def main():
    n = int(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        url = "ipc://" + os.path.join(tmp, "pingpong.sock")
        with pynng.Pair0(listen=url) as parent:
            child = subprocess.Popen([sys.executable, __file__, "--echo", url])
            total = 0
            for i in range(n):
                parent.send(i.to_bytes(8, "little"))
                r = int.from_bytes(parent.recv(), "little")
                if r != i:
                    raise SystemExit(f"bad pong {i} {r}")
                total += r
            parent.send(b"!")
            if child.wait() != 0:
                raise SystemExit("echo child failed")
    print(total)


if len(sys.argv) == 3 and sys.argv[1] == "--echo":
    echo(sys.argv[2])
else:
    main()
