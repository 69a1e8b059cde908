"""pingpong-thread (pynng): N round trips of a small integer (8 bytes) between a
Pair0 socket and an echo thread holding the other Pair0 socket, over inproc://.
A 1-byte message stops the echo thread.  Args: N.  Prints the sum of the echoes."""
import sys
import threading

import pynng

URL = "inproc://bench-pingpong-thread"


def echo(sock):
    while True:
        m = sock.recv()
        if len(m) != 8:  # the stop marker
            return
        sock.send(m)


def main():
    n = int(sys.argv[1])
    with pynng.Pair0(listen=URL) as parent, pynng.Pair0(dial=URL) as child:
        worker = threading.Thread(target=echo, args=(child,))
        worker.start()
        total = 0
        for i in range(n):
            parent.send(i.to_bytes(8, "little"))
            r = int.from_bytes(parent.recv(), "little")
            if r != i:
                raise SystemExit(f"bad pong {i} {r}")
            total += r
        parent.send(b"!")
        worker.join()
    print(total)


main()
