"""nqueens: count all solutions of the N-queens problem, the same recursion as
Gabriel's list-based version (lists of remaining rows, rejected rows and placed
queens; Python lists stand in for Scheme lists, x[1:] + y for append).
Args: N REPEAT.  Prints the total count (92 per run for N = 8)."""
import sys


def ok(row, dist, placed):
    for q in placed:
        if q == row + dist or q == row - dist:
            return False
        dist += 1
    return True


def try_it(x, y, z):
    if not x:
        return 1 if not y else 0
    head = x[0]
    found = try_it(x[1:] + y, [], [head] + z) if ok(head, 1, z) else 0
    return found + try_it(x[1:], [head] + y, z)


def queens(n):
    return try_it(list(range(1, n + 1)), [], [])


n, repeat = int(sys.argv[1]), int(sys.argv[2])
total = 0
for _ in range(repeat):
    total += queens(n)
print(total)
