"""strings: build one long string from N small pieces "k<i>=<i*i>;" (each made
by concatenating str() of the numbers) written to a string buffer (io.StringIO,
Python's string output port).  Args: N.  Prints the length of the result."""
import io
import sys


def build(n):
    port = io.StringIO()
    for i in range(n):
        port.write("k" + str(i) + "=" + str(i * i) + ";")
    return port.getvalue()


print(len(build(int(sys.argv[1]))))
