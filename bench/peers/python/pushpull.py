"""pushpull (pynng): throughput of N small messages (the integers 0..N-1, 8 bytes
each) from a Push0 socket in the main thread to a Pull0 socket in a consumer
thread, over inproc://.  The consumer sums what it receives.  Args: N.
Prints the sum."""
import sys
import threading

import pynng

URL = "inproc://bench-pushpull"


def main():
    n = int(sys.argv[1])
    result = []
    with pynng.Pull0(listen=URL) as pull:
        # The pull socket is listening before the consumer starts, as the Eta
        # consumer's listen comes before its "ready".
        def consume():
            total = 0
            for _ in range(n):
                total += int.from_bytes(pull.recv(), "little")
            result.append(total)

        consumer = threading.Thread(target=consume)
        consumer.start()
        with pynng.Push0(dial=URL) as push:
            for i in range(n):
                push.send(i.to_bytes(8, "little"))
            consumer.join()
    print(result[0])


main()
