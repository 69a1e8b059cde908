"""tak: Takeuchi function tak(18, 12, 6), repeated.  Args: REPEAT.
Prints the sum of the results (7 per call)."""
import sys


def tak(x, y, z):
    if not y < x:
        return z
    return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y))


total = 0
for _ in range(int(sys.argv[1])):
    total += tak(18, 12, 6)
print(total)
